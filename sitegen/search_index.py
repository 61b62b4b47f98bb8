"""The site's search index, written by Pagefind (a Rust binary shipped in the `pagefind-bin` wheel) into
the staging folder, so search works offline and under the CSP: no server and no other origin."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sitegen.errors import Problem

SEARCH_BUNDLE_DIR = "pagefind"


def pagefind_binary() -> Path | None:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def index_site(site_dir: Path) -> Problem | None:
    """Index every page marked `data-pagefind-body` in `site_dir`; a Problem if Pagefind is missing or fails."""
    binary = pagefind_binary()
    if binary is None:
        return Problem(
            "pagefind", 0, "", "is not installed", "run `pip install -e .` (it needs pagefind-bin), or use --no-search"
        )
    result = subprocess.run(
        [str(binary), "--site", str(site_dir), "--output-subdir", SEARCH_BUNDLE_DIR, "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        return Problem("pagefind", 0, "", f"could not build the search index ({detail})", "run the build again")
    return None
