"""The serve command: build into a temporary folder, serve it, rebuild on every save, tell the browser."""

from __future__ import annotations

import errno
import logging
import shutil
import signal
import socket
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from sitegen.errors import SiteError, UsageError
from sitegen.pipeline import BuildOptions, BuildResult, Paths, build_site
from sitegen.preview.http import PreviewState, application, reload_browsers
from sitegen.preview.watch import changes

DEFAULT_PORT = 8000
PORTS_TO_TRY = 20


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int | None = None  # None: DEFAULT_PORT, or the next free one
    drafts: bool = False
    open_browser: bool = False


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
    workdir = Path(tempfile.mkdtemp(prefix="sitegen-preview-"))
    site = workdir / "site"
    shown_host = "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host
    address = f"http://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{port}/"
    build_options = BuildOptions(
        base_url=address, drafts=options.drafts, force=True, hash_assets=False, start_method="forkserver"
    )
    state = PreviewState(site, port, options.host)
    builder = _Builder(replace(paths, out_dir=site), build_options, state, say)
    builder.build()
    server = HTTPServer(application(state))
    server.add_sockets(sockets)
    loop = IOLoop.current()
    stop = threading.Event()
    watcher = threading.Thread(target=builder.watch, args=(paths, stop, loop), daemon=True)
    watcher.start()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: loop.add_callback_from_signal(loop.stop))
    say(f"Previewing on {address} (Ctrl-C to stop)")
    if options.open_browser:
        threading.Thread(target=webbrowser.open, args=(address,), daemon=True).start()
    try:
        loop.start()
    finally:
        stop.set()
        server.stop()
        watcher.join(timeout=1.5)
        shutil.rmtree(workdir, ignore_errors=True)
    say("Stopped.")
    return 0


class _Builder:
    """Runs one build at a time and reports it to the terminal and the browser."""

    def __init__(self, paths: Paths, options: BuildOptions, state: PreviewState, say: Callable[[str], None]) -> None:
        self.paths = paths
        self.options = options
        self.state = state
        self.say = say

    def build(self) -> BuildResult | None:
        try:
            result = build_site(self.paths, self.options)
        except SiteError as exc:
            self.state.problems = [problem.format() for problem in exc.problems]
            for line in self.state.problems:
                self.say(line)
            self.say("The preview shows the last version that built; fix the file and save again.")
            return None
        self.state.problems = []
        for warning in result.warnings:
            self.say(warning.format())
        self.say(f"Built {result.pages} pages in {result.seconds:.2f} s")
        return result

    def watch(self, project: Paths, stop: threading.Event, loop: IOLoop) -> None:
        watched = [project.content_dir, project.templates_dir, project.static_dir, project.config_file]
        ignored = [self.paths.out_dir, project.out_dir]
        for batch in changes(watched, ignored, stop):
            result = self.build()
            stylesheets = [path for path in batch if path.suffix == ".css" and path.is_relative_to(project.static_dir)]
            target = stylesheets[0].name if result is not None and len(stylesheets) == len(batch) else "*"
            loop.add_callback(reload_browsers, target)
        sys.stdout.flush()
