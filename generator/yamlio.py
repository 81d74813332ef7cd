"""YAML in: read safely, numbers as Decimal, a line number for every key, duplicates rejected.

A loaded mapping is a `Node` (a dict) that remembers the line of each key, so a validation
problem can name `profiles/personas/maria.yaml:7: pay.salary`.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem


class Node(dict):
    """A YAML mapping that knows the line of the mapping and of each of its keys (1-based)."""

    line: int = 1
    key_lines: dict[str, int]

    def with_value(self, key: str, value: Any) -> Node:
        """A copy with `key` set to `value`, keeping every line (a default or an override has no line of its own)."""
        copy = Node(self)
        copy.line, copy.key_lines = self.line, dict(self.key_lines)
        copy[key] = value
        return copy


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first_line: int):
        self.key, self.line, self.first_line = key, line, first_line


class _Loader(yaml.SafeLoader):
    """SafeLoader with Decimal numbers and line-tracking, duplicate-rejecting mappings."""


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # .inf, .nan and the like: keep YAML's reading so validation rejects it
        return Decimal("NaN")


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A date, or the text itself when it is not a real date (1980-13-01), for validation to report."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    result = Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key) if not isinstance(key, str) else key
        line = key_node.start_mark.line + 1
        if key in result:
            raise _DuplicateKey(key, line, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


for _number_kind in ("int", "float"):  # every YAML number becomes a Decimal
    _Loader.add_constructor(f"tag:yaml.org,2002:{_number_kind}", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    """Parse `path`; return (data, problems). On a problem the data is None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(shown_as, 1, "", f"cannot read the file: {error}")]
    try:
        return yaml.load(text, Loader=_Loader), []
    except _DuplicateKey as dup:
        return None, [Problem(shown_as, dup.line, dup.key, f"duplicate key (first given on line {dup.first_line})",
                              "each key may appear once in a mapping")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(shown_as, line, "", f"malformed YAML: {what}", "check indentation, colons and quotes")]
    except yaml.YAMLError as error:
        return None, [Problem(shown_as, 1, "", f"malformed YAML: {error}")]


def line_of(data: Any, loc: tuple) -> int:
    """The line of the deepest key along `loc` (a tuple of keys and list indexes) in `data`."""
    line = getattr(data, "line", 1)
    node = data
    for part in loc:
        if isinstance(node, Node) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
