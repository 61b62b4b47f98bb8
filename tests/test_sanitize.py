"""Article bodies through the real Python-Markdown and nh3: what survives and what does not."""

from __future__ import annotations

import re

import pytest

from sitegen.render.markdown import BodyRenderer, RenderedBody


def render(body: str, base_path: str = "/") -> RenderedBody:
    result = BodyRenderer(base_path).render(body, ["a"], "a.md", 5)
    assert isinstance(result, RenderedBody)
    return result


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<form action="https://evil.example/"><input name="q"></form>',
        "<style>body{display:none}</style>",
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<img src="x.png" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](//evil.example/)",
        "[x](http://insecure.example/)",
        '<a href="  javascript:alert(1)">x</a>',
    ],
)
def test_dangerous_markup_is_removed(hostile: str) -> None:
    html = render(f"Before.\n\n{hostile}\n\nAfter.").html.lower()
    for marker in ("<script", "<iframe", "<object", "<embed", "<form", "<style", "<svg", "onerror", "onclick"):
        assert marker not in html
    for scheme in ("javascript:", "vbscript:", "data:", "//evil", "http://"):
        assert scheme not in html


def test_what_health_pages_need_survives() -> None:
    body = (
        "## Ice or heat\n\n## Ice or heat\n\n"
        "| Sign | Cause |\n|:--|--:|\n| a | b |\n\n"
        "*[GP]: General practitioner\n\nSee a GP.\n\n"
        "Term\n: Definition\n\n"
        "[mail](mailto:a@example.org) [phone](tel:111) [nhs](https://www.nhs.uk/) "
        "[page](/x/) [anchor](#ice-or-heat)\n\n"
        "```\ncode {{ x }}\n```\n\nCited.[^a]"
    )
    result = render(body)
    html = result.html
    assert '<h2 id="ice-or-heat">Ice or heat</h2>' in html and '<h2 id="ice-or-heat_1">' in html
    assert '<th align="left">Sign</th>' in html and "style=" not in html
    assert '<abbr title="General practitioner">GP</abbr>' in html
    assert "<dt>Term</dt>" in html
    for href in ("mailto:a@example.org", "tel:111", "https://www.nhs.uk/", "/x/", "#ice-or-heat"):
        assert f'href="{href}"' in html
    assert "<pre><code>code {{ x }}" in html
    assert '<sup class="cite" id="cite-a-1"><a aria-label="Source 1" href="#source-a"' in html
    assert [(entry.level, entry.id) for entry in result.toc] == [(2, "ice-or-heat"), (2, "ice-or-heat_1")]
    assert result.citations == (("a", 1),)


def test_site_relative_links_follow_the_base_path() -> None:
    html = render("[page](/x/) ![pic](/img/a.png) [rel](y/)", base_path="/preview/").html
    assert 'href="/preview/x/"' in html and 'src="/preview/img/a.png"' in html and 'href="y/"' in html


def test_heading_ids_ignore_source_markers_and_markup() -> None:
    result = render("## *Pins* & needles[^a]\n")
    assert result.toc[0].id == "pins-needles"
    assert result.toc[0].title == "Pins & needles"
    assert re.search(r'<h2 id="pins-needles">', result.html)


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    result = BodyRenderer("/").render("> " * 40 + "x", (), "content/a.md", 7)
    assert not isinstance(result, RenderedBody)
    assert result.format() == "content/a.md:7: is nested too deeply (use at most 20 levels of quotes and lists)"


def test_heading_text_keeps_angle_brackets_and_reads_raw_html() -> None:
    result = render("## Pain < 5 days > 2 hours\n\n## With <abbr>HTML</abbr> inside\n")
    assert [entry.title for entry in result.toc] == ["Pain < 5 days > 2 hours", "With HTML inside"]


@pytest.mark.parametrize(
    "hostile",
    [
        "[x](/\\evil.example/)",
        "[x](\\\\\\\\evil.example/)",
        "![x](/\\evil.example/x.png)",
        '<a href="\\\\evil.example/">x</a>',
        '<a href="/&#9;/evil.example/">x</a>',
        '<a href="/&#10;/evil.example/">x</a>',
        '<img src="/&#13;/evil.example/x.png" alt="x">',
    ],
)
def test_backslash_tab_and_newline_tricks_do_not_reach_another_site(hostile: str) -> None:
    """A browser reads a backslash as a slash and drops tabs and line breaks: each of these opens evil.example."""
    html = render(f"Before.\n\n{hostile}\n\nAfter.").html
    assert "evil" not in html and "href=" not in html and "src=" not in html


def test_editor_comments_are_not_published() -> None:
    html = render("Take it with food. <!-- note: check the dose with Dr Rao -->\n\n<!--\nblock note\n-->\n\nEnd.").html
    assert "<!--" not in html and "Dr Rao" not in html and "block note" not in html
    assert "Take it with food." in html and "End." in html
