"""The published site in a real browser: Debian's Chromium, driven by Playwright, against a real HTTP server.

On every published page: axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) finds nothing, and there are no console
errors, CSP violations or requests to another origin. On one page of each type: the keyboard reaches the skip link
first and then the main content; nothing scrolls sideways at 320 CSS px or at 200% text size. Search (on the
sample fixture site, whose content the tests own) finds the right page for titles, aliases and medical names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request

from tests.chromium import needs_chromium
from tests.published_site import ARTICLES, PAGE_TYPES, Served, build_repo_site, serve_folder
from tests.sample_site import make_project, run_build

pytestmark = needs_chromium
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
VIOLATION_COUNTER = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = build_repo_site(tmp_path_factory.mktemp("published") / "project")
    with serve_folder(out) as served:
        yield served


@dataclass
class Visit:
    page: Page
    origin: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))

    def other_origin_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.origin + "/", "data:"))]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(VIOLATION_COUNTER)
    yield context
    context.close()


def visit(context: BrowserContext, site: Served, path: str) -> Visit:
    page = context.new_page()
    seen = Visit(page, site.origin)

    def on_console(message: ConsoleMessage) -> None:
        # The 404 page is served with status 404 on purpose; Chromium reports that status as a console error.
        if message.type == "error" and not (path == PAGE_TYPES["not found"] and "status of 404" in message.text):
            seen.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        seen.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("request", on_request)
    page.goto(site.url(path), wait_until="networkidle")
    return seen


def axe_violations(page: Page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample fixture site with its Pagefind index: search is tested on content the tests own."""
    project = make_project(tmp_path_factory.mktemp("search") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    with serve_folder(project / "_site") as served:
        yield served


@pytest.mark.parametrize("path", sorted({*ARTICLES, *PAGE_TYPES.values()}))
def test_every_page_passes_axe_with_no_errors_or_outside_requests(
    context: BrowserContext, site: Served, path: str
) -> None:
    seen = visit(context, site, path)
    assert seen.page.locator("h1").count() == 1
    assert axe_violations(seen.page) == []
    assert seen.console_errors == []
    assert seen.csp_violations() == []
    assert seen.other_origin_requests() == []
    assert seen.requests, "the page made no requests at all, so the check above proved nothing"


@pytest.mark.parametrize("page_type", ["home", "symptom", "condition"])
def test_dark_theme_passes_axe(browser: Browser, site: Served, page_type: str) -> None:
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site.url(PAGE_TYPES[page_type]))
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 25, 28)"
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_tab_reaches_skip_link_then_main_content(context: BrowserContext, site: Served, page_type: str) -> None:
    page = visit(context, site, PAGE_TYPES[page_type]).page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-9999px", "skip link stays hidden"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "the next Tab left the main content"


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
@pytest.mark.parametrize(("width", "text_zoom"), [(320, "100%"), (640, "200%")])
def test_no_sideways_scrolling(browser: Browser, site: Served, page_type: str, width: int, text_zoom: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.url(PAGE_TYPES[page_type]))
        page.evaluate(f"document.documentElement.style.fontSize = '{text_zoom}'")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        context.close()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("pins and needles", "/numb-hands/"),  # an alias only
        ("paraesthesia", "/numb-hands/"),  # the medical name only
        ("neck pain", "/neck-pain/"),  # the title
    ],
)
def test_search_lists_the_right_page_first(
    context: BrowserContext, search_site: Served, query: str, first: str
) -> None:
    seen = visit(context, search_site, "/search/?q=" + query.replace(" ", "+"))
    seen.page.wait_for_selector("#search-results li a", timeout=15_000)
    href = seen.page.locator("#search-results li a").first.get_attribute("href") or ""
    assert href.split("#")[0] == first, href  # a result may land on the matching section of its page
    assert query in seen.page.locator("#search-status").inner_text()
    assert seen.console_errors == []
    assert seen.csp_violations() == []
    assert seen.other_origin_requests() == []


def test_search_from_the_home_page_form(context: BrowserContext, search_site: Served) -> None:
    page = visit(context, search_site, "/").page
    page.fill("#search-input", "neck pain")
    page.click(".search-form button")
    page.wait_for_url("**/search/?q=neck+pain")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    assert page.locator("#search-results li a").first.inner_text().startswith("Neck pain")


def test_search_says_when_nothing_matches(context: BrowserContext, site: Served) -> None:
    page = visit(context, site, "/search/?q=zzyzx").page
    page.wait_for_function("document.getElementById('search-status').textContent.includes('No pages found')")
    assert page.locator("#search-results li").count() == 0


def test_pages_read_without_javascript(browser: Browser, site: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url(PAGE_TYPES["symptom"]))
        assert page.locator("h1").inner_text()
        assert page.locator(".care-emergency").is_visible()
        assert page.locator(".body").is_visible()
        page.goto(site.url("/search/"))
        assert "Search needs JavaScript" in page.locator("main").inner_text()
    finally:
        context.close()


def test_nothing_is_stored_in_the_browser(context: BrowserContext, site: Served) -> None:
    for path in ("/", PAGE_TYPES["symptom"], "/search/?q=numb"):
        page = visit(context, site, path).page
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        assert page.evaluate("document.cookie") == ""
    assert context.cookies() == []


def test_care_card_labels_are_in_the_accessibility_tree(context: BrowserContext, site: Served) -> None:
    page = visit(context, site, PAGE_TYPES["symptom"]).page
    for label in ("Emergency:", "Urgent:", "Non-urgent:"):
        assert page.get_by_role("heading", name=re.compile("^" + label)).count() == 1, label


def test_print_layout_is_a_handout(context: BrowserContext, site: Served) -> None:
    page = visit(context, site, PAGE_TYPES["condition"]).page
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".breadcrumbs").is_visible()
    assert page.locator(".sources").is_visible()
    assert page.locator(".review").is_visible()
    assert page.locator(".print-url").first.is_visible()
    assert page.locator(".care-emergency").is_visible()


def test_focus_is_visible(context: BrowserContext, site: Served) -> None:
    page = visit(context, site, PAGE_TYPES["symptom"]).page
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_reduced_motion_turns_off_smooth_scrolling(browser: Browser, site: Served) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(site.url(PAGE_TYPES["symptom"]))
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    finally:
        context.close()
