"""Every check reads a body from the one parse that renders it (sitegen/render/parsed.py), so `check`, `build`
and the rendered page agree about a body: each case here was a false report, or a missed one, before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitegen.render import parsed
from sitegen.render.markdown import BodyRenderer, RenderedBody
from tests.sample_site import REPO, clean_env, make_project, run_build
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


def _render(body: str, sources: tuple[str, ...] = ()) -> RenderedBody:
    rendered = BodyRenderer("/").render(body, sources, "page.md", 10)
    assert isinstance(rendered, RenderedBody), rendered
    return rendered


def test_blocks_come_from_the_parse_with_their_lines_and_code_left_out() -> None:
    body = (
        "Text\n\n- item\n\n    more of the item\n\n> quoted\n> on\n\n    real code\n\n```\n~~~\nx\n```\n"
        "| A | B |\n|---|---|\n| c | d |\n"
    )
    blocks = _render(body).parsed.blocks
    assert [(block.kind, block.line, block.text) for block in blocks] == [
        (parsed.PARAGRAPH, 10, "Text"),
        (parsed.ITEM, 12, "item"),
        (parsed.PARAGRAPH, 14, "more of the item"),
        (parsed.PARAGRAPH, 16, "quoted on"),
        (parsed.ROW, 25, "A | B"),
        (parsed.ROW, 27, "c | d"),
    ]
    assert [(line.line, line.column) for line in blocks[3].lines] == [(16, 3), (17, 3)]


def test_sources_are_numbered_in_reading_order_from_the_tree() -> None:
    rendered = _render("First [^b].\n\n    code [^a]\n\nThen [^a] and [^b].\n", ("a", "b", "c"))
    assert rendered.numbers == {"b": 1, "a": 2, "c": 3}
    assert [(marker.value, marker.line, marker.column) for marker in rendered.parsed.citations] == [
        ("b", 10, 7),
        ("a", 14, 6),
        ("b", 14, 15),
    ]
    assert '<a aria-label="Source 2" href="#source-a"' in rendered.html
    assert "data-source" not in rendered.html


def test_a_paragraph_repeated_in_a_quote_is_a_duplicate(tmp_path: Path) -> None:
    repeated = "Wearing a wrist splint at night keeps the wrist straight and eases the tingling for many people."
    output = _check(tmp_path, BODY + "\n\n" + repeated + "\n\n> " + repeated + "\n")
    assert "content/case.md:22: error DUP001: duplicates: repeats line 20" in output, output


def test_raw_html_images_and_markdown_images_meet_one_alt_text_rule(tmp_path: Path) -> None:
    body = BODY + '\n\n<div><img src="/img/a.png"></div>\n\nSee ![](/img/b.png).\n'
    lines = [line for line in _check(tmp_path, body).splitlines() if "IMG002" in line]
    assert [line.split(": error")[0] for line in lines] == ["content/case.md:20:6", "content/case.md:22:5"], lines


def test_check_and_build_report_the_same_body_problem(tmp_path: Path) -> None:
    """Both read the same parse: a marker in a quoted list paragraph is one mistake, told the same way."""
    site = make_project(tmp_path / "site")
    page_file = site / "content" / "neck-pain.md"
    page_file.write_text(page_file.read_text(encoding="utf-8") + "\n> - Rest.\n>\n>     More rest.[^nope]\n")
    command = [sys.executable, str(REPO / "build.py"), "check", "--config", str(site / "site.yml")]
    checked = subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=120, check=False)
    found = [line for line in checked.stdout.splitlines() if "SRC001" in line]
    built = run_build(site, "build", "--no-search")
    assert len(found) == 1 and "[^nope]" in found[0], checked.stdout
    where, message = found[0].split(": error SRC001: ")
    assert f"{where}: {message}" in built.stdout + built.stderr, built.stdout + built.stderr
    assert built.returncode != 0 and not (site / "_site").exists()
