"""Passphrase-protected guides: nothing of the client's in clear anywhere in the output, and the page
opens in a real browser with the right passphrase only."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from chromium import browser_page, require_chromium, serve
from conftest import copy_project
from generator import protect
from generator.build import build
from generator.errors import ProblemsFound
from generator.formatting import money

# A client whose name and pay appear nowhere else, on a plan with after-tax money (so the guide has charts).
CLIENT = """\
name: Zebediah Quillfeather
tax_year: 2026
birth_date: 1975-04-09
filing_status: married_joint
plan: acme-401k
pay:
  salary: 187431
  prior_year_fica_wages: 181277
spouse:
  name: Ottoline Quillfeather
  compensation: 0
  covered_by_workplace_plan: false
tax:
  marginal_rate_now: 24
  marginal_rate_retirement: 22
audience: private
protect: passphrase
"""


@pytest.fixture(scope="module")
def protected(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("protected") / "project")
    (project.root / "profiles" / "personas" / "client-zq.yaml").write_text(CLIENT)
    report = build(project)
    guide = next(g for g in report.guides if g.results.persona.id == "client-zq")
    return project, guide


def secrets_of(guide) -> list[str]:
    """What must not be readable: the client's names, pay, figures worked out for them, and the link token."""
    figures = guide.results.figures
    token = Path(guide.path).stem
    amounts = [figures[name].value for name in ("employer_match", "after_tax_space", "modified_agi")]
    return (["Quillfeather", "Zebediah", "Ottoline", "187,431", "187431", "181,277", token]
            + [money(amount) for amount in amounts] + [money(amount).removeprefix("$") for amount in amounts])


def sealed_of(page_html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="guides-sealed">(.*?)</script>',
                                page_html, re.S).group(1))


def locked_page(project, guide) -> Path:
    return project.root / "site" / guide.path.removesuffix(".md") / "index.html"


def test_no_output_file_holds_the_clients_data_in_clear(protected):
    project, guide = protected
    assert guide.results.figures["after_tax_space"].value > 0  # the guide has charts to hide
    outputs = [p for folder in ("site", "build") for p in (project.root / folder).rglob("*") if p.is_file()]
    assert locked_page(project, guide) in outputs and len(outputs) > 50
    for path in outputs:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for secret in secrets_of(guide):
            assert secret not in text, f"{secret!r} in {path}"
            assert secret not in str(path.relative_to(project.root)) or secret == Path(guide.path).stem, path


def test_the_locked_page_has_no_clear_title_description_toc_or_chart(protected):
    project, guide = protected
    page = locked_page(project, guide).read_text()
    assert "<title>A private guide - " in page
    assert 'href="#' not in page  # no table of contents (an open guide's lists every section)
    assert "<svg" not in page.split('id="guides-sealed"')[0].split("<article")[1]
    assert '<meta name="robots" content="noindex">' in page
    token = Path(guide.path).stem
    assert [p.name for p in (project.root / "site").rglob(f"*{token}*")] == [token]  # the page's folder, no charts


def test_the_sealed_content_opens_with_the_passphrase_only(protected):
    project, guide = protected
    sealed = sealed_of(locked_page(project, guide).read_text())
    assert sealed["iterations"] >= 600_000 and sealed["cipher"] == "AES-256-GCM"
    content = protect.unseal(sealed, protect.passphrase_for(secret(project), "client-zq"))
    assert "Zebediah Quillfeather" in content["title"] and "187,431" in content["html"]
    assert "data:image/svg+xml;base64," in content["html"]  # the charts, inside
    assert "data:text/calendar;base64," in content["html"]  # and the calendar
    with pytest.raises(InvalidTag):
        protect.unseal(sealed, "wrong-words-wrong-words")


def secret(project) -> bytes:
    return (project.root / ".guides-secret").read_text().strip().encode()


def test_every_seal_has_a_fresh_salt_and_nonce():
    first, second = (protect.seal({"html": "same"}, "same passphrase") for _ in range(2))
    assert first["salt"] != second["salt"] and first["nonce"] != second["nonce"]
    assert first["ciphertext"] != second["ciphertext"]


def test_the_passphrase_is_stable_long_and_apart_from_the_link():
    one = protect.passphrase_for(b"k" * 32, "client-a")
    assert one == protect.passphrase_for(b"k" * 32, "client-a") != protect.passphrase_for(b"k" * 32, "client-b")
    assert re.fullmatch(r"[a-z2-7]{5}(-[a-z2-7]{5}){3}", one)  # 20 base32 characters: 100 bits
    assert protect.passphrase_for(b"j" * 32, "client-a") != one


def test_a_passphrase_typed_in_capitals_or_with_spaces_still_opens():
    sealed = protect.seal({"html": "x"}, "abcde-fghij")
    assert protect.unseal(sealed, " ABCDE fghij ")["html"] == "x"


def test_protect_on_a_public_guide_is_an_error(project):
    path = project.root / "profiles" / "personas" / "maya.yaml"
    path.write_text(path.read_text() + "protect: passphrase\n")
    with pytest.raises(ProblemsFound) as found:
        build(project)
    assert any(p.key == "protect" and "private" in p.message and p.path.endswith("maya.yaml")
               for p in found.value.problems)


# ----------------------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def browser(protected):
    playwright = require_chromium()
    project, guide = protected
    with serve(project.root / "site") as url, browser_page(playwright) as page:
        yield page, url + guide.path.removesuffix(".md") + "/", protect.passphrase_for(secret(project), "client-zq")


def test_the_browser_opens_the_guide_with_the_right_passphrase(browser):
    page, url, passphrase = browser
    page.goto(url)
    assert "Quillfeather" not in page.content()
    protect.open_in_browser(page, passphrase)
    assert "Zebediah Quillfeather" in page.locator("article h1").first.inner_text()
    assert "Zebediah Quillfeather" in page.title()
    # the projection and cadence charts travel inside the sealed page as data URIs, each drawn twice:
    # for a wide and for a narrow column (charts.Layout), so 2 charts × 2 drawings
    assert page.locator("article img[src^='data:image/svg+xml']").count() == 4


def test_the_browser_refuses_a_wrong_passphrase(browser):
    page, url, passphrase = browser
    page.goto(url)
    page.fill("#guides-passphrase", passphrase.replace("-", "").upper()[::-1])
    page.click("#guides-unlock button")
    message = page.locator("[data-unlock-message]")
    message.wait_for(state="visible")
    assert "does not open" in message.inner_text()
    assert "Quillfeather" not in page.content()


def test_the_build_refuses_a_protected_page_that_went_out_readable(tmp_path):
    from generator.privacy import PrivatePage
    page = PrivatePage("client-zq", "0" * 32, ("Zebediah Quillfeather",))
    (tmp_path / "c" / page.token).mkdir(parents=True)
    (tmp_path / "c" / page.token / "index.html").write_text("<h1>A private guide</h1>")
    assert protect.readable_on_locked_pages(tmp_path, [page]) == []
    (tmp_path / "c" / page.token / "index.html").write_text("<h1>Zebediah Quillfeather: your guide</h1>")
    assert [p.message for p in protect.readable_on_locked_pages(tmp_path, [page])] == [
        "protected guide readable: the client's name is in its page"]
