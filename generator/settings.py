"""guides.yml: what an advisory firm adds to a project (branding, defaults for private guides),
and where the branding goes: each guide's first screen, the MkDocs configuration, the docs folder.

Optional: without the file the site is unbranded and neutral. Read with the same YAML loader and
validation as the profiles, so a mistake is reported as `guides.yml:LINE: key: message`.
"""
from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from .errors import Problem
from .profiles import Advisor, Model, Persona, Text, _validate
from .formatting import inert
from .yamlio import line_of, load_yaml

FILE = "guides.yml"
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]  # only #rrggbb: it is written into CSS


class Branding(Model):
    firm: Text
    logo: Text | None = None                  # an image file in the project, e.g. branding/logo.svg
    primary_color: Color | None = None
    advisor: Advisor | None = None            # a persona's prepared_by replaces it
    disclaimer: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class PrivatePages(Model):
    show_site_navigation: bool = True         # False: a client's page shows no links to the public pages
    protect: Literal["passphrase", "none"] = "none"  # the default for private guides without their own


class Settings(Model):
    branding: Branding | None = None
    private_pages: PrivatePages = PrivatePages()


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """The project's guides.yml (the neutral defaults when there is none), and its problems."""
    path = root / FILE
    if not path.exists():
        return Settings(), []
    data, problems = load_yaml(path, FILE)
    settings = None
    if not problems:
        if data is None:
            return Settings(), []
        settings = _validate(Settings, data, FILE, problems)
        if settings is not None and settings.branding and settings.branding.logo:
            if not (root / settings.branding.logo).is_file():
                problems.append(Problem(FILE, line_of(data, ("branding", "logo")), "branding.logo",
                                        f"no file {settings.branding.logo!r} in the project",
                                        "a path from the project folder, such as branding/logo.svg"))
    return settings or Settings(), problems


def firm_line(branding: Branding, advisor: Advisor | None) -> str:
    """The footer's line: the firm, then the advisor and how to reach them."""
    parts = [branding.firm] + ([advisor.name, advisor.email, advisor.phone] if advisor else [])
    return " · ".join(part for part in parts if part)


def brand_view(settings: Settings, persona: Persona) -> dict:
    """Who prepared the guide, for its first screen: profile and guides.yml text, made inert."""
    branding = settings.branding
    advisor = persona.prepared_by or (branding.advisor if branding else None)
    text = lambda value: inert(value) if value else ""  # noqa: E731
    return {"firm": text(branding and branding.firm), "disclaimer": text(branding and branding.disclaimer),
            "advisor": text(advisor and advisor.name),
            "contact": " · ".join(text(part) for part in (advisor.email, advisor.phone) if part) if advisor else ""}


BRAND_DIR = "assets/brand"  # the firm's logo, copied into the docs folder


def apply_branding(config, settings: Settings) -> None:
    """The firm's logo, colour and footer line in the MkDocs configuration (the default build has none)."""
    branding = settings.branding
    if branding is None:
        return
    config.copyright = html.escape(firm_line(branding, branding.advisor))
    config.extra["generator"] = False  # Material's "Made with" line gives way to the firm's
    config.extra["brand_color"] = branding.primary_color  # overrides/main.html; only #rrggbb is accepted
    if branding.logo:
        config.theme["logo"] = f"{BRAND_DIR}/{Path(branding.logo).name}"


def copy_brand_assets(root: Path, settings: Settings, docs: Path) -> None:
    branding = settings.branding
    if branding and branding.logo:
        (docs / BRAND_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy(root / branding.logo, docs / BRAND_DIR / Path(branding.logo).name)
