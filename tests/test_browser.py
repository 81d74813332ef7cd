"""Search and navigation of the built site in a real headless browser (Debian's chromium, driven by
Playwright; never a downloaded browser)."""
from __future__ import annotations

import pytest

from chromium import browser_page, require_chromium, serve

playwright = require_chromium()


@pytest.fixture(scope="module")
def site_url(built):
    with serve(built.root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def page(site_url):
    with browser_page(playwright) as page:  # wide enough for the sidebar
        yield page


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
    assert any("guides/priya/" in link for link in links), links
    page.goto(next(site_url + link.lstrip("./") if not link.startswith("http") else link
                   for link in links if "guides/priya/" in link))
    assert "Priya: your 2026 retirement-savings guide" in page.locator("h1").first.inner_text()


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
