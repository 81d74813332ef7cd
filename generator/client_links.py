"""The advisor's list of client links: what `guides links` prints and writes as CSV, and the
explicit rotation of the link secret (old link → new link, so no link changes silently)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from . import build as pipeline
from . import secret as link_secret
from .privacy import PRIVATE_DIR
from .profiles import Persona
from .protect import passphrase_for


@dataclass(frozen=True)
class ClientLink:
    id: str
    name: str
    url: str | None          # None: not published (revoked, or past share_until)
    passphrase: str | None   # protected guides only
    share_until: dt.date | None
    status: str              # live | expired | revoked (build.sharing)


def client_links(project: pipeline.Project, personas: list[Persona], secret: bytes, today: dt.date) -> list[ClientLink]:
    """Every private guide, by id, with its full link built from mkdocs.yml's site_url."""
    base = site_url(project)
    links = []
    for persona in sorted((p for p in personas if p.audience == "private"), key=lambda p: p.id):
        status = pipeline.sharing(persona, today)
        live = status == "live"
        url = f"{base}{PRIVATE_DIR}/{link_secret.token_for(secret, persona.id)}/" if live else None
        phrase = passphrase_for(secret, persona.id) if live and pipeline.is_protected(project.settings, persona) else None
        links.append(ClientLink(persona.id, persona.name, url, phrase, persona.share_until, status))
    return links


def site_url(project: pipeline.Project) -> str:
    """mkdocs.yml's site_url with a trailing slash, or "" (links relative to the site) when unset."""
    from mkdocs.utils import yaml_load  # MkDocs' own reader: knows its !ENV and !relative tags

    with open(project.mkdocs_yml, encoding="utf-8") as config:
        url = (yaml_load(config) or {}).get("site_url") or ""
    return url if not url or url.endswith("/") else url + "/"


def links_csv(links: list[ClientLink]) -> str:
    """For a mail merge: the published links only, and never the passphrases (they go by another channel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "url", "available_until"])
    for link in links:
        if link.url:
            writer.writerow([link.id, link.name, link.url, link.share_until.isoformat() if link.share_until else ""])
    return out.getvalue()


def rotate_secret(project: pipeline.Project, personas: list[Persona], old: bytes,
                  today: dt.date) -> list[tuple[ClientLink, ClientLink]]:
    """Replace the secret in .guides-secret; each published guide's link under the old and the new one."""
    new = link_secret.new_secret()
    before = client_links(project, personas, old, today)
    after = client_links(project, personas, new.encode(), today)
    link_secret.write_secret(project.root, new)
    return [(was, now) for was, now in zip(before, after) if was.url]
