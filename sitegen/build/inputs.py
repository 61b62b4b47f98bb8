"""What a build reads, digested: one key for everything whose change needs a full build, and a digest per content
file and template, whose changes the incremental build follows page by page (sitegen/build/cache.py)."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sitegen
from sitegen.read.project import (
    ADMIN_DIR,
    SHARD_PAGES_SETTING,
    BuildOptions,
    History,
    Paths,
    build_date,
    content_history,
)

FORMAT = 4  # bump when what the cache stores changes shape
RACY_NS = 2_000_000_000  # a file changed this close before a build read it is read again by the next one


@dataclass
class Stamps:
    """What the last build saw of each content file (size, modification and change times, inode) and the digest
    of its bytes, so this build reads again only the files whose stamp moved, as git does. The change time cannot
    be set back by hand, and a file changed within two seconds before the last build read it is read again: a
    second save within one tick of the file system's clock would not have moved its stamp."""

    last: dict[str, list[Any]] = field(default_factory=dict)
    last_read_ns: int = 0
    seen: dict[str, list[Any]] = field(default_factory=dict)  # this build's, for the next one
    read_ns: int = field(default_factory=time.time_ns)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Stamps:
        last, read_ns = data.get("stamps"), data.get("read_ns")
        if isinstance(last, dict) and isinstance(read_ns, int):
            return cls(last, read_ns)
        return cls()

    def digest(self, name: str, path: str) -> str:
        stat = os.stat(path)  # noqa: PTH116 (speed, as in _digests)
        stamp: list[Any] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        last = self.last.get(name)
        if last is not None and last[:4] == stamp and stat.st_ctime_ns < self.last_read_ns - RACY_NS:
            digest = str(last[4])
        else:
            digest = _digest_of(path)
        self.seen[name] = [*stamp, digest]
        return digest


@dataclass(frozen=True)
class Inputs:
    key: str  # everything a change of which needs a full build
    content: dict[str, str]  # file inside content/ -> digest of its bytes
    templates: dict[str, str]
    history: History | None = None  # content_history(paths), read for the key and handed to a full build
    stamps: Stamps | None = None  # how the content files were seen, for the next build


def read_inputs(paths: Paths, options: BuildOptions, stamps: Stamps | None = None) -> Inputs:
    """Digests of every input. Content and templates are kept file by file (the preview's tracking decides what a
    change to one of them touches); everything else goes into one key. `stamps` saves reading content files the
    last build saw unchanged."""
    whole = hashlib.sha256()
    history = content_history(paths)
    folders: list[str] = []  # the form editor has one collection per folder
    stamps = stamps or Stamps()
    content = _digests(paths.content_dir, folders, stamps)
    for part in (
        f"format {FORMAT}",
        f"sitegen {sitegen.__version__}",
        repr(
            (
                options.base_url,
                options.drafts,
                options.hash_assets,
                options.search,
                os.environ.get(SHARD_PAGES_SETTING, ""),
            )
        ),
        build_date().isoformat(),
        str(paths.out_dir.resolve()),
        str(paths.content_dir.resolve()),
        str(paths.templates_dir.resolve()),
        repr(history[0]),
        repr(sorted(folders)),
    ):
        whole.update(part.encode() + b"\0")
    code = Path(sitegen.__file__).parent
    for folder in (code, paths.static_dir, paths.project_root / "rules", paths.project_root / ADMIN_DIR):
        for name, digest in sorted(_digests(folder).items()):
            whole.update(f"{folder.name}/{name}={digest}\0".encode())
    config = paths.config_file
    whole.update(hashlib.sha256(config.read_bytes()).hexdigest().encode() if config.is_file() else b"-")
    return Inputs(whole.hexdigest(), content, _digests(paths.templates_dir), history, stamps)


def _digests(folder: Path, folders: list[str] | None = None, stamps: Stamps | None = None) -> dict[str, str]:
    """Each file under `folder` -> a digest of its bytes, and each folder below it into `folders` when given.
    Plain strings rather than Path objects: at 10,000 pages this walk is most of a build that finds nothing to do."""
    found: dict[str, str] = {}
    root = str(folder)
    for directory, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        if folders is not None:
            folders += [prefix + name for name in subfolders]
        for name in files:
            path = os.path.join(directory, name)  # noqa: PTH118 (speed, above)
            try:
                found[prefix + name] = stamps.digest(prefix + name, path) if stamps else _digest_of(path)
            except OSError:
                found[prefix + name] = "unreadable"
    return found


def _digest_of(path: str) -> str:
    with open(path, "rb") as file:  # noqa: PTH123 (speed, as in _digests)
        return hashlib.sha256(file.read()).hexdigest()


def changed_files(paths: Paths, before: Inputs, now: Inputs) -> list[Path]:
    """Content files and templates added, removed or edited since the last build."""
    changed = []
    for folder, old, new in (
        (paths.content_dir, before.content, now.content),
        (paths.templates_dir, before.templates, now.templates),
    ):
        changed += [folder / name for name in sorted(old.keys() | new.keys()) if old.get(name) != new.get(name)]
    return changed
