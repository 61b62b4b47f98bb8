"""`new` drafts, the weekly external-link check and "Last updated" dates from git."""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.check.external import unreachable_sources, url_failure
from tests.sample_site import REPO, clean_env, run_build
from tests.test_check import git, project, run_check


def run_new(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), "new", "--config", str(site / "site.yml"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=60, check=False)


@pytest.mark.parametrize("page_type", ["symptom", "condition", "guide", "policy"])
def test_new_draft_fails_check_only_on_its_placeholders(tmp_path: Path, page_type: str) -> None:
    site = project(tmp_path)
    made = run_new(site, "Carpal tunnel syndrome", "--type", page_type, "--folder", "conditions")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Wrote content/conditions/carpal-tunnel-syndrome.md")
    draft = site / "content" / "conditions" / "carpal-tunnel-syndrome.md"
    lines = draft.read_text().splitlines()
    assert "status: draft" in lines and 'title: "Carpal tunnel syndrome"' in lines
    result = run_check(site)
    assert result.returncode == 1
    errors = re.findall(
        r"^content/conditions/carpal-tunnel-syndrome\.md:(\d+)(?::\d+)?: error (\w+):", result.stdout, re.M
    )
    assert errors, result.stdout
    assert {code for _, code in errors} <= {"FM002", "FM001"}
    for line, _ in errors:
        assert "TODO" in lines[int(line) - 1], (line, lines[int(line) - 1])
    assert not re.search(r"^content/(?!conditions/carpal)", result.stdout, re.M), "other pages must stay clean"


def test_new_draft_with_placeholders_replaced_passes_check(tmp_path: Path) -> None:
    site = project(tmp_path)
    assert run_new(site, "Cold hands", "--type", "guide").returncode == 0
    draft = site / "content" / "cold-hands.md"
    text = draft.read_text()
    text = text.replace(
        '"TODO: say in one plain sentence what this page covers and who it is for."',
        "Why hands get cold and numb in winter, and simple ways to keep them warm.",
    )
    care = ("sudden-weakness", "getting-weaker", "the ache keeps coming back after a week")  # check_site's signs
    for placeholder, item in zip(re.findall(r'"TODO: [^"]*(?:ambulance|today|routine)[^"]*"', text), care, strict=True):
        text = text.replace(placeholder, item)
    for number, publisher in ((1, "NHS"), (2, "MedlinePlus")):
        text = text.replace(f'"TODO: the title of source {number}, as its page shows it"', f"Source {number}")
        text = text.replace(f'"TODO: who published source {number} (a name from publishers in site.yml)"', publisher)
        text = text.replace(f"https://TODO.invalid/source-{number}", f"https://www.example.org/{number}/")
    text = text.replace("TODO: write the section 'What to know' in short sentences.", "Cold makes fingers numb.")
    text = text.replace("TODO: write the section 'What you can do' in short sentences.", "Gloves keep them warm.")
    draft.write_text(text)
    result = run_check(site)
    assert "carpal" not in result.stdout
    assert result.returncode == 0, result.stdout
    assert "content/cold-hands.md" in result.stdout and "REV003" in result.stdout  # pending review is a warning


def test_new_refuses_to_overwrite_and_checks_its_input(tmp_path: Path) -> None:
    site = project(tmp_path)
    existing = run_new(site, "Wrist pain", "--type", "condition")
    assert existing.returncode == 2
    assert (
        existing.stderr.strip() == "error: content/wrist-pain.md already exists; choose another title or edit that file"
    )
    assert run_new(site, "Anything", "--type", "essay").returncode == 2
    unknown_topic = run_new(site, "Anything", "--type", "guide", "--topic", "feet")
    assert unknown_topic.returncode == 2 and "--topic must be one of: hands" in unknown_topic.stderr


class _Answer(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/no-head-ok") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_external_link_check_reports_pages_that_do_not_open(server: str, tmp_path: Path) -> None:
    assert url_failure(server + "/ok") is None
    assert url_failure(server + "/no-head") is None  # HEAD refused, GET works
    assert url_failure(server + "/gone") == "HTTP 404"
    closed = url_failure("http://127.0.0.1:9/", timeout=2)
    assert closed is not None and "refused" in closed.lower()

    from sitegen.read.config import load_config
    from sitegen.read.loader import load_article
    from sitegen.read.project import build_date

    site = project(tmp_path)
    config = load_config(site / "site.yml", "site.yml")
    article, problems = load_article(
        site / "content" / "wrist-pain.md", site / "content", "content/wrist-pain.md", config, build_date()
    )
    assert article is not None and not problems
    sources = (
        replace(article.meta.sources[0], url=server + "/ok"),
        replace(article.meta.sources[1], url=server + "/gone"),
    )
    moved = replace(article, source_path="content/wrist-pain.md", meta=replace(article.meta, sources=sources))
    (problem,) = unreachable_sources([moved])
    assert problem.code == "SRC004" and problem.line == 19
    assert problem.message == f"'b' does not open (HTTP 404): {server}/gone"


def _commit(repo: Path, message: str, date: str) -> None:
    env = clean_env(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    env.update(GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="T")
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


def last_updated(site: Path, page: str) -> str | None:
    html = (site / "_site" / page / "index.html").read_text()
    match = re.search(r'<dt>Last updated</dt>\s*<dd><time datetime="([0-9-]+)">', html)
    return match.group(1) if match else None


def test_last_updated_comes_from_each_files_last_commit(tmp_path: Path) -> None:
    site = project(tmp_path)
    shutil.copytree(REPO / "templates", site / "templates")
    shutil.copytree(REPO / "static", site / "static", dirs_exist_ok=True)
    subprocess.run(["git", "-C", str(site), "init", "-q", "-b", "main"], check=True)
    _commit(site, "first", "2024-07-01T12:00:00+00:00")
    wrist = site / "content" / "wrist-pain.md"
    wrist.write_text(wrist.read_text().replace("Wrist pain often", "Wrist pain usually"))
    _commit(site, "edit", "2024-08-15T12:00:00+00:00")
    assert run_build(site, "--no-search").returncode == 0
    assert last_updated(site, "wrist-pain") == "2024-08-15"
    assert last_updated(site, "guides/seeing-a-doctor") == "2024-07-01"
    assert '"dateModified":"2024-08-15"' in (site / "_site" / "wrist-pain" / "index.html").read_text()

    copy = tmp_path / "copy"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".git", "_site"))
    result = run_build(copy, "--no-search")
    assert result.returncode == 0 and result.stderr == ""
    assert last_updated(copy, "wrist-pain") is None

    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site}", str(shallow)], check=True)
    result = run_build(shallow, "--no-search")
    assert result.returncode == 0
    assert "content: warning: is in a shallow git clone, so pages show no 'Last updated' date" in result.stderr
    assert last_updated(shallow, "wrist-pain") is None
    git(site, "status")  # the original repository is untouched and still readable


def test_images_from_static_point_at_their_published_files(tmp_path: Path) -> None:
    site = project(tmp_path)
    shutil.copytree(REPO / "templates", site / "templates")
    shutil.copytree(REPO / "static", site / "static", dirs_exist_ok=True)
    assert run_build(site, "--no-search").returncode == 0
    html = (site / "_site" / "wrist-pain" / "index.html").read_text()
    match = re.search(r'<img alt="A wrist in a soft splint"[^>]* src="([^"]+)"', html)
    assert match is not None, html
    assert re.fullmatch(r"/assets/img/splint\.[0-9a-f]{10}\.svg", match.group(1))
    assert (site / "_site" / match.group(1).lstrip("/")).is_file()
