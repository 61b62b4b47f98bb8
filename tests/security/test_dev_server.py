"""Security guide section 8, cases 1-10: `build.py serve`, the real server on 127.0.0.1, probed with urllib, raw
sockets and Debian's chromium (Playwright)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tornado
from playwright.sync_api import Browser, Page

from tests.chromium import needs_chromium
from tests.security.harness import Case, Preview
from tests.test_serve import websocket_handshake


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on this port, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for row in path.read_text().splitlines()[1:]:
            fields = row.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


def test_01_listens_on_loopback_only_and_warns_for_all_interfaces(case: Case) -> None:
    with case.preview() as server:
        addresses = listening_addresses(server.port)
        assert addresses, "the server should be listening"
        loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as /proc prints them
        assert addresses <= loopback, addresses
        assert not any(line.startswith("warning:") for line in server.lines)
    with case.preview("--host", "0.0.0.0") as server:
        warnings = [line for line in server.lines if line.startswith("warning: listening on 0.0.0.0")]
        assert len(warnings) == 1, server.lines
        assert server.get("/")[0] == 200


def test_02_only_the_output_is_served(case: Case) -> None:
    case.write(".env", "SECRET_TOKEN=do-not-serve\n")
    case.write(".git/HEAD", "ref: refs/heads/main\n")
    with case.preview() as server:
        for path in ("/build.py", "/site.yml", "/content/neck-pain.md", "/.git/HEAD", "/pyproject.toml", "/.env"):
            status, _, body = server.get(path)
            assert status == 404, path
            assert "SECRET_TOKEN" not in body and "refs/heads" not in body and "title: Neck pain" not in body
        assert server.get("/")[0] == 200


TRAVERSALS = [
    b"/../build.py",
    b"/%2e%2e/build.py",
    b"/..%2fbuild.py",
    b"/%252e%252e/",
    b"/..\\build.py",
    b"//evil.example/",
    b"/%2e%2e%2f%2e%2e%2fsite.yml",
    b"/assets/../../site.yml",
    b"/..%5csite.yml",
]


def raw_status(server: Preview, target: bytes) -> tuple[int, bytes]:
    response = server.raw(
        b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % server.port
    )
    return int(response.split(b" ", 2)[1]), response


def test_03_raw_socket_traversal_gets_no_file_and_no_off_site_redirect(case: Case) -> None:
    with case.preview() as server:
        for target in TRAVERSALS:
            status, response = raw_status(server, target)
            assert status in (400, 403, 404), (target, response[:200])
            assert b"base_url" not in response and b"sys.exit" not in response and b"sentinel" not in response
            assert not any(line.lower().startswith(b"location:") for line in response.split(b"\r\n")), target
            assert server.get("/")[0] == 200, target  # still answering


def test_03_nul_and_invalid_bytes_in_a_url_are_a_quiet_400(case: Case) -> None:
    with case.preview() as server:
        for target in (b"/%00", b"/neck-pain/%00.html", b"/a\x00b", b"/%ff%fe/", b"/\xff/"):
            status, response = raw_status(server, target)
            assert status == 400, (target, response[:300])
            assert server.get("/")[0] == 200, target
        assert not any("Traceback" in line or "Error" in line for line in server.lines), server.lines


def preview_site(server: Preview) -> Path:
    """The temporary folder this preview serves (in the preview's private TMPDIR)."""
    return server.served_folder()


def test_04_symlinks_out_of_the_project_are_refused_by_build_and_serve(case: Case) -> None:
    assert tuple(int(part) for part in tornado.version.split(".")[:3]) >= (6, 5, 10)
    secret = case.root / "secret.txt"
    secret.write_text("OUTSIDE-SECRET", encoding="utf-8")
    link = case.project / "static" / "leak.css"
    link.symlink_to(secret)
    case.build().error("static/leak.css: is a symbolic link")
    link.unlink()
    with case.preview() as server:
        (preview_site(server) / "leak.txt").symlink_to(secret)
        (preview_site(server) / "etc").symlink_to("/etc")
        for path in ("/leak.txt", "/etc/passwd"):
            status, _, body = server.get(path)
            assert status == 403, (path, status)
            assert "OUTSIDE-SECRET" not in body and "root:x:0:0" not in body


def test_05_foreign_host_and_cross_site_websocket_are_refused(case: Case) -> None:
    with case.preview() as server:
        for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1.evil.example"):
            status = server.get("/", host=host)[0]
            assert 400 <= status < 500, (host, status)
        assert server.get("/", host=f"localhost:{server.port}")[0] == 200
        assert websocket_handshake(server, "https://evil.example").startswith(b"HTTP/1.1 403")
        assert websocket_handshake(server, "null").split(b" ", 2)[1] != b"101"
        assert websocket_handshake(server, f"http://127.0.0.1:{server.port}").startswith(b"HTTP/1.1 101")


class Tab:
    """A browser tab on the preview that has finished its live-reload handshake; counts navigations and CSP
    violations."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.page: Page = browser.new_page()
        self.page.add_init_script(
            "window.__violations = 0;"
            "document.addEventListener('securitypolicyviolation', () => { window.__violations += 1; });"
        )
        self.navigations = 0
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("framenavigated", lambda frame: self._navigated(frame.parent_frame is None))
        self.open(url)

    def _navigated(self, main_frame: bool) -> None:
        if main_frame:
            self.navigations += 1

    def open(self, url: str) -> None:
        """Go to url and wait for livereload's WebSocket to say hello back."""
        with self.page.expect_websocket(lambda ws: "/livereload" in ws.url, timeout=20_000) as opened:
            self.page.goto(url)
        opened.value.wait_for_event("framereceived", lambda frame: "hello" in str(frame), timeout=20_000)

    def violations(self) -> int:
        return int(self.page.evaluate("window.__violations"))


@contextmanager
def tab(browser: Browser, url: str) -> Iterator[Tab]:
    opened = Tab(browser, url)
    try:
        yield opened
    finally:
        opened.page.close()


def built_lines(server: Preview) -> int:
    return sum(1 for line in server.lines if line.startswith("Built"))


@needs_chromium
def test_06_one_save_is_one_rebuild_and_one_reload_and_junk_causes_none(case: Case, browser: Browser) -> None:
    with case.preview() as server, tab(browser, f"http://127.0.0.1:{server.port}/neck-pain/") as page:
        navigations = page.navigations
        article = case.content / "neck-pain.md"
        article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is saved once."))
        page.page.wait_for_selector("text=Neck pain is saved once.", timeout=20_000)
        for name in (".neck-pain.md.swp", "neck-pain.md~", "4913", ".#neck-pain.md"):
            case.write(f"content/{name}", "junk")
        case.write("_site/extra.html", "junk")
        case.write(".git/index", "junk")
        # A later save whose rebuild must be the next one shows that the junk caused none (no sleeping).
        article.write_text(article.read_text().replace("Neck pain is saved once.", "Neck pain is the sentinel."))
        page.page.wait_for_selector("text=Neck pain is the sentinel.", timeout=20_000)

        def sentinel_built() -> bool:
            server.drain()
            return built_lines(server) >= 3

        server.wait_until(sentinel_built, "the sentinel's rebuild line")
        assert built_lines(server) == 3, server.lines  # the first build, the save and the sentinel
        assert page.navigations == navigations + 2
        assert page.errors == [] and page.violations() == 0
        (case.site / "extra.html").unlink()  # the case's own write, so the harness can compare the rest


@needs_chromium
def test_07_broken_front_matter_keeps_the_last_good_page_and_shows_a_notice(case: Case, browser: Browser) -> None:
    with case.preview() as server, tab(browser, f"http://127.0.0.1:{server.port}/neck-pain/") as page:
        article = case.content / "neck-pain.md"
        good = article.read_text()
        article.write_text(good.replace("type: condition", "type: [condition"))
        line = server.wait_for_line("content/neck-pain.md:")
        assert line.startswith("content/neck-pain.md:3: "), line
        notice = page.page.wait_for_selector(".preview-error", timeout=20_000)
        assert notice is not None and "content/neck-pain.md:3:" in notice.inner_text()
        assert "Neck pain is common." in page.page.content()  # the last good version
        assert server.get("/neck-pain/")[0] == 200
        article.write_text(good.replace("Neck pain is common.", "Neck pain is fixed."))
        page.page.wait_for_selector("text=Neck pain is fixed.", timeout=20_000)
        assert page.page.query_selector(".preview-error") is None
        server.drain()
        assert "Traceback" not in "\n".join(server.lines)


@needs_chromium
def test_08_csp_holds_in_the_preview_and_live_reload_still_fires(case: Case, browser: Browser) -> None:
    with case.preview() as server:
        base = f"http://127.0.0.1:{server.port}"
        paths = [
            "/" + path.relative_to(case.site).as_posix().removesuffix("index.html")
            for path in case.site.rglob("*.html")
        ]
        assert len(paths) >= 9
        with tab(browser, base + "/") as page:
            for path in sorted(paths):
                page.open(base + path)
                assert page.violations() == 0, path
            page.open(base + "/neck-pain/")
            article = case.content / "neck-pain.md"
            article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain reloads."))
            page.page.wait_for_selector("text=Neck pain reloads.", timeout=20_000)
            assert page.violations() == 0 and page.errors == []


def test_09_every_page_ends_its_head_in_the_first_64_kib(case: Case) -> None:
    case.build().built()
    pages = sorted(case.site.rglob("*.html"))
    assert case.site / "404.html" in pages
    for path in pages:
        assert path.read_bytes().find(b"</head>") in range(1, 65536), path
    with case.preview() as server:
        for path in pages:
            url = "/" + path.relative_to(case.site).as_posix().removesuffix("index.html")
            _, _, body = server.get(url)
            assert "livereload.js" in body.split("</head>", 1)[0], url
        status, _, body = server.get("/no-such-page/")
        assert status == 404 and "livereload.js" in body.split("</head>", 1)[0]


def test_10_ctrl_c_exits_zero_quickly_and_leaves_nothing(case: Case) -> None:
    with case.preview() as server:
        served = preview_site(server).parent
        started = time.monotonic()
        code = server.stop()
        stopped = time.monotonic() - started
        server.stop = lambda *_: code  # type: ignore[method-assign]  # already stopped; the harness checks the code
    assert code == 0 and stopped < 2, (code, stopped)
    assert not served.exists()
    assert not list(case.project.glob("*.tmp*")) and not list(case.project.glob("._site.staging-*"))
    with socket.socket() as again:
        again.bind(("127.0.0.1", server.port))  # the port is free again
