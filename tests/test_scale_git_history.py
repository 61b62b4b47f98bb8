"""`git log` over the content folder (the pages' "Last updated" dates) runs once per cached build: the build reads
it for its cache key (sitegen/build/cache.py) and hands it to the full build, which would otherwise read it again.
On a FIXTURE site in its own git repository, with a `git` on PATH that records each call before running the real
one, and the dates still reach the pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sample_site import clean_env, make_project, run_build

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def recording_git(folder: Path, log: Path) -> Path:
    """A folder holding a `git` that appends its arguments to `log`, then runs the real git."""
    folder.mkdir()
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{GIT}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


def commit_all(project: Path) -> None:
    env = clean_env(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
        GIT_AUTHOR_DATE="2025-01-15T12:00:00Z",
        GIT_COMMITTER_DATE="2025-01-15T12:00:00Z",
    )
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Site"]):
        subprocess.run([str(GIT), "-C", str(project), *command], env=env, check=True, timeout=60)


@needs_git
def test_a_cached_full_build_reads_the_git_history_once(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    commit_all(project)
    log = tmp_path / "git-calls.txt"
    bin_dir = recording_git(tmp_path / "bin", log)
    env = clean_env(XDG_CACHE_HOME=str(tmp_path / "user-cache"))
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"

    result = run_build(project, "--no-search", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Built")
    history_reads = [line for line in log.read_text(encoding="utf-8").splitlines() if line.split()[2] == "log"]
    assert len(history_reads) == 1, history_reads
    assert "2025-01-15" in (project / "_site" / "numb-hands" / "index.html").read_text(encoding="utf-8")

    log.unlink()
    again = run_build(project, "--no-search", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1].startswith("Nothing changed")
    assert len([line for line in log.read_text(encoding="utf-8").splitlines() if line.split()[2] == "log"]) == 1
