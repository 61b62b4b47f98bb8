"""Faults (issue 12, item 4) and the write/delete guards (item 5): each fault leaves a working site and one
clear line. Everything runs the real CLI as a subprocess on a temporary copy of the sample site."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.write import writer
from tests.sample_site import REPO, clean_env, run_build
from tests.test_safe_output import add_articles, tree_hash
from tests.waiting import alive, live_children, wait_for_exit, wait_for_paths, wait_until

BUILD = [sys.executable, str(REPO / "build.py")]


def ctrl_c_as_in_a_terminal() -> None:
    """A shell starting a job in the background (`make test &`, nohup) makes it ignore Ctrl-C, and Python then
    never installs its handler; these tests are about a preview started from a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds `variable` (e.g. "TMPDIR=/some/private/folder")."""
    found = []
    wanted = variable.encode() + b"\0"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not alive(int(entry.name)):
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if wanted in environ:
            found.append(int(entry.name))
    return found


def staging_folders(project: Path) -> list[Path]:
    return list(project.glob("._site.staging-*"))


# --- a build killed with SIGKILL ---------------------------------------------------------------------------


def test_killed_build_leaves_no_worker_running_and_the_next_build_cleans_up(project: Path) -> None:
    assert run_build(project).returncode == 0
    before = tree_hash(project / "_site")
    add_articles(project, 400)
    command = [*BUILD, "--jobs", "2", "--no-search", "--config", str(project / "site.yml")]
    process = subprocess.Popen(command, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        wait_for_paths(project, "._site.staging-*/many", "the build to render pages")
        workers = live_children(process.pid)
        assert workers, "the build should be running worker processes"
        process.kill()  # SIGKILL to the build alone, not its process group: the workers must notice
        process.wait()
        left = wait_for_exit(workers, timeout=10)
        assert not left, f"worker processes {left} outlived the killed build"
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert staging_folders(project), "the build should have been killed while writing"
    assert tree_hash(project / "_site") == before
    assert run_build(project, "--no-search").returncode == 0
    assert not staging_folders(project)
    assert (project / "_site" / "many" / "page-399" / "index.html").is_file()


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_build_stopped_mid_way_says_so_in_one_line_and_keeps_the_output(project: Path, number: int) -> None:
    assert run_build(project).returncode == 0
    before = tree_hash(project / "_site")
    add_articles(project, 400)
    command = [*BUILD, "--jobs", "2", "--no-search", "--config", str(project / "site.yml")]
    process = subprocess.Popen(
        command,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    workers: list[int] = []
    try:
        wait_for_paths(project, "._site.staging-*/many", "the build to render pages")
        workers = live_children(process.pid)
        assert workers, "the build should be running worker processes"
        for pid in [process.pid, *workers]:  # as a terminal's Ctrl-C or a service manager's stop does
            os.kill(pid, number)
        _, stderr = process.communicate(timeout=60)
        assert not wait_for_exit(workers, timeout=10)
    finally:
        for pid in [process.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == ["Interrupted; the previous output is unchanged."], stderr
    assert tree_hash(project / "_site") == before
    assert not staging_folders(project)


class StopRequestedOnLookUp(dict[str, str]):
    """Asset names whose look-up is where a stop request (Ctrl-C) happens to arrive."""

    def __contains__(self, name: object) -> bool:
        raise KeyboardInterrupt


def test_a_stop_request_inside_the_sanitiser_stops_instead_of_being_swallowed() -> None:
    from sitegen.render.sanitize import make_sanitizer

    clean = make_sanitizer("/", StopRequestedOnLookUp({"img/other.png": "/assets/img/other.png"}))
    with pytest.raises(KeyboardInterrupt):
        clean('<p><img src="/img/x.png" alt="x"></p>')
    assert clean("<p>next page</p>") == "<p>next page</p>"


# --- disk full ------------------------------------------------------------------------------------------------


def small_file_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        ctrl_c_as_in_a_terminal()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit then fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_cli(
    project: Path, *args: str, preexec: Callable[[], None] | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [*BUILD, *args, "--config", str(project / "site.yml")]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=120,
        check=False,
        preexec_fn=preexec,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_disk_full_is_one_line_naming_the_file_and_keeps_the_output(project: Path, jobs: str) -> None:
    if jobs == "2":
        add_articles(project, 70)  # enough for the worker processes
    assert run_build(project, "--no-search").returncode == 0
    before = tree_hash(project / "_site")
    result = run_cli(project, "--no-search", "--full", "--jobs", jobs, preexec=small_file_limit(2000))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot write _site/"), lines[0]
    assert ": File too large (free some disk space" in lines[0]
    written = lines[0].removeprefix("error: cannot write _site/").split(":")[0]
    assert written.endswith((".html", ".xml", ".txt", "_headers")), written
    assert tree_hash(project / "_site") == before
    assert not staging_folders(project)
    assert run_build(project, "--no-search").returncode == 0  # and nothing is wedged


# --- read-only output folder or project ---------------------------------------------------------------------
# Tests run as root in CI, where file modes do not stop writes (CAP_DAC_OVERRIDE). The build then runs with
# that capability removed from its bounding set, which root may do in a default container (CAP_SETPCAP), so
# after exec it is a root without the override and the modes below are what stops it.

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3


def _drop_file_override() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


@pytest.fixture
def owned_project(project: Path) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    yield project, _drop_file_override if os.geteuid() == 0 else None
    for path in [project, *project.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


@pytest.mark.parametrize("mode", ["--full", "--incremental"])
@pytest.mark.parametrize("read_only", [".", "_site", "_site/assets", "_site/assets/css"])
def test_read_only_folder_is_refused_before_any_swap(
    owned_project: tuple[Path, Callable[[], None] | None], read_only: str, mode: str
) -> None:
    """A full build and an incremental one (which lists the output's folders from its record instead of walking
    them) refuse the same way."""
    project, preexec = owned_project
    assert run_cli(project, "--no-search", preexec=preexec).returncode == 0
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is frequent."))
    before = tree_hash(project / "_site")
    folder = project / read_only
    folder.chmod(0o555)
    try:
        result = run_cli(project, "--no-search", *([mode] if mode == "--full" else []), preexec=preexec)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    if read_only == ".":
        assert lines[0] == (
            f"error: cannot write beside the output folder {project / '_site'}: {project} is read-only "
            "(make it writable or choose another folder with --out)"
        )
    else:
        assert lines[0] == (
            f"error: cannot replace the output folder {project / '_site'}: {folder} is read-only "
            "(make it writable or choose another folder with --out; nothing was changed)"
        )
    assert tree_hash(project / "_site") == before
    assert not staging_folders(project)
    result = run_cli(project, "--no-search", preexec=preexec)  # writable again: the next build just works
    assert result.returncode == 0, result.stderr
    assert "Neck pain is frequent." in (project / "_site" / "neck-pain" / "index.html").read_text()


def test_a_build_cache_that_cannot_be_written_is_skipped(
    owned_project: tuple[Path, Callable[[], None] | None],
) -> None:
    """The site is built and the command succeeds when .cache/sitegen is read-only; the cache is an aid, and the
    next build, with the folder writable again, is a full one that fills it."""
    project, preexec = owned_project
    assert run_cli(project, "--no-search", preexec=preexec).returncode == 0
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is frequent."))
    cache = project / ".cache" / "sitegen"
    cache.chmod(0o555)
    try:
        result = run_cli(project, "--no-search", preexec=preexec)
    finally:
        cache.chmod(0o755)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert "Neck pain is frequent." in (project / "_site" / "neck-pain" / "index.html").read_text()
    again = run_cli(project, "--no-search", preexec=preexec)
    assert again.returncode == 0 and again.stdout.splitlines()[-1].startswith("Built "), again.stdout


# --- a content file deleted during the build ---------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_file_deleted_between_discovery_and_reading_is_one_line(project: Path, tmp_path: Path, jobs: str) -> None:
    """The build asks git for "Last updated" dates after finding the files and before reading them; a `git`
    first on PATH deletes an article at exactly that moment."""
    if jobs == "2":
        add_articles(project, 70)
    assert run_build(project, "--no-search").returncode == 0
    before = tree_hash(project / "_site")
    victim = project / "content" / "guides" / "seeing-a-doctor.md"
    real_git = shutil.which("git")
    assert real_git is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(f'#!/bin/sh\nrm -f "{victim}"\nexec "{real_git}" "$@"\n')
    (bin_dir / "git").chmod(0o755)
    env = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run_cli(project, "--no-search", "--full", "--jobs", jobs, env=env)
    assert not victim.exists()
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "content/guides/seeing-a-doctor.md: does not exist (check the file name and folder)",
        "Stopped: 1 problem to fix; nothing was written.",
    ]
    assert tree_hash(project / "_site") == before
    assert not staging_folders(project)
    assert run_build(project, "--no-search").returncode == 0
    assert not (project / "_site" / "guides" / "seeing-a-doctor").exists()


# --- guards: is_ours(), the swap fallback --------------------------------------------------------------------


def test_only_marked_staging_folders_are_removed(project: Path, tmp_path: Path) -> None:
    assert run_build(project, "--no-search").returncode == 0
    unmarked = project / "._site.staging-12345"
    unmarked.mkdir()
    (unmarked / "notes.txt").write_text("mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / writer.MARKER).write_bytes(writer.MARKER_TEXT)  # marked, but reached through a link
    (elsewhere / "page.html").write_text("keep")
    link = project / "._site.staging-link"
    link.symlink_to(elsewhere)
    leftover = project / "._site.staging-999"
    leftover.mkdir()
    (leftover / writer.MARKER).write_bytes(writer.MARKER_TEXT)  # a killed build's: removed
    result = run_build(project, "--no-search", "--full")
    assert result.returncode == 0, result.stderr
    assert (unmarked / "notes.txt").read_text() == "mine"
    assert link.is_symlink() and (elsewhere / "page.html").read_text() == "keep"
    assert (elsewhere / writer.MARKER).is_file()
    assert not leftover.exists()


def test_the_test_hook_forces_the_fallback_swap(tmp_path: Path) -> None:
    """The hook the next test relies on really switches renameat2 off (and renameat2 works here otherwise)."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").touch()
    assert writer._exchange(a, b) and (b / "from-a").exists()
    os.environ[writer.NO_EXCHANGE_ENV] = "1"
    try:
        assert not writer._exchange(a, b)
    finally:
        del os.environ[writer.NO_EXCHANGE_ENV]
    assert (b / "from-a").exists()


