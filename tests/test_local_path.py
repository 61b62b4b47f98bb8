"""The local path CONTRIBUTING.md describes: `make check` and `make new` through the Makefile, hooks that run in
the project's virtual environment, and a preview that shows drafts marked as drafts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.sample_site import REPO, clean_env
from tests.test_check import project
from tests.test_serve import Preview

VENV = Path(sys.executable).parent.parent


def make(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real Makefile, run in a fixture project with this test run's virtual environment as its .venv
    (`-o` keeps make from installing into it)."""
    command = ["make", "--no-print-directory", "-C", str(site), f"VENV={VENV}", "-o", f"{VENV}/bin/.installed", *args]
    env = clean_env(PATH="/usr/bin:/bin")  # no virtual environment on PATH: the Makefile must find its own
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)


def make_project_with_makefile(tmp_path: Path) -> Path:
    site = project(tmp_path)
    shutil.copy(REPO / "Makefile", site)
    shutil.copy(REPO / "build.py", site)
    # A copy, not a link: build.py finds the project from where sitegen/ really is.
    shutil.copytree(REPO / "sitegen", site / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_make_check_and_make_new_work_as_written(tmp_path: Path) -> None:
    site = make_project_with_makefile(tmp_path)
    checked = make(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.endswith("Checked 3 files: no problems.\n")
    made = make(site, "new", "TITLE=Cold hands", "TYPE=guide", "FOLDER=guides")
    assert made.returncode == 0, made.stderr
    page = site / "content" / "guides" / "cold-hands.md"
    assert 'title: "Cold hands"' in page.read_text() and "status: draft" in page.read_text()
    one_file = make(site, "check", "FILES=content/guides/cold-hands.md")
    assert one_file.returncode == 2  # make's own code when the command fails: the placeholders are errors
    assert "content/guides/cold-hands.md:" in one_file.stdout and "FM002" in one_file.stdout
    assert "wrist-pain.md" not in one_file.stdout


def test_make_new_without_a_title_says_how(tmp_path: Path) -> None:
    site = make_project_with_makefile(tmp_path)
    result = make(site, "new")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        'make new: say the title, e.g. make new TITLE="Carpal tunnel syndrome" TYPE=condition FOLDER=conditions'
    )
    assert len(list((site / "content").rglob("*.md"))) == 3  # nothing written


def test_pre_commit_hooks_run_inside_the_virtual_environment() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert entries and all(entry.startswith(".venv/bin/") for entry in entries), entries


def test_preview_shows_drafts_marked_as_drafts_unless_told_not_to(project: Path) -> None:
    preview = Preview(project)
    try:
        status, _, body = preview.get("/guides/draft-page/")
        assert status == 200
        assert '<p class="notice notice-draft"><strong>Draft:</strong> this page is draft' in body
        assert '<meta name="robots" content="noindex">' in body
        assert any("Draft and in-review pages are shown" in line for line in preview.lines)
    finally:
        preview.stop()
    hidden = Preview(project, "--no-drafts")
    try:
        assert hidden.get("/guides/draft-page/")[0] == 404
    finally:
        hidden.stop()


def test_preview_writes_and_removes_redirects_as_pages_move(project: Path) -> None:
    preview = Preview(project)
    page = project / "content" / "numb-hands.md"
    original = page.read_text()
    try:
        assert preview.get("/old-hands/")[0] == 404
        page.write_text(original.replace("status: published\n", "status: published\nredirect_from: [/old-hands/]\n"))
        body = preview.wait_for_text("/old-hands/", "This page has moved")
        assert '<meta http-equiv="refresh" content="0; url=/numb-hands/">' in body
        page.write_text(original)  # the old address is given up again: its redirect page goes
        preview.wait_until(lambda: preview.get("/old-hands/")[0] == 404, "/old-hands/ gone")
    finally:
        preview.stop()
