"""Static assets: copied with a content hash in their names, so a changed file is never served stale."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem

ASSETS_URL_DIR = "assets"
MAX_ASSET_BYTES = 5_000_000
HASH_LENGTH = 10


@dataclass(frozen=True)
class Asset:
    source: Path
    name: str  # logical name templates use, e.g. "css/site.css"
    output_path: str  # e.g. "assets/css/site.1a2b3c4d5e.css"


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


def collect_assets(static_dir: Path, shown_root: Path, hashed: bool = True) -> tuple[list[Asset], list[Problem]]:
    assets: list[Asset] = []
    problems: list[Problem] = []
    if not static_dir.is_dir():
        return assets, problems
    for folder, dirnames, filenames in os.walk(static_dir, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if (Path(folder) / d).is_symlink()]:
            path = Path(folder) / name
            shown = path.relative_to(shown_root).as_posix()
            if name.startswith("."):
                continue
            if path.is_symlink():
                problems.append(Problem(shown, 0, "", "is a symbolic link", "replace the link with a real file"))
                continue
            size = path.stat().st_size
            if size > MAX_ASSET_BYTES:
                problems.append(
                    Problem(
                        shown, 0, "", f"is too large ({size} bytes, limit {MAX_ASSET_BYTES})", "compress or resize it"
                    )
                )
                continue
            logical = path.relative_to(static_dir).as_posix()
            output = f"{ASSETS_URL_DIR}/{hashed_name(logical, path.read_bytes()) if hashed else logical}"
            assets.append(Asset(path, logical, output))
    return assets, problems
