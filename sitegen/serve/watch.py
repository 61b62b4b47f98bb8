"""Which saved files matter to the preview, and waiting for them (watchfiles: inotify, debounced, in Rust)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import watchfiles

# Editor leftovers: vim swap and backup files and its 4913 write test, emacs lock and auto-save files, "~".
_EDITOR_TEMPORARY = re.compile(r"^(\..*\.sw[a-p]x?|.*~|4913|\.#.*|#.*#|\..*\.tmp|.*\.tmp)$")
_IGNORED_DIRS = {".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "node_modules", ".venv"}


class ChangeFilter:
    """True for changes that can alter the site: inside the watched paths, not editor or tool leftovers."""

    def __init__(self, watched: Iterable[Path], ignored: Iterable[Path]) -> None:
        self.watched = [path.resolve() for path in watched]
        self.ignored = [path.resolve() for path in ignored]

    def __call__(self, change: watchfiles.Change, raw_path: str) -> bool:
        path = Path(raw_path).resolve()
        if any(path == folder or path.is_relative_to(folder) for folder in self.ignored):
            return False
        if not any(path == target or path.is_relative_to(target) for target in self.watched):
            return False
        if _EDITOR_TEMPORARY.match(path.name):
            return False
        return not any(part in _IGNORED_DIRS for part in path.parts)


def changes(
    watched: Iterable[Path], ignored: Iterable[Path], stop: threading.Event, debounce_ms: int = 30
) -> Iterator[set[Path]]:
    """Batches of changed paths until `stop` is set. Saves made while the caller works on a batch are
    collected into the next one, so none is lost."""
    watched = [path for path in watched if path.exists()]
    change_filter = ChangeFilter(watched, ignored)
    roots = sorted({str(path if path.is_dir() else path.parent) for path in watched})
    for batch in watchfiles.watch(
        *roots, watch_filter=change_filter, stop_event=stop, debounce=debounce_ms, step=10, rust_timeout=200,
        yield_on_timeout=False, raise_interrupt=False,
    ):  # fmt: skip
        yield {Path(path) for _, path in batch}
