"""The preview in a real browser: Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.chromium import needs_chromium
from tests.test_serve import Preview

pytestmark = needs_chromium


class Watched:
    """A page with every console error and CSP violation it reports, and a count of navigations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.navigations = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("framenavigated", lambda frame: self._navigated(frame.parent_frame is None))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _navigated(self, main_frame: bool) -> None:
        if main_frame:
            self.navigations += 1

    def csp_violations(self) -> int:
        return int(self.page.evaluate("window.__violations || 0"))


def open_watched(browser: Browser, url: str) -> Watched:
    page = browser.new_page()
    page.add_init_script(
        "window.__violations = 0;"
        "document.addEventListener('securitypolicyviolation', () => { window.__violations += 1; });"
    )
    watched = Watched(page)
    greetings: list[str] = []  # the server's livereload "hello": from then on it sends this tab its reloads
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: greetings.append(str(frame))),
    )
    page.goto(url)
    deadline = time.monotonic() + 20
    while not any('"hello"' in frame for frame in greetings):
        assert time.monotonic() < deadline, "livereload.js never connected"
        page.wait_for_timeout(20)  # lets Playwright deliver events; the condition above is what is waited for
    return watched


def test_saving_markdown_updates_the_open_tab(browser: Browser, project: Path) -> None:
    server = Preview(project)
    try:
        watched = open_watched(browser, f"http://127.0.0.1:{server.port}/neck-pain/")
        article = project / "content" / "neck-pain.md"
        article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is changed live."))
        watched.page.wait_for_selector("text=Neck pain is changed live.", timeout=20_000)
        assert watched.errors == []
        assert watched.csp_violations() == 0
    finally:
        server.stop()


def test_broken_front_matter_shows_a_notice_until_fixed(browser: Browser, project: Path) -> None:
    server = Preview(project)
    try:
        watched = open_watched(browser, f"http://127.0.0.1:{server.port}/neck-pain/")
        article = project / "content" / "neck-pain.md"
        good = article.read_text()
        article.write_text(good.replace("type: condition", "type: [condition"))
        notice = watched.page.wait_for_selector(".preview-error", timeout=20_000)
        assert notice is not None
        line = good.splitlines().index("type: condition") + 1  # where the bracket opens
        shown = notice.inner_text()
        assert f"content/neck-pain.md:{line}:" in shown, shown
        assert "numb-hands.md" not in shown, "a page linking to the broken one was reported too"
        article.write_text(good)
        watched.page.wait_for_selector(".preview-error", state="detached", timeout=20_000)
        assert watched.csp_violations() == 0
    finally:
        server.stop()


def test_stylesheet_change_applies_without_navigation(browser: Browser, project: Path) -> None:
    server = Preview(project)
    try:
        watched = open_watched(browser, f"http://127.0.0.1:{server.port}/neck-pain/")
        navigations = watched.navigations
        css = project / "static" / "css" / "site.css"
        css.write_text(css.read_text() + "\nh1 { letter-spacing: 7px; }\n")
        watched.page.wait_for_function(
            "() => getComputedStyle(document.querySelector('h1')).letterSpacing === '7px'", timeout=20_000
        )
        assert watched.navigations == navigations
        assert watched.errors == []
    finally:
        server.stop()
