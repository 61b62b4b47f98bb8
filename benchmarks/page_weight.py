"""Page weight: each page of the repository's site with its stylesheet, raw and gzipped, against the 60 KB budget.

Usage: python benchmarks/page_weight.py
Search (Pagefind's script, WebAssembly and index, loaded only on the search page) is excluded, as the budget says.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # a sibling script, not a package
from repo_site import build_repo_site

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work" / "page-weight"
BUDGET = 60 * 1024


def main() -> int:
    site = build_repo_site(WORK, "--no-search")
    css = next((site / "assets" / "css").glob("site.*.css")).read_bytes()
    rows = [
        "| Page | HTML (bytes) | With stylesheet (bytes) | With stylesheet, gzip (bytes) | Budget used |",
        "|---|---:|---:|---:|---:|",
    ]
    pages = sorted(p for p in site.rglob("index.html") if "topics" not in p.parts)
    for page in pages:
        html = page.read_bytes()
        total = len(html) + len(css)
        zipped = len(gzip.compress(html, mtime=0)) + len(gzip.compress(css, mtime=0))
        path = "/" + page.parent.relative_to(site).as_posix().removeprefix(".") + ("/" if page.parent != site else "")
        rows.append(f"| `{path.replace('//', '/')}` | {len(html):,} | {total:,} | {zipped:,} | {total / BUDGET:.0%} |")
    text = "\n".join(rows)
    print(text)
    report.update_section(
        "Page weight",
        "Command: `python benchmarks/page_weight.py`. Budget: an article page with its stylesheet under 60 KB "
        "(61,440 bytes) before compression, search excluded; the tests hold every article and the home page to it."
        "\n\n" + text,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
