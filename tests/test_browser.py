"""Search and navigation of the built site in a real headless browser (Debian's chromium, driven by
Playwright; never a downloaded browser)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from chromium import CHROMIUM, FLAGS, require_chromium, serve

REPO_ROOT = Path(__file__).resolve().parent.parent

playwright = require_chromium()


@pytest.fixture(scope="module")
def site_url(built):
    with serve(built.root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url):
    with playwright.sync_playwright() as p:  # one Playwright per module: two cannot run at once
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # wide enough for the sidebar
    page.set_default_timeout(20_000)
    yield page
    page.close()


def search(page, site_url, term):
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material loads the index in a web worker; typing before it is ready can be lost.
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta')?.textContent.includes('Type to start searching')")
    page.locator("input.md-search__input").press_sequentially(term, delay=20)  # real key events, as a person types
    results = page.locator(".md-search-result__item")
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta')?.textContent.match(/\\d+ match|No matching/)")
    return results


def test_search_finds_a_term_from_a_guide_and_opens_it(page, site_url):
    results = search(page, site_url, "front-loading")
    links = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
    # Many guides warn about it (inside a collapsed callout); any of them is the right answer.
    assert any("/guides/" in link for link in links), links
    page.goto(next(site_url + link.lstrip("./") if not link.startswith("http") else link
                   for link in links if "/guides/" in link))
    assert "your 2026 retirement-savings guide" in page.locator("h1").first.inner_text()
    assert "front-loading" in page.locator("article").inner_text().lower()


def test_search_finds_the_text_of_a_collapsed_worked_example(page, site_url):
    results = search(page, site_url, "trued up")  # on a guide, only in a worked example's steps
    links = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
    assert any("/guides/" in link for link in links), links


def test_search_does_not_find_a_private_client(page, site_url):
    search(page, site_url, "Hoang")
    assert "No matching" in page.locator(".md-search-result__meta").inner_text()


def test_navigation_leads_from_home_to_a_guide(page, site_url):
    page.goto(site_url)
    page.locator("nav.md-nav--primary").get_by_role("link", name="Guides", exact=True).first.click()
    page.wait_for_url("**/guides/")
    page.locator("article a", has_text="Linda").click()
    page.wait_for_url("**/guides/linda/")
    assert "catch-up" in page.locator("article").inner_text()


def test_pages_load_nothing_from_outside_the_site(page, site_url):
    # An internal site (or a client opening a private link) must not call third parties such as font CDNs.
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(site_url) and not request.url.startswith("data:") else None)
    for path in ("", "guides/priya/", "limits/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    assert outside == []


# ----------------------------------------------------------------------------- reading a guide
# Three shapes of guide: an early-career saver, a high earner with after-tax money, a leaver.
SHAPES = ("maya", "priya", "omar")
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
AXE = REPO_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(params=list(VIEWPORTS), scope="module")
def viewport(request, browser):
    width, height = VIEWPORTS[request.param]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(20_000)
    yield page
    page.close()


def overflowing(page) -> list[str]:
    """Elements of the article wider than their box (something a reader would scroll sideways).
    Text kept only for screen readers (clipped to nothing) is not on the screen, so it cannot overflow."""
    return page.evaluate("""() => {
        const wide = [];
        const hidden = el => { for (let a = el; a; a = a.parentElement)
                                   if (getComputedStyle(a).clip !== 'auto') return true; return false; };
        if (document.documentElement.scrollWidth > window.innerWidth) wide.push('page');
        document.querySelectorAll('article *').forEach(el => {
            if (hidden(el)) return;
            const style = getComputedStyle(el);
            if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX))
                wide.push(el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 60));
            const box = el.getBoundingClientRect();
            if (box.width && box.right > window.innerWidth + 1) wide.push('past the edge: ' + el.tagName + ' ' + el.textContent.slice(0, 60));
        });
        return wide;
    }""")


@pytest.mark.parametrize("persona", SHAPES)
def test_a_guide_fits_the_screen_and_starts_with_what_to_do(viewport, site_url, persona):
    viewport.goto(f"{site_url}guides/{persona}/")
    assert overflowing(viewport) == []
    first = viewport.locator(".todo li").first
    box = first.bounding_box()
    assert box and box["y"] + box["height"] <= viewport.viewport_size["height"], "first action below the fold"
    if viewport.viewport_size["width"] == 390 and viewport.locator(".todo li").count() >= 3:
        third = viewport.locator(".todo li").nth(2).bounding_box()
        assert third["y"] < viewport.viewport_size["height"], "three actions visible on a phone"


@pytest.mark.parametrize("persona", SHAPES)
def test_worked_examples_are_collapsed_and_open_on_click(viewport, site_url, persona):
    viewport.goto(f"{site_url}guides/{persona}/")
    examples = viewport.locator("details.worked-example")
    assert examples.count() > 0
    assert viewport.locator("details.worked-example[open]").count() == 0
    first = examples.first
    assert not first.locator("table").is_visible()
    first.locator("summary").click()
    assert first.locator("table").is_visible()
    assert overflowing(viewport) == []  # the opened working fits too


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"CI must install axe-core into {AXE.parent.parent.parent} (see .ci/run)")
        pytest.skip("axe-core is not installed (npm install --no-save --prefix .cache/axe axe-core@4)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("path", ["", "guides/"] + [f"guides/{p}/" for p in SHAPES])
def test_no_serious_accessibility_problems(viewport, site_url, path):
    viewport.goto(site_url + path)
    viewport.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # check the working too
    assert axe_violations(viewport) == []


@pytest.mark.parametrize("persona", ["priya"])
def test_chart_text_is_at_least_12_css_pixels(viewport, site_url, persona):
    from generator.charts import NARROW, WIDE
    viewport.goto(f"{site_url}guides/{persona}/")
    viewport.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    shown = viewport.evaluate("""() => [...document.querySelectorAll('article img[src$=".svg"]')]
        .filter(img => img.offsetWidth > 0)
        .map(img => [img.className, img.getBoundingClientRect().width, img.naturalWidth])""")
    assert len(shown) == 2  # the projection and the cadence chart, one drawing each
    for kind, width, natural in shown:
        font = (NARROW if kind == "chart-narrow" else WIDE).font_size
        assert width / natural * font >= 12, (kind, width, natural)
