"""A fixture site with the form editor: a temporary git repository (a copy of the sample site plus the vendored
admin/), built, served on 127.0.0.1, with decap-server (Decap CMS's local backend, from npm) working on it in git
mode. The site's server forwards /api/v1 to decap-server, so the editor reaches it on its own origin."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tests.sample_site import REPO, clean_env, make_project, run_build
from tests.waiting import wait_for_exit, wait_until

DECAP_SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
NODE = shutil.which("node") or "node"
API = "/api/v1"


def git(project: Path, *args: str) -> str:
    env = clean_env(GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="Test")
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    result = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout


def make_cms_project(target: Path, extra_content: dict[str, str]) -> Path:
    """The sample site plus `extra_content` (path in content/ -> text) and admin/, committed on main."""
    project = make_project(target)
    for relative, text in extra_content.items():
        (project / "content" / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / "content" / relative).write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "admin", project / "admin")
    (project / ".gitignore").write_text("/_site/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Fixture site")
    return project


class _Handler(http.server.SimpleHTTPRequestHandler):
    api_origin = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        if not self.path.startswith(API):
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = urllib.request.Request(
            self.api_origin + self.path, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser closed at the end of a test


@dataclass(frozen=True)
class CmsSite:
    project: Path
    origin: str

    def admin(self) -> str:
        return f"{self.origin}/admin/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_cms(project: Path) -> Iterator[CmsSite]:
    result = run_build(project, "--drafts", "--no-search")
    assert result.returncode == 0, result.stderr
    site = project / "_site"
    port = _free_port()
    log = project.parent / "decap-server.log"
    env = clean_env(MODE="git", GIT_REPO_DIRECTORY=str(project), PORT=str(port), BIND_HOST="127.0.0.1")
    with log.open("w") as output:
        server_process = subprocess.Popen([NODE, str(DECAP_SERVER)], stdout=output, stderr=output, env=env)
    handler = type("Handler", (_Handler,), {"api_origin": f"http://127.0.0.1:{port}"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    # The editor finds decap-server on localhost:8081 by default; here it is on the site's own origin.
    config = site / "admin" / "config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlocal_backend: true\n" in text
    config.write_text(text.replace("\nlocal_backend: true\n", f"\nlocal_backend:\n  url: {origin}{API}\n"))
    try:
        wait_until(lambda: "listening" in log.read_text(), "decap-server to start", timeout=30)
        yield CmsSite(project, origin)
    finally:
        httpd.shutdown()
        httpd.server_close()
        server_process.terminate()
        if wait_for_exit([server_process.pid], timeout=10):
            server_process.kill()
        server_process.wait()


def needs_decap_server() -> bool:
    return DECAP_SERVER.is_file() and shutil.which("node") is not None and (REPO / "admin").is_dir()
