"""The sample site used by the tests, and the command that regenerates its golden output.

python tests/sample_site.py        # rebuild tests/golden/sample_site from the fixture; review with git diff
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "sample_site"
GOLDEN = REPO / "tests" / "golden" / "sample_site"
# 2025-03-01T12:00:00Z: a fixed "today" so review-date rules and output never depend on the clock.
FIXED_EPOCH = "1740830400"


def make_project(target: Path, content: Path | None = None) -> Path:
    """A project folder: the fixture's site.yml, rules and content (or `content`), the repository's templates and
    static."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(FIXTURE / "site.yml", target / "site.yml")
    shutil.copytree(content or FIXTURE / "content", target / "content", symlinks=True)
    shutil.copytree(FIXTURE / "rules", target / "rules")  # the fixture's warning signs, not the live site's
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "SOURCE_DATE"))}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    env.update(extra)
    return env


def run_build(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a subprocess, on a project folder."""
    command = [sys.executable, str(REPO / "build.py"), *args, "--config", str(project / "site.yml")]
    return subprocess.run(command, capture_output=True, text=True, env=env or clean_env(), timeout=120, check=False)


def regenerate_golden() -> None:
    work = REPO / "tests" / ".golden-work"
    if work.exists():
        shutil.rmtree(work)
    project = make_project(work)
    result = run_build(project, "--no-search")
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    shutil.copytree(project / "_site", GOLDEN)
    shutil.rmtree(work)
    print(f"Golden output written to {GOLDEN.relative_to(REPO)}; review it with: git diff --stat tests/golden")


if __name__ == "__main__":
    regenerate_golden()
