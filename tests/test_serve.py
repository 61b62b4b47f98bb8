"""`python build.py serve`: the real server as a subprocess on 127.0.0.1, probed over HTTP and raw sockets."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sample_site import REPO, clean_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Preview:
    def __init__(self, project: Path, *args: str) -> None:
        self.project = project
        self.port = free_port()
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
            command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=clean_env()
        )
        self.lines: list[str] = []
        self.wait_for_line("Previewing on")
        if not any(line.startswith(("Built", "The preview shows")) for line in self.lines):
            self.wait_for_line(("Built", "The preview shows"))  # the first build ends in the background

    def wait_for_line(self, text: str | tuple[str, ...], timeout: float = 30) -> str:
        texts = (text,) if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        assert self.process.stderr is not None
        os.set_blocking(self.process.stderr.fileno(), False)
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if line:
                self.lines.append(line.rstrip("\n"))
                if any(wanted in line for wanted in texts):
                    return line
            else:
                time.sleep(0.02)
        raise AssertionError(f"no line with {text!r} in {self.lines}")

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

    def wait_for_text(self, path: str, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, _, body = self.get(path)
            if text in body:
                return body
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in {path}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
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


def test_saving_an_article_rebuilds_once_and_serves_the_change(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is very common."))
    preview.wait_for_text("/neck-pain/", "Neck pain is very common.")
    preview.wait_for_line("Built")
    time.sleep(0.5)
    assert sum(1 for line in preview.lines if line.startswith("Built")) == 2  # the first build and this one


def test_editing_the_warning_signs_updates_every_card_that_names_them(preview: Preview) -> None:
    flags = preview.project / "rules" / "red-flags.yml"
    flags.write_text(flags.read_text().replace("weak on one side of your body", "weak on one side of your face"))
    preview.wait_for_text("/numb-hands/", "you suddenly feel weak on one side of your face")


def test_editor_files_and_output_writes_cause_no_rebuild(preview: Preview) -> None:
    content = preview.project / "content"
    for name in (".neck-pain.md.swp", "neck-pain.md~", "4913", ".#neck-pain.md"):
        (content / name).write_text("junk")
    (preview.project / "_site").mkdir(exist_ok=True)
    (preview.project / "_site" / "x.html").write_text("x")
    time.sleep(1.0)
    assert preview.process.poll() is None
    assert sum(1 for line in preview.lines if line.startswith("Built")) == 1


def test_broken_front_matter_shows_a_notice_and_keeps_the_last_good_site(preview: Preview) -> None:
    article = preview.project / "content" / "neck-pain.md"
    good = article.read_text()
    article.write_text(good.replace("type: condition", "type: [condition"))
    line = preview.wait_for_line("content/neck-pain.md:")
    assert "Traceback" not in "\n".join(preview.lines)
    assert line.startswith("content/neck-pain.md:4: ")
    body = preview.wait_for_text("/neck-pain/", "Preview not updated")
    assert "content/neck-pain.md:4:" in body
    assert "Neck pain is common." in body  # the last good version is still served
    article.write_text(good.replace("Neck pain is common.", "Neck pain is fixed."))
    body = preview.wait_for_text("/neck-pain/", "Neck pain is fixed.")
    assert "Preview not updated" not in body


def test_binary_junk_and_deleted_files_do_not_stop_the_server(preview: Preview) -> None:
    (preview.project / "content" / "junk.md").write_bytes(b"\x00\xff\xfe binary")
    preview.wait_for_line("content/junk.md:")
    (preview.project / "content" / "junk.md").unlink()
    (preview.project / "content" / "guides" / "seeing-a-doctor.md").unlink()
    deadline = time.monotonic() + 30
    while preview.get("/guides/seeing-a-doctor/")[0] != 404 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert preview.get("/guides/seeing-a-doctor/")[0] == 404
    assert preview.process.poll() is None


def test_ctrl_c_exits_zero_quickly_and_leaves_nothing(project: Path) -> None:
    before = set(Path("/tmp").glob("sitegen-preview-*"))
    server = Preview(project)
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 2
    assert set(Path("/tmp").glob("sitegen-preview-*")) == before
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
        time.sleep(0.005)
    preview.wait_for_text("/neck-pain/", "Neck pain, save 7.")
    time.sleep(1.0)
    while preview.process.stderr and (line := preview.process.stderr.readline()):
        preview.lines.append(line.rstrip("\n"))
    assert 2 <= sum(1 for line in preview.lines if line.startswith("Built")) <= 3  # the first build + 1 or 2


def test_listening_on_all_interfaces_warns(project: Path) -> None:
    server = Preview(project, "--host", "0.0.0.0")
    try:
        assert any("warning: listening on 0.0.0.0" in line for line in server.lines)
        assert server.get("/")[0] == 200
    finally:
        server.stop()


def test_every_page_has_its_head_end_in_the_first_64_kib(preview: Preview) -> None:
    from tests.sample_site import GOLDEN

    for page in GOLDEN.rglob("*.html"):
        assert page.read_bytes().find(b"</head>") in range(1, 65536), page
    status, _, body = preview.get("/no-such-page/")
    assert status == 404 and "livereload.js" in body


def test_after_a_sequence_of_edits_the_preview_equals_a_fresh_build(project: Path, tmp_path: Path) -> None:
    from sitegen.pipeline import BuildOptions, Paths, build_site
    from tests.test_golden import tree

    before = set(Path(tempfile.gettempdir()).glob("sitegen-preview-*"))
    server = Preview(project)
    try:
        (served,) = set(Path(tempfile.gettempdir()).glob("sitegen-preview-*")) - before
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
            while sum(1 for line in server.lines if line.startswith("Built")) < number:
                server.wait_for_line("Built")
        fresh = tmp_path / "fresh"
        options = BuildOptions(base_url=f"http://127.0.0.1:{server.port}/", force=True, hash_assets=False, search=False)
        build_site(Paths.for_project(project, out=fresh), options)
        assert tree(served / "site") == tree(fresh)
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
    server = Preview.__new__(Preview)
    server.project, server.port, server.lines = project, free_port(), []
    command = [
        sys.executable,
        str(REPO / "build.py"),
        "serve",
        "--config",
        str(project / "site.yml"),
        "--port",
        str(server.port),
    ]
    server.process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=clean_env()
    )
    try:
        server.wait_for_line("Previewing on")
        early = not any(line.startswith("Built") for line in server.lines)
        status, _, body = server.get("/many/page-317/")
        assert status == 200 and "Generated page 317" in body
        server.wait_for_line("Built")
        assert early, "the address should be printed before all 400 pages are rendered"
    finally:
        server.stop()


def test_a_site_that_is_broken_at_start_is_served_with_the_notice_until_fixed(project: Path) -> None:
    article = project / "content" / "neck-pain.md"
    good = article.read_text()
    article.write_text(good.replace("type: condition", "type: [condition"))
    server = Preview(project)
    try:
        assert any(line.startswith("content/neck-pain.md:4:") for line in server.lines)
        status, _, body = server.get("/")
        assert status == 404 and "Preview not updated" in body and "content/neck-pain.md:4:" in body
        article.write_text(good)
        body = server.wait_for_text("/neck-pain/", "Neck pain is common.")
        assert "Preview not updated" not in body
    finally:
        server.stop()


def test_stopping_during_the_first_build_leaves_nothing(project: Path) -> None:
    from tests.test_safe_output import add_articles

    add_articles(project, 400)
    before = set(Path(tempfile.gettempdir()).glob("sitegen-preview-*"))
    command = [
        sys.executable,
        str(REPO / "build.py"),
        "serve",
        "--config",
        str(project / "site.yml"),
        "--port",
        str(free_port()),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_env())
    assert process.stdout is not None
    # "Previewing on" is printed once the server listens, while the first build of 400 pages is still running.
    for line in process.stdout:
        if line.startswith("Previewing on"):
            break
    process.send_signal(signal.SIGTERM)
    process.stdout.read()
    process.stdout.close()
    assert process.wait(timeout=10) == 0
    assert set(Path(tempfile.gettempdir()).glob("sitegen-preview-*")) == before
