"""The repository's own site, built once per test session and served on 127.0.0.1 by a real HTTP server."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tests.sample_site import REPO, clean_env, run_build

PAGE_TYPES = {
    "home": "/",
    "symptom": "/numbness-in-hands/",
    "condition": "/conditions/cervical-disc-herniation/",
    "trust": "/privacy/",
    "search": "/search/",
    "not found": "/no-such-page/",
}


def copy_repo_site(target: Path) -> Path:
    """The project files a build reads, copied so tests never write into the working tree."""
    target.mkdir(parents=True)
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, target / folder)
    shutil.copy(REPO / "site.yml", target / "site.yml")
    return target


def build_repo_site(target: Path) -> Path:
    project = copy_repo_site(target)
    env = clean_env()
    del env["SOURCE_DATE_EPOCH"]  # the real content is dated today; the sample site's fixed date is older
    result = run_build(project, env=env)
    assert result.returncode == 0, result.stderr
    return project / "_site"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built folder like a static host: index.html for folders, the site's 404 page otherwise."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass(frozen=True)
class Served:
    root: Path
    origin: str  # e.g. http://127.0.0.1:43210

    def url(self, path: str) -> str:
        return self.origin + path


@contextmanager
def serve_folder(root: Path) -> Iterator[Served]:
    handler = partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
