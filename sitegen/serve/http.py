"""The preview's web server: tornado handlers from the `livereload` package, hardened.

livereload 2.7.1 as shipped serves the current directory, accepts any Host and any WebSocket Origin, offers an
unauthenticated /forcereload, injects an inline script a strict CSP blocks, and ignores saves within 3 s of a
reload (security guide, section 1). Here: only the output folder is served, foreign Host and Origin values are
refused, there is no /forcereload, the reload script is an external file the page's CSP allows, and reloads
are sent when our own rebuild finishes.
"""

from __future__ import annotations

import html
import ipaddress
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.handlers import StaticFileHandler as LivereloadStaticFileHandler
from tornado import httputil, web
from tornado.websocket import WebSocketClosedError

from sitegen.render.security_policy import RESPONSE_HEADERS

SECURITY_HEADERS = {**RESPONSE_HEADERS, "Cache-Control": "no-store"}
HEAD_END = b"</head>"
BODY_OPEN = b"<body>"


class PreviewState:
    """What every handler shares: the served folder, the accepted host names, the current build problem."""

    def __init__(self, root: Path, port: int, host: str) -> None:
        self.root = root
        self.port = port
        self.host = host
        self.problems: list[str] = []
        self.on_request: Callable[[str], None] | None = None  # lets the first build render pages on demand

    def host_allowed(self, value: str) -> bool:
        """Host header check against DNS rebinding: localhost names, or any IP literal, on our port."""
        parsed = urlsplit(f"//{value}")
        if parsed.port != self.port or not parsed.hostname:
            return False
        if parsed.hostname in ("localhost", self.host):
            return True
        try:
            ipaddress.ip_address(parsed.hostname)
        except ValueError:
            return False
        return True

    def banner(self) -> bytes:
        if not self.problems:
            return b""
        items = "".join(f"<li>{html.escape(problem)}</li>" for problem in self.problems[:20])
        more = f"<p>and {len(self.problems) - 20} more.</p>" if len(self.problems) > 20 else ""
        return (
            '<div class="preview-error" role="alert"><p><strong>Preview not updated:</strong> fix this and save '
            f"again; you are seeing the last version that built.</p><ul>{items}</ul>{more}</div>"
        ).encode()


def address_is_clean(uri: str, path: str) -> bool:
    """A request target of printable ASCII (RFC 3986) whose path, percent-decoded, is valid UTF-8 (no overlong
    forms or surrogates) without control characters. Anything else (`%00`, `%ff`, raw bytes above 0x7e) is a
    bad request; a NUL would otherwise reach os.path.realpath and end in a 500 with a traceback."""
    if not uri.isascii() or any(char <= " " or char == "\x7f" for char in uri):
        return False
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(char) == "Cc" for char in decoded)


def _refuse_bad_requests(state: PreviewState, request: httputil.HTTPServerRequest) -> None:
    if not state.host_allowed(request.host):
        raise web.HTTPError(421, "unknown host")
    if not address_is_clean(request.uri or "", request.path):
        raise web.HTTPError(400, "invalid characters in the address")


class _Guarded(web.RequestHandler):
    state: PreviewState

    def initialize(self, **kwargs: Any) -> None:
        self.state = kwargs.pop("state")
        super().initialize(**kwargs)

    def prepare(self) -> None:
        _refuse_bad_requests(self.state, self.request)

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.clear_header("Server")


class SiteFileHandler(_Guarded, LivereloadStaticFileHandler):  # type: ignore[misc]
    """Files of the built site only; 404 uses the site's own 404 page."""

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.state.on_request is not None:
            self.state.on_request(path)
        pending = super().get(path, include_body)
        if pending is not None:
            await pending

    # Read each file once per request, so its length and its bytes always agree even when a save replaces it
    # between tornado's stat() and open().
    def _snapshot(self) -> bytes:
        data: bytes | None = getattr(self, "_snapshot_data", None)
        if data is None:
            data = Path(self.absolute_path).read_bytes()
            self._snapshot_data = data
        return data

    def get_content_size(self) -> int:
        return len(self._snapshot())

    def get_content(self, abspath: str, start: int | None = None, end: int | None = None) -> bytes:
        return self._snapshot()[start:end]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = self.state.root / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(page.read_bytes())
            return
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            f"<!doctype html><html><head><title>{status_code}</title></head><body><p>{status_code}</p></body></html>"
        )


class ReloadScriptHandler(_Guarded, LiveReloadJSHandler):  # type: ignore[misc]
    pass


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """The livereload protocol over a WebSocket; only pages from this server may connect."""

    state: PreviewState

    def initialize(self, state: PreviewState) -> None:
        self.state = state

    def check_origin(self, origin: str) -> bool:
        parsed = urlsplit(origin)
        return self.state.host_allowed(self.request.host) and parsed.netloc == self.request.host

    def prepare(self) -> None:
        _refuse_bad_requests(self.state, self.request)


class InjectReload(web.OutputTransform):
    """Adds the reload script (an external file, allowed by the CSP) and any build-problem notice to HTML."""

    state: PreviewState

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "html" in headers.get("Content-Type", "") and HEAD_END in chunk:
            original = len(chunk)
            script = f'<script src="/livereload.js?port={self.state.port}"></script>'.encode()
            chunk = chunk.replace(HEAD_END, script + HEAD_END, 1)
            banner = self.state.banner()
            if banner and BODY_OPEN in chunk:
                chunk = chunk.replace(BODY_OPEN, BODY_OPEN + banner, 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(chunk) - original)
        return status_code, headers, chunk


def application(state: PreviewState) -> web.Application:
    transform = type("ConfiguredInjectReload", (InjectReload,), {"state": state})
    handlers: Sequence[Any] = [
        (r"/livereload", ReloadSocket, {"state": state}),
        (r"/livereload\.js", ReloadScriptHandler, {"state": state}),
        (r"/(.*)", SiteFileHandler, {"state": state, "path": str(state.root), "default_filename": "index.html"}),
    ]
    return web.Application(handlers=list(handlers), transforms=[transform], compress_response=False)


def reload_browsers(path: str) -> None:
    """Tell every connected tab to reload (a stylesheet's name reloads just that stylesheet). Runs on the
    server's IO loop. livereload's own `reload_waiters` also throttles reloads to one per 3 s, so it is not used."""
    message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(waiter)
