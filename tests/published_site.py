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

import yaml

from tests.sample_site import REPO, clean_env, run_build


def article_pages(content: Path = REPO / "content") -> dict[str, str]:
    """Every published article's address and type, read from the content as it is today (so the tests follow
    editorial changes instead of pinning them)."""
    pages: dict[str, str] = {}
    for path in sorted(content.rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---"))
        if front.get("status") != "published":
            continue
        relative = path.relative_to(content).with_suffix("")
        folder = relative.parent if relative.name == "index" else relative
        url = "/" if str(folder) == "." else f"/{folder.as_posix()}/"
        if front.get("slug") and url != "/":
            url = f"/{(folder.parent / str(front['slug'])).as_posix()}/".replace("/./", "/")
        pages[url] = str(front["type"])
    return pages


def _first_of_type(pages: dict[str, str], page_type: str) -> str:
    return next(url for url, kind in pages.items() if kind == page_type)


ARTICLES = article_pages()
# One page of each kind readers meet, chosen from whatever the content holds today.
PAGE_TYPES = {
    "home": "/",
    "symptom": _first_of_type(ARTICLES, "symptom"),
    "condition": _first_of_type(ARTICLES, "condition"),
    "trust": _first_of_type(ARTICLES, "policy"),
    "search": "/search/",
    "not found": "/no-such-page/",
}


def copy_repo_site(target: Path) -> Path:
    """The project files a build reads, copied so tests never write into the working tree."""
    target.mkdir(parents=True)
    for folder in ("content", "templates", "static", "rules"):
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
