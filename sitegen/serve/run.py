"""The serve command: build into a temporary folder, serve it, rebuild on every save, tell the browser."""

from __future__ import annotations

import errno
import logging
import secrets
import shutil
import signal
import socket
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from sitegen.build.incremental import LiveSite, Update
from sitegen.build.pipeline import EarlyHook
from sitegen.build.workers import abandon_all
from sitegen.errors import Severity, SiteError, UsageError
from sitegen.read.project import DEFAULT_PORT, BuildOptions, Paths
from sitegen.read.red_flags import red_flags_path
from sitegen.serve.http import PreviewState, application, reload_browsers
from sitegen.serve.watch import changes
from sitegen.write.writer import OutputError

PORTS_TO_TRY = 20


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int | None = None  # None: DEFAULT_PORT, or the next free one
    drafts: bool = True  # the preview shows draft and in-review pages, each with a "Draft" banner
    open_browser: bool = False
    # Pagefind re-indexes the whole site (about 20 s and 3 GB at 10,000 pages), so the preview leaves it out
    # unless asked; saves never refresh it.
    search: bool = False


def bind(host: str, port: int | None) -> tuple[list[socket.socket], int]:
    """Sockets on the requested port (an error if it is busy), or on the first free one from DEFAULT_PORT."""
    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TO_TRY)
    for candidate in candidates:
        try:
            return bind_sockets(candidate, address=host), candidate
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise UsageError(f"cannot listen on {host}:{candidate} ({exc.strerror})") from None
            if port is not None:
                raise UsageError(f"port {port} is already in use; choose another with --port") from None
    raise UsageError(f"ports {DEFAULT_PORT}-{DEFAULT_PORT + PORTS_TO_TRY - 1} are all in use; choose one with --port")


def serve(paths: Paths, options: ServeOptions, say: Callable[[str], None]) -> int:
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        say(f"warning: listening on {options.host}: other computers on the network can see this preview")
    sockets, port = bind(options.host, options.port)
    for name in ("tornado.access", "tornado.general", "livereload"):  # writers need our lines, not request logs
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # The event loop is made before a stop request can interrupt anything: one interrupted half way through being
    # made fails again when Python collects it at exit, printing a traceback after "Stopped.".
    loop = IOLoop.current()
    signal.signal(signal.SIGTERM, _interrupt)  # until the server runs, a stop request ends start-up cleanly
    shown_host = "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host
    address = f"http://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{port}/"
    build_options = BuildOptions(
        base_url=address,
        drafts=options.drafts,
        force=True,
        hash_assets=False,
        start_method="forkserver",
        search=options.search,
    )
    stop = threading.Event()
    server: HTTPServer | None = None
    workdir: Path | None = None
    builder: _Builder | None = None
    watcher: threading.Thread | None = None
    # Everything from here is inside the try, so a stop request at any moment removes what was made so far.
    try:
        # Named before it is made (not mkdtemp): a stop request just after mkdtemp made it but before its name was
        # kept would leave the folder behind.
        workdir = Path(tempfile.gettempdir()) / f"sitegen-preview-{secrets.token_hex(8)}"
        workdir.mkdir(mode=0o700)
        site = workdir / "site"
        state = PreviewState(site, port, options.host)
        builder = _Builder(replace(paths, out_dir=site), build_options, state, say)
        state.on_request = builder.live.render_if_missing
        builder.loop = loop
        # Watching starts before the first build, so no save is missed; its rebuilds wait for that build.
        watcher = threading.Thread(target=builder.watch, args=(paths, stop, loop), daemon=True)
        watcher.start()
        builder.start_first_build()
        server = HTTPServer(application(state))
        server.add_sockets(sockets)
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: loop.add_callback_from_signal(loop.stop))
        say(f"Previewing on {address} (Ctrl-C to stop)")
        if options.drafts:
            say("Draft and in-review pages are shown, each with a 'Draft' banner (--no-drafts hides them).")
        if options.open_browser:
            threading.Thread(target=webbrowser.open, args=(address,), daemon=True).start()
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _clean_up(stop, builder, server, sockets, watcher, workdir)
    say("Stopped.")
    return 0


