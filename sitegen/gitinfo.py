"""What git knows about the project: files changed since a ref (for `check --changed-since`) and each
content file's last commit date ("Last updated"). Everything degrades quietly without git or history."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def repository_root(path: Path) -> Path | None:
    out = _git(path, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


def is_shallow(root: Path) -> bool:
    return (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"


def changed_files(root: Path, ref: str) -> set[Path] | None:
    """Absolute paths of files changed since `ref` (committed, staged, unstaged or untracked); None if the
    ref or the repository cannot be read."""
    top = repository_root(root)
    if top is None or _git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}") is None:
        return None
    diff = _git(top, "diff", "--name-only", "--no-renames", ref, "--")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard")
    if diff is None or untracked is None:
        return None
    return {(top / name).resolve() for name in (diff + untracked).splitlines() if name}


def last_commit_dates(top: Path, folder: Path) -> dict[Path, dt.date]:
    """Each file under `folder` (inside the repository at `top`) -> the date of the last commit that changed
    it, from one `git log` pass. The caller rules out shallow clones, whose dates would all be the clone's."""
    out = _git(top, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", str(folder.resolve()))
    if out is None:
        return {}
    dates: dict[Path, dt.date] = {}
    day: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("\x00"):
            day = dt.date.fromisoformat(line[1:])
        elif line and day is not None:
            dates.setdefault((top / line).resolve(), day)  # the log is newest first
    return dates