def test_rebuilds_work_where_renameat2_is_missing(project: Path) -> None:
    env = clean_env(**{writer.NO_EXCHANGE_ENV: "1"})
    assert run_build(project, "--no-search", env=env).returncode == 0
    (project / "_site" / "stale.html").write_text("from an older build")
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is frequent."))
    for _ in range(2):
        result = run_build(project, "--no-search", env=env)
        assert result.returncode == 0, result.stderr
        assert "Neck pain is frequent." in (project / "_site" / "neck-pain" / "index.html").read_text()
        assert not (project / "_site" / "stale.html").exists()
        assert (project / "_site" / writer.MARKER).is_file()
        assert not staging_folders(project)


# --- serve: stopped at any moment of start-up, and a burst of saves ----------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Serve:
    """`build.py serve` with its own temporary folder (TMPDIR), its stderr read by a thread."""

    def __init__(self, project: Path, temp: Path, preexec: Callable[[], None] = ctrl_c_as_in_a_terminal) -> None:
        self.temp = temp
        self.port = free_port()
        command = [*BUILD, "serve", "--config", str(project / "site.yml"), "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(TMPDIR=str(temp)),
            preexec_fn=preexec,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def has_line(self, start: str) -> bool:
        return any(line.startswith(start) for line in self.lines)

    def count(self, start: str) -> int:
        return sum(1 for line in self.lines if line.startswith(start))

    def workdirs(self) -> list[Path]:
        return list(self.temp.glob("sitegen-preview-*"))

    def get(self, path: str) -> str:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return str(response.read().decode())

    def stop(self, number: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(number)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=5)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code


def loading_libraries(pid: int) -> bool:
    """The interpreter is importing the program's libraries (numpy's compiled part is mapped in)."""
    try:
        return b"numpy" in Path(f"/proc/{pid}/maps").read_bytes()
    except OSError:
        return False


# When to stop, and how many extra articles make that moment last long enough to be caught.
MOMENTS: dict[str, tuple[Callable[[Serve], object], int]] = {
    "loading the program": (lambda s: loading_libraries(s.process.pid) and not s.workdirs(), 0),
    "temporary folder made": (lambda s: s.workdirs(), 0),
    "first build loading": (lambda s: [p for d in s.workdirs() for p in d.glob(".site.staging-*")], 400),
    "first build rendering": (lambda s: s.has_line("Previewing on") and not s.has_line("Built"), 400),
    "serving": (lambda s: s.has_line("Built"), 0),
}


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_serve_stops_cleanly_at_any_moment_of_start_up(project: Path, tmp_path: Path, moment: str, number: int) -> None:
    reached, articles = MOMENTS[moment]
    if articles:
        add_articles(project, articles)
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Serve(project, temp)
    try:
        wait_until(lambda: reached(server) or server.process.poll() is not None, moment)
        assert server.process.poll() is None, server.lines
        sent = time.monotonic()
        code = server.stop(number)
        took = time.monotonic() - sent
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.stop()
    assert code == 0, server.lines
    assert took < 2, f"took {took:.2f} s to stop"
    assert server.lines[-1] == "Stopped.", server.lines
    assert not any("Traceback" in line for line in server.lines), server.lines
    assert not server.workdirs()
    left = f"TMPDIR={temp}"
    wait_for_exit(processes_with(left), timeout=10)  # worker processes, the fork server
    assert not processes_with(left), "processes of the preview outlived it"
    with socket.socket() as again:
        again.bind(("127.0.0.1", server.port))  # the port is free


def test_serve_after_a_burst_of_100_saves_in_a_second_serves_the_last(project: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Serve(project, temp)
    try:
        wait_until(lambda: server.has_line("Built"), "the first build")
        article = project / "content" / "neck-pain.md"
        original = article.read_text()
        started = time.monotonic()
        for number in range(100):
            article.write_text(original.replace("Neck pain is common.", f"Neck pain, save {number}."))
        assert time.monotonic() - started < 1.5
        wait_until(lambda: "Neck pain, save 99." in server.get("/neck-pain/"), "the last save")
        assert server.process.poll() is None
        assert not any("Traceback" in line for line in server.lines), server.lines
    finally:
        assert server.stop() == 0


def test_disk_full_during_a_preview_rebuild_is_one_line_and_the_last_good_page_stays(
    project: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = Serve(project, temp, preexec=small_file_limit(150_000))
    try:
        wait_until(lambda: server.has_line("Built"), "the first build")
        article = project / "content" / "neck-pain.md"
        original = article.read_text()
        article.write_text(
            original + "".join(f"\nParagraph {n} makes this page too big to write.\n" for n in range(4000))
        )
        wait_until(lambda: server.has_line("error: cannot write"), "the failed write to be reported")
        error = next(line for line in server.lines if line.startswith("error:"))
        assert "neck-pain/index.html" in error and "free some disk space" in error, error
        assert "Paragraph 1 makes" not in server.get("/neck-pain/") and server.process.poll() is None
        assert not list(server.workdirs()[0].rglob("*.partial-*")), "a half-written page was left in the preview"
        article.write_text(original.replace("Neck pain is common.", "Neck pain fits again."))
        wait_until(lambda: "Neck pain fits again." in server.get("/neck-pain/"), "the next save to be served")
        assert not any("Traceback" in line for line in server.lines), server.lines
    finally:
        assert server.stop() == 0


def test_a_read_only_mode_really_stops_the_build_here(tmp_path: Path) -> None:
    """Sanity for the read-only tests above: with their preexec_fn, mode 0o555 stops a write even as root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    preexec = _drop_file_override if os.geteuid() == 0 else None
    code = f"open({str(folder / 'x')!r}, 'w')"
    result = subprocess.run(
        [sys.executable, "-c", code], preexec_fn=preexec, capture_output=True, text=True, check=False
    )
    folder.chmod(0o755)
    assert result.returncode != 0 and "PermissionError" in result.stderr


# --- the preview reads each file once per request -------------------------------------------------------------


def test_a_page_replaced_between_its_size_and_its_read_is_never_sent_short(tmp_path: Path) -> None:
    """The preview's real file handler on a real server; the only addition is a subclass that replaces the file
    with a shorter one just after the handler has taken its size (what a save does at the worst moment)."""
    import asyncio
    import http.client

    from tornado import web
    from tornado.httpserver import HTTPServer

    from sitegen.serve.http import PreviewState, SiteFileHandler

    root = tmp_path / "site"
    root.mkdir()
    page = root / "index.html"
    original = b"<!doctype html><title>old</title><p>" + b"long text " * 2000 + b"</p>\n"
    page.write_bytes(original)
    replaced: list[int] = []

    class ReplacedAfterSize(SiteFileHandler):
        def get_content_size(self) -> int:
            size = int(super().get_content_size())
            partial = page.with_name(".index.html.tmp")
            partial.write_bytes(b"<!doctype html><title>new</title>\n")
            partial.replace(page)  # as the preview writes: the old file or the new one, never half of one
            replaced.append(size)
            return size

    port = free_port()
    state = PreviewState(root, port, "127.0.0.1")
    started = threading.Event()
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = HTTPServer(web.Application([(r"/(.*)", ReplacedAfterSize, {"state": state, "path": str(root)})]))
        server.listen(port, address="127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/index.html", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        body = response.read()  # IncompleteRead if fewer bytes came than Content-Length said
        connection.close()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    assert replaced, "the file should have been replaced during the request"
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(body)
    assert body == original
