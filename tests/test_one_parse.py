"""`check` and the build read a body as Python-Markdown renders it, not with line scanners of their own
(issue 15): each case is a Markdown form the old scanners missed, on a fixture site."""

from __future__ import annotations

from pathlib import Path

from tests.test_check import BODY, page, project, run_check

LINK_KINDS_BODY = (
    BODY + "\n"  # line 18
    "\n"
    "See [the guide][guide] and <https://www.nhs.uk/>.\n"  # line 20
    "\n"
    'Or <a href="/missing-raw/">this page</a>.\n'  # line 22
    "\n"
    "[guide]: /missing-reference/\n"  # line 24
)


def test_every_kind_of_link_is_checked(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(LINK_KINDS_BODY))
    result = run_check(site)
    found = [line.split(", which")[0] for line in result.stdout.splitlines() if "LNK001" in line]
    assert found == [
        "content/case.md:22:13: error LNK001: links to /missing-raw/",
        "content/case.md:24:10: error LNK001: links to /missing-reference/",
    ], result.stdout
