"""`guides links` and `guides rotate-secret`: the advisor's list of client links, as a person runs them."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import stat

import pytest
from click.testing import CliRunner

from generator.cli import main

BASE = "https://guides.example.com/advisor/"
JUNE_1_2026 = "1780272000"  # SOURCE_DATE_EPOCH: the build's and the listing's "today"
OLD = b"3f9c2a7e5b1d8046" * 4  # the project's link secret before rotation: 64 hex digits

CLIENT = """\
name: {name}
tax_year: 2026
birth_date: 1980-05-05
plan: acme-401k
pay:
  salary: 120000
  prior_year_fica_wages: 115000
audience: private
"""
CLIENTS = {
    "client-expired": ("Ada Expired", "share_until: 2026-05-31\n"),   # the day before today: not published
    "client-future": ("Bo Future", "share_until: 2026-12-31\n"),      # published, and says until when
    "client-last-day": ("Cy Lastday", "share_until: 2026-06-01\n"),   # today is the last day: published
    "client-revoked": ("Di Revoked", "revoked: true\n"),
    "client-locked": ("Ed Locked", "protect: passphrase\n"),
}


def token(secret: bytes, persona_id: str) -> str:
    """The link token worked out here from its definition: the first 32 hex digits of HMAC-SHA256(secret, id)."""
    return hmac.new(secret, persona_id.encode(), hashlib.sha256).hexdigest()[:32]


@pytest.fixture
def advisor(project, monkeypatch):
    for persona_id, (name, extra) in CLIENTS.items():
        (project.profiles_dir / "personas" / f"{persona_id}.yaml").write_text(CLIENT.format(name=name) + extra)
    with open(project.mkdocs_yml, "a") as config:
        config.write(f"site_url: {BASE}\n")
    (project.root / ".guides-secret").write_text(OLD.decode() + "\n")
    monkeypatch.delenv("GUIDES_LINK_SECRET", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JUNE_1_2026)
    monkeypatch.chdir(project.root)
    return project


def guides(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def url(secret: bytes, persona_id: str) -> str:
    return f"{BASE}c/{token(secret, persona_id)}/"




def test_links_lists_every_private_guide_with_its_full_url(advisor):
    result = guides("links")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for persona_id in ("client-hoang", "client-future", "client-last-day", "client-locked"):
        assert any(persona_id in line and url(OLD, persona_id) in line for line in lines), persona_id
    assert any("client-future" in line and "until 2026-12-31" in line for line in lines)
    assert any("client-expired" in line and "not published: share_until 2026-05-31 has passed" in line for line in lines)
    assert any("client-revoked" in line and "not published: revoked" in line for line in lines)
    assert token(OLD, "client-expired") not in result.output and token(OLD, "client-revoked") not in result.output
    assert "maya" not in result.output  # public guides have no private link


def test_links_prints_the_passphrase_of_a_protected_guide_once(advisor):
    from generator.protect import passphrase_for
    output = guides("links").output
    assert output.count(passphrase_for(OLD, "client-locked")) == 1
    assert output.count("passphrase") == 1  # the unprotected guides have none


def test_links_csv_for_a_mail_merge_has_no_passphrases(advisor):
    result = guides("links", "--csv", "links.csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((advisor.root / "links.csv").read_text())))
    assert [r["id"] for r in rows] == ["client-future", "client-hoang", "client-last-day", "client-locked"]
    assert rows[0] == {"id": "client-future", "name": "Bo Future", "url": url(OLD, "client-future"),
                       "available_until": "2026-12-31"}
    assert all(set(r) == {"id", "name", "url", "available_until"} for r in rows)


def test_links_csv_to_standard_output(advisor):
    output = guides("links", "--csv", "-").output
    assert output.splitlines()[0] == "id,name,url,available_until"
    assert f"client-hoang,Minh Hoang,{url(OLD, 'client-hoang')}," in output


def test_expired_and_revoked_guides_are_not_published_and_the_page_says_until_when(advisor):
    result = guides("build")
    assert result.exit_code == 0, result.output
    site = advisor.root / "site" / "c"
    published = {p.name for p in site.iterdir() if p.is_dir()}
    assert published == {token(OLD, i) for i in ("client-hoang", "client-future", "client-last-day", "client-locked")}
    future = (site / token(OLD, "client-future") / "index.html").read_text()
    assert "available until Dec 31, 2026" in future  # the one date style of a page
    assert "not published" in result.output and "client-revoked" in result.output


def test_rotating_the_secret_prints_old_and_new_links_and_keeps_the_file_private(advisor):
    result = guides("rotate-secret")
    assert result.exit_code == 0, result.output
    new = (advisor.root / ".guides-secret").read_text().strip().encode()
    assert new != OLD and len(new) >= 64
    assert stat.S_IMODE((advisor.root / ".guides-secret").stat().st_mode) == 0o600
    for persona_id in ("client-hoang", "client-future", "client-last-day", "client-locked"):
        assert f"{url(OLD, persona_id)} -> {url(new, persona_id)}" in result.output
    assert token(OLD, "client-revoked") not in result.output
    assert url(new, "client-hoang") in guides("links").output  # the listing follows the new secret


def test_rotation_refuses_a_secret_from_the_environment(advisor, monkeypatch):
    monkeypatch.setenv("GUIDES_LINK_SECRET", "e41b7c09d2f5a863" * 4)
    result = guides("rotate-secret")
    assert result.exit_code == 1 and "GUIDES_LINK_SECRET" in result.output
    assert (advisor.root / ".guides-secret").read_text().strip().encode() == OLD


def test_share_until_on_a_public_guide_is_an_error(advisor):
    path = advisor.profiles_dir / "personas" / "maya.yaml"
    path.write_text(path.read_text() + "share_until: 2026-12-31\n")
    result = guides("check")
    assert result.exit_code == 1 and "share_until: applies only to a private guide" in result.output
