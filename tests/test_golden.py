"""The sample site's built output must equal tests/golden/sample_site byte for byte.

After an intended change, regenerate with `python tests/sample_site.py` and review `git diff tests/golden`.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.sample_site import GOLDEN, run_build


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


# Every kind of page the build writes. Checked on the built output, so a regression that is "blessed" by
# regenerating the golden files (dropping the feed, publishing a draft) still fails here.
EVERY_KIND_OF_PAGE = {
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    "feed.xml",
    ".sitegen-output",
    "numb-hands/index.html",
    "neck-pain/index.html",
    "guides/seeing-a-doctor/index.html",
    "topics/index.html",
    "topics/hands/index.html",
    "topics/neck/index.html",
    "topics/empty/index.html",
}


def test_sample_site_matches_golden_output(project: Path) -> None:
    result = run_build(project, "--no-search")  # Pagefind's index is tested in a browser, not byte for byte
    assert result.returncode == 0, result.stderr
    built, golden = tree(project / "_site"), tree(GOLDEN)
    assert set(built) >= EVERY_KIND_OF_PAGE, sorted(EVERY_KIND_OF_PAGE - set(built))
    assert any(name.startswith("assets/css/site.") and name.endswith(".css") for name in built)
    assert not any(name.startswith("guides/draft-page") for name in built)  # drafts are not published
    assert sorted(built) == sorted(golden), "file list differs; run `python tests/sample_site.py` if intended"
    for name, data in golden.items():
        if built[name] != data:
            diff = difflib.unified_diff(
                data.decode().splitlines(),
                built[name].decode().splitlines(),
                f"golden/{name}",
                f"built/{name}",
                lineterm="",
            )
            raise AssertionError("\n".join(diff))
