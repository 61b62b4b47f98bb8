"""This repository's own site, copied into a benchmark work folder and built there (never into the tree)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_repo_site(work: Path, *build_args: str) -> Path:
    """Copy content, templates, static and site.yml into `work`/project, build it, return its _site folder."""
    if work.exists():
        shutil.rmtree(work)
    project = work / "project"
    project.mkdir(parents=True)
    for folder in ("content", "templates", "static", "rules"):
        shutil.copytree(REPO / folder, project / folder)
    shutil.copy(REPO / "site.yml", project / "site.yml")
    command = [sys.executable, str(REPO / "build.py"), "--config", str(project / "site.yml"), *build_args]
    subprocess.run(command, check=True, capture_output=True)
    return project / "_site"