def _clean_up(
    stop: threading.Event,
    builder: _Builder | None,
    server: HTTPServer | None,
    sockets: list[socket.socket],
    watcher: threading.Thread | None,
    workdir: Path | None,
) -> None:
    """Stop serving and watching, end any build, and remove the preview's folder."""
    stop.set()
    if builder is not None:
        builder.stopping.set()
    if server is not None:
        server.stop()
    for socket_ in sockets:
        socket_.close()  # the port is free again even while a build thread is still finishing
    # A build still running (the first one, or a rebuild) would keep the interpreter waiting for its
    # worker processes to finish all their queued work: seconds on a big site.
    abandon_all()
    if watcher is not None:
        watcher.join(timeout=1.5)
    if workdir is not None:
        _remove(workdir)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _remove(workdir: Path) -> None:
    """The preview's folder; a first build still running in the background may add files meanwhile."""
    for _ in range(5):
        shutil.rmtree(workdir, ignore_errors=True)
        if not workdir.exists():
            return
        time.sleep(0.1)


class _Builder:
    """Runs one build at a time (a full one first, then only what each save changed) and reports it to the
    terminal and the browser."""

    def __init__(self, paths: Paths, options: BuildOptions, state: PreviewState, say: Callable[[str], None]) -> None:
        self.live = LiveSite(paths, options)
        self.paths = paths
        self.state = state
        self.say = say
        self.first: threading.Thread | None = None
        self.loop: IOLoop | None = None
        self.stopping = threading.Event()

    def start_first_build(self) -> None:
        """The first build runs in the background; this returns as soon as the site-wide pages are written
        (article pages are then rendered when asked for) or the build has ended."""
        ready = threading.Event()

        def early(*args: Any) -> None:
            self.live.serve_early(*args)
            ready.set()

        def run() -> None:
            try:
                path = self.build(early=early)
            except Exception:
                if self.stopping.is_set():
                    return  # the preview stopped and removed its folder under the running build
                ready.set()  # start-up must not wait for ever on a build that failed unexpectedly
                raise
            self.live.first_build_done()
            ready.set()
            if path is not None and self.loop is not None:
                self.loop.add_callback(reload_browsers, "*")

        self.first = threading.Thread(target=run, daemon=True)
        self.first.start()
        ready.wait()

    def build(self, changed: set[Path] | None = None, early: EarlyHook | None = None) -> str | None:
        """Bring the preview up to date; the path browsers should reload, or None if the site has problems."""
        started = time.perf_counter()
        try:
            if changed is None:
                result = self.live.full(on_loaded=early)
                update = Update(result.pages, "*")
                warnings = result.warnings
            else:
                update = self.live.apply(changed)
                warnings = []
        except SiteError as exc:
            self.state.problems = [problem.format() for problem in exc.problems if problem.severity is Severity.ERROR]
            for problem in exc.problems:
                self.say(problem.format())
            self.say("The preview shows the last version that built; fix the file and save again.")
            return None
        except OutputError as exc:  # the disk is full or the temporary folder cannot be written
            if self.stopping.is_set():
                raise
            self.state.problems = [str(exc)]
            self.say(f"error: {exc}")
            return None
        self.state.problems = []
        for warning in warnings:
            self.say(warning.format())
        self.say(
            f"Built {update.pages} page{'s' if update.pages != 1 else ''} in {time.perf_counter() - started:.2f} s"
        )
        return update.reload_path

    def watch(self, project: Paths, stop: threading.Event, loop: IOLoop) -> None:
        watched = [project.content_dir, project.templates_dir, project.static_dir, project.config_file]
        watched.append(red_flags_path(project.config_file))  # a sign's wording or urgency changes every card
        ignored = [self.paths.out_dir, project.out_dir]
        failed = False
        for batch in changes(watched, ignored, stop):
            if self.first is not None:
                self.first.join()
                failed = self.live.result is None
            # After a failed build the output may lag behind several saves: rebuild in full to catch up.
            try:
                path = self.build(None if failed else batch)
            except Exception:
                if self.stopping.is_set():
                    return  # stopped in the middle of a rebuild (abandon_all)
                raise
            failed = path is None
            loop.add_callback(reload_browsers, path or "*")
