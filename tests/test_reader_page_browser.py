"""The reader's page in Debian's Chromium (issue 14), on a fixture site shaped like the real one (tests/reader_site.py):
the five reader questions one tap from home, "When to get help" in the contents and in the top third, 44-px call
buttons, a short phone header, tables that stack on phones, links that stay inline, care cards that cannot be
confused, a handout of at most 3 A4 pages, and axe at 0 violations in both colour schemes at 375 and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from tests.chromium import needs_chromium
from tests.published_site import Served, serve_folder
from tests.reader_site import QUESTIONS, make_reader_project
from tests.sample_site import run_build

pytestmark = needs_chromium
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
WIDTHS = {"375": PHONE, "1280": DESKTOP}
SYMPTOM = "/numb/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = make_reader_project(tmp_path_factory.mktemp("reader") / "project")
    result = run_build(project, "--no-search")
    assert result.returncode == 0, result.stderr
    with serve_folder(project / "_site") as served:
        yield served


def open_page(browser: Browser, site: Served, path: str, width: str, **options: object) -> tuple[BrowserContext, Page]:
    phone = width == "375"
    context = browser.new_context(viewport=WIDTHS[width], is_mobile=phone, has_touch=phone, **options)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(site.url(path))
    return context, page


@pytest.mark.parametrize("width", list(WIDTHS))
def test_each_reader_question_is_one_tap_from_home(browser: Browser, site: Served, width: str) -> None:
    context, page = open_page(browser, site, "/", width)
    try:
        for question, (link_text, path, anchor) in QUESTIONS.items():
            page.goto(site.url("/"))
            link = page.locator(".chooser a", has_text=re.compile(re.escape(link_text), re.I))
            assert link.count() == 1, question
            link.tap() if width == "375" else link.click()
            page.wait_for_url(re.compile(re.escape(path) + (f"#{anchor}" if anchor else "") + "$"))
            if anchor:
                assert page.locator(f"[id='{anchor}']").count() == 1, question
    finally:
        context.close()


def test_chooser_lists_emergency_signs_first_and_works_without_javascript(browser: Browser, site: Served) -> None:
    context, page = open_page(browser, site, "/", "375", java_script_enabled=False)
    try:
        items = page.locator(".chooser li")
        assert items.count() == 7
        assert items.nth(0).get_attribute("class") == "chooser-emergency"
        assert "Emergency:" in items.nth(0).inner_text() or items.nth(0).locator(".visually-hidden").count() == 1
        assert items.nth(2).get_attribute("class") is None
        assert page.get_by_role("heading", name="Where is your numbness?").is_visible()
        assert min(items.nth(i).locator("a").bounding_box()["height"] for i in range(7)) >= 44  # type: ignore[index]
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_when_to_get_help_is_in_the_contents_and_the_top_third(browser: Browser, site: Served, width: str) -> None:
    context, page = open_page(browser, site, SYMPTOM, width)
    try:
        assert page.locator(".toc a").first.get_attribute("href") == "#when-to-get-help"
        top = page.evaluate("document.getElementById('when-to-get-help').getBoundingClientRect().top + scrollY")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert top < height / 3, (top, height)
        section = page.locator("section.when-to-get-help")
        assert [section.locator(".care-card").nth(i).get_attribute("class") for i in range(3)] == [
            "care-card care-emergency",
            "care-card care-urgent",
            "care-card care-non-urgent",
        ]
        page.locator(".toc a").first.click()
        page.wait_for_url("**#when-to-get-help")
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_call_buttons_are_at_least_44_px(browser: Browser, site: Served, width: str) -> None:
    context, page = open_page(browser, site, SYMPTOM, width)
    try:
        buttons = page.locator("a.care-call")
        assert [buttons.nth(i).get_attribute("href") for i in range(buttons.count())] == ["tel:999", "tel:111"]
        for i in range(buttons.count()):
            box = buttons.nth(i).bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", SYMPTOM, "/conditions/wrist/"])
def test_header_and_strip_take_at_most_a_quarter_of_the_first_phone_screen(
    browser: Browser, site: Served, path: str
) -> None:
    context, page = open_page(browser, site, path, "375")
    try:
        bottom = page.evaluate("document.querySelector('.emergency-strip').getBoundingClientRect().bottom")
        assert bottom <= 812 * 0.25, bottom
        assert page.locator(".emergency-strip a[href='tel:999']").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        context.close()


def test_table_rows_stack_into_labelled_cards_on_a_phone(browser: Browser, site: Served) -> None:
    for width, display in (("375", "block"), ("1280", "table-cell")):
        context, page = open_page(browser, site, SYMPTOM, width)
        try:
            cell = page.locator(".body td").nth(1)
            assert cell.evaluate("td => getComputedStyle(td).display") == display
            label = cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert label == ('"A likely cause: "' if width == "375" else "none")
            assert cell.locator("a").first.get_attribute("href") == "#cause-1"
        finally:
            context.close()


def test_links_in_sentences_wrap_like_text(browser: Browser, site: Served) -> None:
    """A long link inside a list or sentence wraps over lines like the words around it (inline, not a block), so
    list numbers and full stops stay with their text."""
    context, page = open_page(browser, site, SYMPTOM, "375")
    try:
        links = page.locator(".body td a, .toc a, .sources li > a")
        displays = set(links.evaluate_all("links => links.map(a => getComputedStyle(a).display)"))
        assert displays == {"inline"}
        wrapped = page.locator(".sources li > a").first.evaluate("a => a.getClientRects().length")
        assert wrapped >= 2, "the first source title should wrap at 375 px"
    finally:
        context.close()


def _card_look(page: Page, level: str) -> list[str]:
    look: list[str] = page.locator(f".care-{level}").evaluate(
        """card => { const s = getComputedStyle(card), h = getComputedStyle(card.querySelector('h3')),
                      i = getComputedStyle(card.querySelector('.care-icon'));
                     return [s.backgroundColor, s.borderTopWidth + ' ' + s.borderTopStyle, h.backgroundColor,
                             i.borderRadius + ' ' + i.clipPath, card.querySelector('.care-label').textContent]; }"""
    )
    return look


@pytest.mark.parametrize("scheme", ["light", "dark", "print"])
def test_emergency_card_cannot_be_taken_for_the_urgent_one(browser: Browser, site: Served, scheme: str) -> None:
    context, page = open_page(browser, site, SYMPTOM, "1280", color_scheme="light" if scheme == "print" else scheme)
    try:
        if scheme == "print":
            page.emulate_media(media="print")
        emergency, urgent = _card_look(page, "emergency"), _card_look(page, "urgent")
        assert emergency[4] == "Emergency:" and urgent[4] == "Urgent:"
        assert emergency[1] != urgent[1], "border"
        assert emergency[3] != urgent[3], "icon shape"
        if scheme != "print":
            assert emergency[0] != urgent[0] and emergency[2] != urgent[2], "body and heading colours"
    finally:
        context.close()


def test_symptom_page_prints_on_at_most_three_a4_pages(browser: Browser, site: Served) -> None:
    context, page = open_page(browser, site, SYMPTOM, "1280")
    try:
        page.emulate_media(media="print")
        for kept in (".when-to-get-help", ".care-emergency", ".care-urgent", ".care-non-urgent", ".sources", ".review"):
            assert page.locator(kept).is_visible(), kept
        assert page.locator(".review").inner_text().count("Next review due") == 1
        assert page.locator(".body tr").first.evaluate("tr => getComputedStyle(tr).breakInside") == "avoid"
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        assert 2 <= pages <= 3, pages  # a representative page fills more than one sheet
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", ["/", SYMPTOM])
def test_axe_finds_nothing(browser: Browser, site: Served, path: str, width: str, scheme: str) -> None:
    context, page = open_page(browser, site, path, width, color_scheme=scheme)
    try:
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert [v["id"] for v in results.response["violations"]] == []
    finally:
        context.close()
