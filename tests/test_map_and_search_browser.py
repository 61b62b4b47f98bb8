"""The hand-nerve map, callouts and search in Debian's Chromium (Playwright), on a FIXTURE site: the sample site
plus a page that places the map and a callout, and its own rules/search-synonyms.yml.

The map has an accessible name, a description and a text equivalent at 375 and 1280 px; axe finds nothing in
either colour scheme; search excerpts keep their spaces, results land on the matching section, readers' words
find pages through the synonyms file, and a search that finds nothing offers pages to go to instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.chromium import needs_chromium
from tests.published_site import Served, serve_folder
from tests.sample_site import make_project, run_build
from tests.test_readers_browser import axe_violations

pytestmark = needs_chromium

MAP_PAGE = """---
title: Which nerve is it
type: guide
status: published
summary: A sample guide that places the hand-nerve map and a warning callout, for the browser tests.
topics: [hands]
care:
  emergency: [sudden-weakness]
  urgent: [numbness that is spreading quickly]
  non_urgent: [numbness that keeps coming back]
authors: [{name: Editorial team, role: Health writers}]
date_published: 2025-01-10
last_reviewed: 2025-02-01
next_review_due: 2027-02-01
sources:
  - {id: nhs-pins, title: Pins and needles, publisher: NHS, kind: patient-information,
     url: "https://www.nhs.uk/conditions/pins-and-needles/", accessed: 2025-01-05}
  - {id: mlp, title: Numbness and tingling, publisher: MedlinePlus, kind: patient-information,
     url: "https://medlineplus.gov/ency/article/003206.htm", accessed: 2025-01-05}
---

## The map

Each nerve gives feeling to one part of the hand.[^nhs-pins]

{{ hand-map }}

## Wrist splints

A wrist splint keeps the wrist straight at night and helps a squeezed nerve in the wrist.[^mlp]

!!! warning "Get help the same day"
    Ask for an urgent appointment if your hand gets weaker.[^mlp]

## Tingling and thyroid

Pins and needles can come from a thyroid problem.[^nhs-pins]
"""
SYNONYMS = """synonyms:
  - [paraesthesia, paresthesia]
  - [pins and needles, hand fell asleep]
suggestions:
  - {title: Which nerve is it, path: /which-nerve/}
"""
# Words the fixture's pages contain, run together as the old excerpt code showed them.
RUN_TOGETHER = re.compile(r"(pinsand|andneedles|wristsplint|splintkeeps|nervegives|thyroidproblem)", re.I)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = make_project(tmp_path_factory.mktemp("map-search") / "project")
    (project / "content" / "which-nerve.md").write_text(MAP_PAGE, encoding="utf-8")
    (project / "rules" / "search-synonyms.yml").write_text(SYNONYMS, encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    with serve_folder(project / "_site") as served:
        yield served


def open_page(browser: Browser, site: Served, path: str, width: int, scheme: str = "light") -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(site.url(path), wait_until="networkidle")
    return page


@pytest.mark.parametrize("width", [375, 1280])
def test_map_has_a_name_a_description_and_a_text_equivalent(
    browser: Browser, fixture_site: Served, width: int, tmp_path: Path
) -> None:
    page = open_page(browser, fixture_site, "/which-nerve/", width)
    try:
        image = page.get_by_role("img", name="Hand-nerve map: which nerve gives feeling to which part of the hand")
        assert image.count() == 1
        description = image.evaluate("svg => document.getElementById(svg.getAttribute('aria-describedby')).textContent")
        assert "median nerve" in description and "ulnar nerve" in description and "radial nerve" in description
        items = page.locator("figure.hand-map figcaption li")
        assert items.count() == 3
        text = " ".join(items.all_inner_texts())
        for words in ("median nerve", "ulnar nerve", "radial nerve", "index finger", "little finger"):
            assert words in text
        box = page.locator("figure.hand-map svg[role=img]").bounding_box()
        assert box is not None and 0 < box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.locator("figure.hand-map").screenshot(path=str(tmp_path / f"map-{width}.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_map_page_passes_axe_in_both_colour_schemes(
    browser: Browser, fixture_site: Served, scheme: str, width: int
) -> None:
    page = open_page(browser, fixture_site, "/which-nerve/", width, scheme)
    try:
        assert axe_violations(page) == []
        # The zones are drawn with patterns as well as colours; in dark mode the fills follow the theme.
        fill = page.evaluate("getComputedStyle(document.querySelector('.hand-map .hm-m')).fill")
        assert fill == ("rgb(207, 227, 247)" if scheme == "light" else "rgb(31, 79, 122)")
        callout = page.get_by_role("note", name="Get help the same day")
        assert callout.count() == 1
    finally:
        page.context.close()


def search(browser: Browser, site: Served, query: str, width: int = 1280) -> Page:
    page = open_page(browser, site, "/search/?q=" + query.replace(" ", "+"), width)
    page.wait_for_selector("#search-status:text-matches('found for|not working')", timeout=15_000)
    return page


@pytest.mark.parametrize("width", [375, 1280])
def test_search_excerpts_keep_their_spaces_and_results_land_on_sections(
    browser: Browser, fixture_site: Served, width: int
) -> None:
    page = search(browser, fixture_site, "wrist splint", width)
    try:
        first = page.locator("#search-results li").first
        assert first.locator("a").get_attribute("href") == "/which-nerve/#wrist-splints"
        assert "› Wrist splints" in first.locator("a").inner_text()
        excerpt = first.locator("p").inner_text()
        assert "wrist splint keeps" in excerpt.lower()
        assert not RUN_TOGETHER.search(excerpt), excerpt
        assert first.locator("mark").count() >= 2
    finally:
        page.context.close()


def test_stop_words_are_not_highlighted(browser: Browser, fixture_site: Served) -> None:
    page = search(browser, fixture_site, "pins and needles")
    try:
        marks = [text.strip().lower() for text in page.locator("#search-results mark").all_inner_texts()]
        assert "pins" in marks
        assert "and" not in marks
        for excerpt in page.locator("#search-results li p").all_inner_texts():
            assert not RUN_TOGETHER.search(excerpt), excerpt
    finally:
        page.context.close()


def test_readers_spelling_finds_the_page_through_the_synonyms_file(browser: Browser, fixture_site: Served) -> None:
    page = search(browser, fixture_site, "paresthesia")
    try:
        assert page.locator("#search-results li a").first.get_attribute("href", timeout=5_000) == "/numb-hands/"
        assert page.locator("#search-status").inner_text().startswith("1 page found")
    finally:
        page.context.close()


def test_a_search_that_finds_nothing_offers_pages(browser: Browser, fixture_site: Served) -> None:
    page = search(browser, fixture_site, "zzyzx")
    try:
        assert page.locator("#search-status").inner_text().startswith('No pages found for "zzyzx"')
        assert page.locator("#search-results li").count() == 0
        links = page.locator("#search-none a")
        hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
        assert hrefs[0] == "/which-nerve/", "the synonyms file's suggestions come first"
        assert "/topics/hands/" in hrefs
    finally:
        page.context.close()


def test_the_count_is_the_true_total_and_more_results_load(browser: Browser, fixture_site: Served) -> None:
    page = search(browser, fixture_site, "numb")
    try:
        status = page.locator("#search-status").inner_text()
        total = int(status.split()[0])
        shown = page.locator("#search-results li").count()
        assert shown == min(total, 10)
        if total > 10:
            page.click("#search-more")
            page.wait_for_selector(f"#search-results li >> nth={min(total, 20) - 1}")
        else:
            assert page.locator("#search-more").is_hidden()
    finally:
        page.context.close()
