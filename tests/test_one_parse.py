"""The line checks read code where Python-Markdown reads code (sitegen/read/code_lines.py), so `check` and the
rendered page agree about a body: each case here was a false report, or a missed one, before."""

from __future__ import annotations

from pathlib import Path

from sitegen.read.code_lines import code_line_offsets
from tests.test_check import BODY, page, project, run_check

# Body lines start at file line 18 in a case page.
LIST_PARAGRAPH = "- Rest helps.\n\n    Short breaks help too.{marker}"


def _check(tmp_path: Path, body: str) -> str:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(body), encoding="utf-8")
    result = run_check(site)
    return result.stdout + result.stderr


def test_a_source_cited_in_an_indented_list_paragraph_is_cited(tmp_path: Path) -> None:
    body = BODY.replace("[^b]", "") + "\n\n" + LIST_PARAGRAPH.format(marker="[^b]")
    output = _check(tmp_path, body)
    assert "SRC002" not in output, output
    assert "never cited" not in output, output


def test_an_unknown_source_in_an_indented_list_paragraph_is_reported_at_its_line(tmp_path: Path) -> None:
    body = BODY + "\n\n" + LIST_PARAGRAPH.format(marker="[^c]")
    output = _check(tmp_path, body)
    assert "content/case.md:22: error SRC001: [^c] cites a source that is not listed" in output, output


def test_a_marker_in_real_indented_code_is_not_a_citation(tmp_path: Path) -> None:
    body = BODY + "\n\n    [^c] is how a marker is written\n"
    assert "SRC001" not in _check(tmp_path, body)


def test_a_backtick_fence_holding_a_tilde_line_is_code_to_its_end(tmp_path: Path) -> None:
    code = "```\n~~~\nIt\\u2019s sore.\n```"
    assert "ESC001" not in _check(tmp_path, BODY + "\n\n" + code + "\n")
    # The same line outside code is still a leftover escape, at its own line.
    assert "content/case.md:20: error ESC001" in _check(tmp_path / "control", BODY + "\n\nIt\\u2019s sore.\n")


def test_code_lines_follow_the_parse() -> None:
    body = "Text\n\n- item\n\n    more of the item\n\nAfter.\n\n    real code\n    still code\n\n```\n~~~\nx\n```\n"
    assert code_line_offsets(body) == frozenset({8, 9, 11, 12, 13, 14})


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
