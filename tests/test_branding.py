"""An advisory firm's branding (guides.yml): the example project in examples/advisor builds, and its
guides show the firm, the advisor and the disclaimer; the default build stays neutral."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from chromium import browser_page, require_chromium, serve
from conftest import REPO
from generator import protect
from generator.build import BuildReport, Project, build, guide_pdfs
from generator.errors import ProblemsFound

FIRM = "Harbor Point Wealth Partners"


@pytest.fixture(scope="module")
def firm(tmp_path_factory):
    """The example firm's project, copied with its links to the repository's templates resolved."""
    root = tmp_path_factory.mktemp("advisor") / "project"
    shutil.copytree(REPO / "examples" / "advisor", root, symlinks=False,
                    ignore=shutil.ignore_patterns("site", "build", ".site*", ".guides-*"))  # what a local build left
    report = build(Project(root))
    return Project(root), {g.results.persona.id: g for g in report.guides}


def page_of(project, guide) -> str:
    return (project.root / "site" / guide.path.removesuffix(".md") / "index.html").read_text()


def test_the_example_firm_builds_with_its_logo_colour_and_footer(firm):
    project, guides = firm
    assert sorted(guides) == ["client-alvarez", "client-brooks"]
    page = page_of(project, guides["client-brooks"])
    assert 'src="../../assets/brand/logo.svg"' in page and (project.root / "site/assets/brand/logo.svg").is_file()
    assert "--md-primary-fg-color: #0b5d6b" in page
    footer = page[page.index('<div class="md-copyright">'):]
    assert f"{FIRM} · Morgan Ellery, CFP® · morgan@harborpoint.example · (555) 010-4477" in footer
    assert "Made with" not in footer


def test_a_persona_names_its_own_advisor(firm):
    project, guides = firm
    page = page_of(project, guides["client-brooks"])
    prepared = page[page.index('class="guides-prepared"'):][:600]
    assert "Jordan Pike" in prepared and FIRM in prepared and "jordan@harborpoint.example" in prepared
    assert "Morgan Ellery" not in prepared


def test_the_firms_defaults_for_private_pages(firm):
    project, guides = firm
    assert guides["client-alvarez"].protected and not guides["client-brooks"].protected  # protect: none wins
    navigation = '<div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation" hidden>'
    for guide in guides.values():  # show_site_navigation: false, locked page included
        assert navigation in page_of(project, guide)


def test_the_default_build_is_unbranded(built):
    page = (built.root / "site" / "guides" / "priya" / "index.html").read_text()
    assert "guides-prepared" not in page and "guides-disclaimer" not in page and "brand" not in page
    assert "Made with" in page


def test_guides_yml_mistakes_are_reported_with_their_line(project):
    (project.root / "guides.yml").write_text(
        "branding:\n  firm: Acme Advisors\n  primary_color: blue\n  logo: missing.svg\n")
    with pytest.raises(ProblemsFound) as found:
        build(project)
    shown = [str(p) for p in found.value.problems]
    assert any(s.startswith("guides.yml:3: branding.primary_color:") for s in shown), shown
    assert not (project.root / "site").exists()


def test_a_missing_logo_is_reported(project):
    (project.root / "guides.yml").write_text("branding:\n  firm: Acme Advisors\n  logo: missing.svg\n")
    with pytest.raises(ProblemsFound) as found:
        build(project)
    assert [str(p) for p in found.value.problems] == [
        "guides.yml:3: branding.logo: no file 'missing.svg' in the project "
        "(a path from the project folder, such as branding/logo.svg)"]


def test_prepared_by_on_a_public_guide_is_an_error(project):
    path = project.root / "profiles" / "personas" / "maya.yaml"
    path.write_text(path.read_text() + "prepared_by:\n  name: Someone\n")
    with pytest.raises(ProblemsFound) as found:
        build(project)
    assert any(p.key == "prepared_by" and p.path.endswith("maya.yaml") for p in found.value.problems)


# Before the browser tests: write_pdfs starts its own Playwright, which cannot run inside theirs.
def test_the_client_packet_prints_a_protected_guide_unlocked_outside_the_site(firm):
    """`guides build --pdf` for a firm: one PDF per client in pdf/ beside the site (never inside it).
    The protected guide is printed as its client sees it after typing the passphrase, so page 1
    holds the client's name, the advisor, the as-of date and the firm's disclaimer."""
    require_chromium()
    project, guides = firm
    report = BuildReport(project.root / "site", tuple(guides.values()))
    written = guide_pdfs(project, report)
    assert sorted(path.name for path in written) == ["client-alvarez.pdf", "client-brooks.pdf"]
    assert all(path.parent == project.root / "pdf" for path in written)
    pdf = project.root / "pdf" / "client-alvarez.pdf"
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(first.split())
    assert "Rosa Alvarez" in words and "Morgan Ellery" in words and "as of" in words
    assert "not tax or legal advice" in words
    assert not list((project.root / "site").resolve().rglob("*.pdf"))


# ----------------------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def browser(firm):
    playwright = require_chromium()
    project, guides = firm
    with serve(project.root / "site") as url, browser_page(playwright, 1280, 900) as page:
        yield page, url, project, guides


def test_firm_logo_disclaimer_and_footer_in_the_browser(browser):
    page, url, project, guides = browser
    page.goto(url + guides["client-brooks"].path.removesuffix(".md") + "/")
    assert page.locator("header img[src$='brand/logo.svg']").is_visible()
    disclaimer = page.locator(".guides-disclaimer")
    box = disclaimer.bounding_box()
    assert "not tax or legal advice" in disclaimer.inner_text() and box["y"] + box["height"] <= 900  # first screen
    assert FIRM in page.locator(".guides-prepared").inner_text()
    assert FIRM in page.locator(".md-footer .md-copyright").inner_text()
    assert "Made with" not in page.locator(".md-footer").inner_text()


def test_the_protected_guide_opens_branded(browser):
    page, url, project, guides = browser
    guide = guides["client-alvarez"]
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the first screen is smaller
    page.goto(url + guide.path.removesuffix(".md") + "/")
    assert FIRM in page.locator(".md-footer .md-copyright").inner_text()  # the locked page says whose it is
    secret = (project.root / ".guides-secret").read_text().strip().encode()
    page.fill("#guides-passphrase", protect.passphrase_for(secret, "client-alvarez"))
    page.click("#guides-unlock button")
    page.wait_for_selector("article h1:has-text('Rosa Alvarez')")
    assert "Morgan Ellery" in page.locator(".guides-prepared").inner_text()
    box = page.locator(".guides-disclaimer").bounding_box()
    assert box["y"] + box["height"] <= 844

