"""netlify.toml, the deploy-preview host's configuration, tested offline: it parses, its build command (after the
install, which needs PyPI) really builds the fixture site with drafts into the published folder, with the preview
address as the base URL and the `_headers` file Netlify reads, and production and branch builds are skipped.
Netlify's own CLI is not used: it is a large npm package that needs an account for `netlify build`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from tests.sample_site import FIXED_EPOCH, REPO, make_project

PREVIEW = "https://deploy-preview-4--example-preview.netlify.app"


def config() -> dict[str, Any]:
    with (REPO / "netlify.toml").open("rb") as file:
        return tomllib.load(file)


def shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_build_command_builds_the_site_with_drafts_into_the_published_folder(tmp_path: Path) -> None:
    settings = config()
    install, build = settings["build"]["command"].split(" && ")
    assert install == "python -m pip install --quiet ."  # the project and its pinned dependencies, from PyPI
    project = make_project(tmp_path / "checkout")
    shutil.copy2(REPO / "build.py", project / "build.py")
    shutil.copytree(REPO / "sitegen", project / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (tmp_path / "bin" / "python").chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(settings["build"]["environment"])
    env.update(
        PATH=f"{tmp_path / 'bin'}:{env['PATH']}",
        CONTEXT="deploy-preview",
        DEPLOY_PRIME_URL=PREVIEW,
        SOURCE_DATE_EPOCH=FIXED_EPOCH,
    )
    result = shell(build, project, env)
    assert result.returncode == 0, result.stderr
    published = project / settings["build"]["publish"]
    assert (published / "index.html").is_file()
    draft = (published / "guides" / "draft-page" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{PREVIEW}/guides/draft-page/">' in draft
    headers = (published / "_headers").read_text(encoding="utf-8").splitlines()
    assert headers[0] == "/*"  # Netlify's format: a path, then indented "Name: value" lines
    assert all(line.startswith("  ") and ": " in line for line in headers[1:] if line)
    assert any(line.strip().startswith("Content-Security-Policy: default-src 'none'") for line in headers)


def test_only_pull_requests_are_built() -> None:
    settings = config()
    for context in ("production", "branch-deploy"):
        ignore = settings["context"][context]["ignore"]
        assert shell(ignore, REPO, dict(os.environ)).returncode == 0  # exit 0: Netlify skips the build
    assert "deploy-preview" not in settings.get("context", {})
