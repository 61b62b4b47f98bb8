"""`python build.py serve`: the real server as a subprocess on 127.0.0.1, probed over HTTP and raw sockets.

No test sleeps to wait for the server: each waits for a line it prints, a page it serves, or (to show that
nothing else happened) a later "sentinel" save whose rebuild line must be the next one. Every preview gets its
own TMPDIR, so other previews on the machine (a parallel test run, another checkout) cannot disturb the checks
on its temporary folder.
"""

from __future__ import annotations

import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sample_site import REPO, clean_env
from tests.waiting import wait_until

BUILT = re.compile(r"^Built (\d+) pages? in \d+\.\d\d s$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pages_written(line: str) -> int | None:
    """The page count of a "Built N pages in T s" line, None for any other line."""
    match = BUILT.match(line)
    return int(match.group(1)) if match else None


class Preview:
    def __init__(self, project: Path, *args: str, wait_for_first_build: bool = True) -> None:
        self.project = project
        self.port = free_port()
        # A short private TMPDIR (multiprocessing's forkserver puts a socket in it, and socket paths are short).
        self.tmpdir = Path(tempfile.mkdtemp(prefix="sgt-"))
        self.left_behind: list[Path] = []
        self.stop_seconds = 0.0
        command = [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--config",
            str(project / "site.yml"),
            "--port",
            str(self.port),
            *args,
        ]
        self.process = subprocess.Popen(
            command,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=clean_env(TMPDIR=str(self.tmpdir)),
        )
        self.lines: list[str] = []
        self._incoming: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.wait_for_line("Previewing on")
            if wait_for_first_build and not any(line.startswith(("Built", "The preview shows")) for line in self.lines):
                self.wait_for_line(("Built", "The preview shows"))  # the first build ends in the background
        except BaseException:
            self.process.kill()
            self.stop()
            raise

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._incoming.put(line.rstrip("\n"))
        self._incoming.put(None)  # the server closed its stderr: it has ended

    def next_line(self, timeout: float = 30) -> str:
        """The server's next stderr line, waiting for it (blocking on the pipe, no polling)."""
        try:
            line = self._incoming.get(timeout=max(timeout, 0))
        except queue.Empty:
            raise AssertionError(f"no new line within {timeout:.0f} s after {self.lines}") from None
        if line is None:
            self._incoming.put(None)
            raise AssertionError(f"the preview ended (exit {self.process.wait()}) after {self.lines}")
        self.lines.append(line)
        return line

    def drain(self) -> None:
        """Take every line the server has printed so far into `lines`, without waiting for more."""
        while True:
            try:
                line = self._incoming.get_nowait()
            except queue.Empty:
                return
            if line is None:
                self._incoming.put(None)
                return
            self.lines.append(line)

    def wait_for_line(self, text: str | tuple[str, ...], timeout: float = 30) -> str:
        texts = (text,) if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(deadline - time.monotonic())
            if any(wanted in line for wanted in texts):
                return line

    def next_build(self, timeout: float = 30) -> int:
        """The page count of the next "Built" line; any other line in between is kept in `lines`."""
        deadline = time.monotonic() + timeout
        while (pages := pages_written(self.next_line(deadline - time.monotonic()))) is None:
            pass
        return pages

    def builds(self) -> list[int]:
        return [pages for line in self.lines if (pages := pages_written(line)) is not None]

    def served_folder(self) -> Path:
        """The preview's temporary folder (the only one in its private TMPDIR)."""
        (folder,) = self.tmpdir.glob("sitegen-preview-*")
        return folder / "site"

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def raw(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(request)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
        """Polls a condition (a page as served) until it holds, failing after `timeout` seconds."""
        wait_until(condition, f"{what}; lines: {self.lines}", timeout)

    def wait_for_text(self, path: str, text: str, timeout: float = 30) -> str:
        bodies: list[str] = []

        def shows_text() -> bool:
            bodies.append(self.get(path)[2])
            return text in bodies[-1]

        self.wait_until(shows_text, f"{text!r} in {path}", timeout)
        return bodies[-1]

    def stop(self, number: signal.Signals = signal.SIGINT) -> int:
        """Stops the server; records how long it took from the signal, and what it left in its TMPDIR."""
        signalled = time.monotonic()
        self.process.send_signal(number)
        code = self.process.wait(timeout=10)
        self.stop_seconds = time.monotonic() - signalled
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        while (line := self._incoming.get_nowait() if not self._incoming.empty() else None) is not None:
            self.lines.append(line)
        self.left_behind = sorted(self.tmpdir.glob("sitegen-preview-*"))
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        return code


@pytest.fixture
def preview(project: Path) -> Iterator[Preview]:
    server = Preview(project)
    yield server
    server.stop()


def test_serves_the_built_site_with_production_headers_and_reload_script(preview: Preview) -> None:
    status, headers, body = preview.get("/numb-hands/")
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert f'<script src="/livereload.js?port={preview.port}"></script></head>' in body
    assert f'href="http://127.0.0.1:{preview.port}/numb-hands/"' in body  # canonical points at the preview
    assert re.search(r'href="/assets/css/site\.css"', body)  # stable name: a stylesheet swaps in place
    status, headers, script = preview.get("/livereload.js?port=1")
    assert status == 200 and "LiveReload" in script


@pytest.mark.parametrize(
    "path", ["/build.py", "/site.yml", "/content/index.md", "/.git/HEAD", "/.env", "/pyproject.toml"]
)
def test_only_the_output_is_served(preview: Preview, path: str) -> None:
    status, _, body = preview.get(path)
    assert status == 404
    assert "Page not found" in body  # the site's own 404 page


@pytest.mark.parametrize(
    "target",
    [
        b"/../build.py",
        b"/%2e%2e/build.py",
        b"/..%2fbuild.py",
        b"/%252e%252e/",
        b"/..\\build.py",
        b"//evil.example/",
        b"/%2e%2e%2f%2e%2e%2fetc/passwd",
        b"/assets/../../site.yml",
    ],
)
def test_traversal_in_any_encoding_gets_no_file(preview: Preview, target: bytes) -> None:
    response = preview.raw(
        b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % preview.port
    )
    status = int(response.split(b" ", 2)[1])
    assert 400 <= status < 500, response[:200]
    assert b"base_url" not in response and b"root:" not in response and b"sys.exit" not in response
    assert b"Location: //evil" not in response
    assert preview.get("/")[0] == 200  # still answering


def test_foreign_host_is_refused(preview: Preview) -> None:
    assert preview.get("/", host="evil.example")[0] == 421
    assert preview.get("/", host=f"evil.example:{preview.port}")[0] == 421
    assert preview.get("/", host=f"localhost:{preview.port}")[0] == 200


def websocket_handshake(preview: Preview, origin: str) -> bytes:
    request = (
        f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", preview.port), timeout=10) as connection:
        connection.sendall(request)
        return connection.recv(4096)


def test_websocket_refuses_a_foreign_origin(preview: Preview) -> None:
    assert websocket_handshake(preview, "https://evil.example").startswith(b"HTTP/1.1 403")
    assert websocket_handshake(preview, f"http://127.0.0.1:{preview.port}").startswith(b"HTTP/1.1 101")


def test_no_endpoint_triggers_a_reload(preview: Preview) -> None:
    assert preview.get("/forcereload")[0] == 404


def retitle(article: Path, title: str) -> None:
    """A sentinel save: a new title re-renders the listings too, so its "Built" line counts more than one page,
    unlike a body edit (one page) or a rebuild that changes nothing (no page)."""
    article.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", article.read_text(), count=1))


def test_saving_an_article_rebuilds_once_and_serves_the_change(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is very common."))
    preview.wait_for_text("/neck-pain/", "Neck pain is very common.")
    assert preview.next_build() == 1  # this page alone
    retitle(article, "Sentinel title")
    # The next rebuild must be the sentinel's: a second rebuild for the first save would come before it.
    assert preview.next_build() > 1, preview.lines
    assert "Sentinel title" in preview.get("/neck-pain/")[2]
    assert len(preview.builds()) == 3  # the first build, the save, the sentinel


def test_editing_the_warning_signs_updates_every_card_that_names_them(preview: Preview) -> None:
    flags = preview.project / "rules" / "red-flags.yml"
    flags.write_text(flags.read_text().replace("weak on one side of your body", "weak on one side of your face"))
    preview.wait_for_text("/numb-hands/", "you suddenly feel weak on one side of your face")


def test_editor_files_and_output_writes_cause_no_rebuild(preview: Preview) -> None:
    for folder in ("content", "templates"):  # a template change would need a full build of every page
        for name in (".neck-pain.md.swp", "neck-pain.md~", "4913", ".#neck-pain.md", "#base.html#", "x.tmp"):
            (preview.project / folder / name).write_text("junk")
    (preview.project / "_site").mkdir(exist_ok=True)
    (preview.project / "_site" / "x.html").write_text("x")
    article = preview.project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is a sentinel."))
    # The sentinel save's rebuild (one page) must be the next one: a rebuild for the junk would come first, or
    # would share the sentinel's batch and then render every page.
    assert preview.next_build() == 1, preview.lines
    assert "Neck pain is a sentinel." in preview.get("/neck-pain/")[2]
    assert preview.builds() == [preview.builds()[0], 1]
    assert preview.process.poll() is None


def test_broken_front_matter_shows_a_notice_and_keeps_the_last_good_site(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    good = article.read_text()
    article.write_text(good.replace("type: condition", "type: [condition"))
    line = preview.wait_for_line("content/neck-pain.md:")
    assert "Traceback" not in "\n".join(preview.lines)
    assert line.startswith("content/neck-pain.md:3: ")
    body = preview.wait_for_text("/neck-pain/", "Preview not updated")
    assert "content/neck-pain.md:3:" in body
    assert "Neck pain is common." in body  # the last good version is still served
    article.write_text(good.replace("Neck pain is common.", "Neck pain is fixed."))
    # The notice goes when the rebuild has ended (then browsers are told to reload), not when its page is written.
    preview.next_build()
    body = preview.get("/neck-pain/")[2]
    assert "Neck pain is fixed." in body and "Preview not updated" not in body


def test_binary_junk_and_deleted_files_do_not_stop_the_server(preview: Preview) -> None:
    (preview.project / "content" / "junk.md").write_bytes(b"\x00\xff\xfe binary")
    preview.wait_for_line("content/junk.md:")
    (preview.project / "content" / "junk.md").unlink()
    (preview.project / "content" / "guides" / "seeing-a-doctor.md").unlink()
    preview.wait_until(lambda: preview.get("/guides/seeing-a-doctor/")[0] == 404, "the deleted page gone")
    assert preview.process.poll() is None


def test_ctrl_c_exits_zero_quickly_and_leaves_nothing(project: Path) -> None:
    server = Preview(project)
    assert server.served_folder().is_dir()
    assert server.stop() == 0
    assert server.stop_seconds < 2, server.stop_seconds  # the issue asks for an exit within 2 s of Ctrl-C
    assert server.lines[-1] == "Stopped."
    assert server.left_behind == []
    with socket.socket() as again:
        again.bind(("127.0.0.1", server.port))  # the port is free again


def test_busy_ports(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--config",
            str(project / "site.yml"),
            "--port",
            str(port),
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: port {port} is already in use; choose another with --port"


def test_a_burst_of_saves_gives_at_most_two_rebuilds_and_the_last_save_wins(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    original = article.read_text()
    for number in range(8):
        article.write_text(original.replace("Neck pain is common.", f"Neck pain, save {number}."))
    preview.wait_for_text("/neck-pain/", "Neck pain, save 7.")
    retitle(article, "Sentinel title")
    burst = []
    while (pages := preview.next_build()) <= 1:  # every rebuild of the burst, up to the sentinel's
        burst.append(pages)
    assert 1 <= len(burst) <= 2, preview.lines
    body = preview.get("/neck-pain/")[2]
    assert "Neck pain, save 7." in body and "Sentinel title" in body


def test_listening_on_all_interfaces_warns(project: Path) -> None:
    server = Preview(project, "--host", "0.0.0.0")
    try:
        assert any("warning: listening on 0.0.0.0" in line for line in server.lines)
        assert server.get("/")[0] == 200
    finally:
        server.stop()


def test_every_page_has_its_head_end_in_the_first_64_kib(preview: Preview) -> None:
    """The reload script is added to the first chunk tornado sends (64 KiB): every page the preview serves must
    have its head end there, and so get the script."""
    site = preview.served_folder()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    script = f'<script src="/livereload.js?port={preview.port}"></script></head>'.encode()
    for page in pages:
        path = "/" + page.relative_to(site).as_posix().removesuffix("index.html")
        status, _, body = preview.get(path)
        served = body.encode()
        assert status == 200, path
        assert served.find(script) in range(1, 65536), path
        assert served.count(b"livereload.js") == 1, path
    status, _, body = preview.get("/no-such-page/")
    assert status == 404 and "livereload.js" in body


def test_after_a_sequence_of_edits_the_preview_equals_a_fresh_build(project: Path, tmp_path: Path) -> None:
    from sitegen.build.pipeline import build_site
    from sitegen.read.project import BuildOptions, Paths
    from tests.test_golden import tree

    server = Preview(project)
    try:
        served = server.served_folder()
        content = project / "content"
        neck = content / "neck-pain.md"
        edits: list[Callable[[], object]] = [
            lambda: neck.write_text(neck.read_text().replace("Neck pain is common.", "Neck pain is frequent.")),
            lambda: neck.write_text(neck.read_text().replace("title: Neck pain", "title: A stiff neck")),
            lambda: (content / "guides" / "extra.md").write_text(
                (content / "guides" / "seeing-a-doctor.md").read_text().replace("Seeing a doctor", "Zebra page")
            ),
            lambda: (content / "guides" / "seeing-a-doctor.md").unlink(),
            lambda: (project / "static" / "css" / "site.css").write_text("body { color: black; }\n"),
            lambda: (project / "templates" / "topic.html").write_text(
                (project / "templates" / "topic.html").read_text().replace("<h1>", '<h1 class="topic-title">')
            ),
            lambda: (project / "templates" / "base.html").write_text(
                (project / "templates" / "base.html").read_text().replace("Skip to main content", "Skip to content")
            ),
        ]
        for number, edit in enumerate(edits, start=2):
            edit()
            while len(server.builds()) < number:
                server.next_build()
        fresh = tmp_path / "fresh"
        options = BuildOptions(
            base_url=f"http://127.0.0.1:{server.port}/", drafts=True, force=True, hash_assets=False, search=False
        )
        build_site(Paths.for_project(project, out=fresh), options)
        assert tree(served) == tree(fresh)
    finally:
        server.stop()


def test_a_broken_related_link_in_an_edit_is_reported(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("type: condition", "type: condition\nrelated: [nowhere]"))
    line = preview.wait_for_line("related:")
    assert line.strip() == (
        "content/neck-pain.md:4: related: 'nowhere' is not the slug of any page "
        "(use the slug of an existing page, or remove it)"
    )


def test_pages_are_served_while_the_first_build_is_still_rendering(project: Path) -> None:
    from tests.test_safe_output import add_articles

    add_articles(project, 400)
    server = Preview(project, wait_for_first_build=False)
    try:
        early = not server.builds()
        status, _, body = server.get("/many/page-317/")
        assert status == 200 and "Generated page 317" in body
        server.next_build()
        assert early, "the address should be printed before all 400 pages are rendered"
    finally:
        server.stop()


def test_a_site_that_is_broken_at_start_is_served_with_the_notice_until_fixed(project: Path) -> None:
    article = project / "content" / "neck-pain.md"
    good = article.read_text()
    article.write_text(good.replace("type: condition", "type: [condition"))
    server = Preview(project)
    try:
        assert any(line.startswith("content/neck-pain.md:3:") for line in server.lines)
        status, _, body = server.get("/")
        assert status == 404 and "Preview not updated" in body and "content/neck-pain.md:3:" in body
        article.write_text(good)
        server.next_build()  # the notice goes when the rebuild has ended, as browsers are then told to reload
        body = server.get("/neck-pain/")[2]
        assert "Neck pain is common." in body and "Preview not updated" not in body
    finally:
        server.stop()


def test_stopping_during_the_first_build_leaves_nothing(project: Path) -> None:
    from tests.test_safe_output import add_articles

    add_articles(project, 400)
    # "Previewing on" is printed once the server listens, while the first build of 400 pages is still running.
    server = Preview(project, wait_for_first_build=False)
    assert server.stop(signal.SIGTERM) == 0, server.lines
    assert not any(line.startswith("Built") for line in server.lines), "the build ended before the stop request"
    assert server.left_behind == []
