"""YAML in: read safely, numbers as Decimal, a line number for every key, duplicates rejected.

A loaded mapping is a `Node` (a dict) that remembers the line of each key, so a validation
problem can name `profiles/personas/maria.yaml:7: pay.salary`.

A profile is a few kB of plain keys and values, so anything far beyond that is refused before it
can cost time or memory: files over MAX_BYTES, nesting deeper than MAX_DEPTH, more than
MAX_VALUES values once aliases are expanded (the "billion laughs"), an alias or a list as a key.
Only a regular file is read: a named pipe could block the command for ever, and a device
(/dev/zero) never ends.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_BYTES = 100_000  # a persona or plan is a few kB
MAX_DEPTH = 20  # a profile nests three or four levels
MAX_VALUES = 2_000  # keys, values and list items, aliases expanded; a profile has about a hundred

# Characters no profile text may hold: C0 controls (tab and line breaks are allowed in the file, not in
# a value), DEL, C1 controls, lone surrogates and Unicode non-characters. They are invisible, they
# break front matter, and they usually arrive by pasting from another program.
_UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                       + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17)) + "]")
_LINE_BREAKS = "\t\n\r"


def unwanted_character(text: str, allow: str = "") -> str | None:
    """A description of the first character of `text` that profile text may not hold, or None."""
    for match in _UNWANTED.finditer(text):
        char = match.group(0)
        if char in allow:
            continue
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            kind = "a lone surrogate"
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            kind = "the control character"
        else:
            kind = "the non-character"
        name = unicodedata.name(char, "")
        return f"{kind} U+{code:04X}" + (f" ({name})" if name else "")
    return None


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


class _Refused(Exception):
    """A file the loader will not read further, at a line: a duplicate key, a bomb, a bad key."""

    def __init__(self, line: int, key: str, message: str, hint: str = ""):
        self.problem = (line, key, message, hint)


class _Loader(yaml.SafeLoader):
    """SafeLoader with Decimal numbers, line-tracking, duplicate-rejecting mappings, and bounds."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._start_counting()

    def _start_counting(self) -> None:
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}  # node id -> values in it, aliases expanded
        self._open: set[str] = set()  # anchors of the values being composed

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise _Refused(line, "", "an alias refers to the value that contains it", "a profile cannot hold itself")
            node = super().compose_node(parent, index)
            self._count(self._size(node), line)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(line, "", f"values are nested more than {MAX_DEPTH} levels deep",
                           "a profile needs three or four levels; check the brackets and indentation")
        self._open.add(event.anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(event.anchor)
        self._count(1, line)
        return node

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        start = self.get_event()
        tag = start.tag if start.tag not in (None, "!") else self.resolve(yaml.MappingNode, None, start.implicit)
        node = yaml.MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while not self.check_event(yaml.MappingEndEvent):
            line = self.peek_event().start_mark.line + 1
            if self.check_event(yaml.AliasEvent):
                raise _Refused(line, "", "an alias (*name) is used as a key", "write keys as plain words")
            key = self.compose_node(node, None)
            if not isinstance(key, yaml.ScalarNode):
                raise _Refused(line, "", "a list or mapping is used as a key", "write keys as plain words")
            node.value.append((key, self.compose_node(node, key)))
        node.end_mark = self.get_event().end_mark
        return node

    def _size(self, node: Any) -> int:
        """The number of values in `node` with every alias expanded (memoised: linear in the file)."""
        if id(node) not in self._sizes:
            children = [] if isinstance(node, yaml.ScalarNode) else (
                [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else node.value)
            self._sizes[id(node)] = 1 + sum(self._size(child) for child in children)
        return self._sizes[id(node)]

    def _count(self, values: int, line: int) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise _Refused(line, "", f"the file holds more than {MAX_VALUES:,} values (aliases expanded)",
                           "a profile holds about a hundred; check for aliases (*name) that repeat large parts")


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # YAML's .inf and .nan: kept, so validation says "must be a finite number"
        return Decimal("NaN") if "nan" in text.lower() else Decimal("-Infinity" if text.startswith("-") else "Infinity")


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A date, or the text itself when it is not a real date (1980-13-01), for validation to report."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
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
            raise _Refused(line, key, f"duplicate key (first given on line {result.key_lines[key]})",
                           "each key may appear once in a mapping")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


for _number_kind in ("int", "float"):  # every YAML number becomes a Decimal
    _Loader.add_constructor(f"tag:yaml.org,2002:{_number_kind}", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)

if yaml.__with_libyaml__:
    class _FastLoader(_Loader, yaml._yaml.CParser):
        """The same loader reading its events from libyaml's parser, in C (parsing is most of the time
        of a load): the composing above, with its bounds, and the constructing stay in Python. Its
        messages for malformed YAML are terser, so a file it refuses is read again by _Loader."""

        def __init__(self, stream: str):
            yaml._yaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_counting()

        # the event methods are libyaml's; the composing ones stay _Loader's (Composer's)
        check_event, peek_event, get_event = (yaml._yaml.CParser.check_event, yaml._yaml.CParser.peek_event,
                                              yaml._yaml.CParser.get_event)
else:  # PyYAML built without libyaml
    _FastLoader = _Loader


def load_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    """Parse `path`; return (data, problems). On a problem the data is None."""
    text, problems = read_profile_text(path, shown_as)
    if problems:
        return None, problems
    try:
        try:
            return yaml.load(text, Loader=_FastLoader), []
        except yaml.YAMLError:
            return yaml.load(text, Loader=_Loader), []  # the pure-Python parser's message, or its reading
    except _Refused as refused:
        return None, [Problem(shown_as, *refused.problem)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(shown_as, line, "", f"malformed YAML: {what}", "check indentation, colons and quotes")]
    except yaml.YAMLError as error:
        return None, [Problem(shown_as, 1, "", f"malformed YAML: {error}")]


class Unreadable(Exception):
    """A profile path that is not a regular file, or a file too big to be a profile."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_bytes(path: Path) -> bytes:
    """A profile file's bytes. Unreadable when it is not a regular file (opened without waiting, so a
    named pipe is never waited on) or holds more than MAX_BYTES (read no further, should it grow);
    OSError when the system refuses."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((kind for test, kind in _KINDS if test(info.st_mode)), "not a regular file")
            raise Unreadable(f"is {kind}, not a file", "a profile is a YAML text file")
        if info.st_size > MAX_BYTES:
            raise Unreadable(f"the file is {info.st_size:,} bytes; a profile may be at most "
                             f"{MAX_BYTES:,} bytes ({MAX_BYTES // 1000} kB)", "a persona or plan is a few kB")
        data = b""
        while chunk := os.read(fd, MAX_BYTES + 1 - len(data)):
            data += chunk
            if len(data) > MAX_BYTES:
                raise Unreadable(f"the file holds more than {MAX_BYTES:,} bytes; a profile may be at most "
                                 f"{MAX_BYTES:,} bytes ({MAX_BYTES // 1000} kB)", "a persona or plan is a few kB")
        return data
    finally:
        os.close(fd)


def read_profile_text(path: Path, shown_as: str) -> tuple[str, list[Problem]]:
    """The file's text, or where it stops being readable text: not a file, too big, not UTF-8, a control character."""
    try:
        raw = read_bytes(path)
    except Unreadable as unreadable:
        return "", [Problem(shown_as, 1, "", unreadable.message, unreadable.hint)]
    except OSError as error:
        return "", [Problem(shown_as, 1, "", f"cannot read the file: {error.strerror or error}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return "", [Problem(shown_as, line, "", f"is not UTF-8 text (byte 0x{raw[error.start]:02x} on this line)",
                            "save the file as UTF-8")]
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = unwanted_character(line, allow=_LINE_BREAKS)
        if found:
            problems.append(Problem(shown_as, number, "", f"contains {found}, which a profile may not hold",
                                    "delete it and retype the text around it; pasted text can carry invisible characters"))
    return text, problems


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
