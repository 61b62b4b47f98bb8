"""What git knows about the project: files changed since a ref (for `check --changed-since`) and each
content file's last commit date ("Last updated"). Everything degrades quietly without git or history."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
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


def last_commit_dates(top: Path, folder: Path, authored: bool = False) -> dict[Path, dt.date]:
    """Each file under `folder` (inside the repository at `top`) -> the date of the last commit that changed
    it, from one `git log` pass (the day it was committed, or with `authored` the day it was written). The
    caller rules out shallow clones, whose dates would all be the clone's."""
    day_format = "%x00%as" if authored else "%x00%cs"
    out = _git(top, "log", f"--format={day_format}", "--name-only", "--no-renames", "--", str(folder.resolve()))
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


@dataclass(frozen=True)
class Version:
    """One committed version of a file: the commit, the day it was written (author date) and the file's name then."""

    commit: str
    day: dt.date
    name: str


def file_versions(top: Path, path: Path) -> list[Version]:
    """Every commit that changed `path`, newest first, following renames."""
    out = _git(top, "log", "--follow", "--format=%x00%H %as", "--name-only", "--", str(path.resolve()))
    versions: list[Version] = []
    head: tuple[str, dt.date] | None = None
    for line in (out or "").splitlines():
        if line.startswith("\x00"):
            commit, day = line[1:].split(" ")
            head = (commit, dt.date.fromisoformat(day))
        elif line and head is not None:
            versions.append(Version(head[0], head[1], line))
            head = None
    return versions


def file_at(top: Path, version: Version) -> str | None:
    """The file's text in that commit (None if git cannot show it)."""
    return _git(top, "show", f"{version.commit}:{version.name}")
