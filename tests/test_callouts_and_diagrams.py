"""Callouts (`!!! warning`, `!!! info`), figures and the `{{ hand-map }}` diagram line, through the real
Python-Markdown, nh3 and the repository's Jinja partial."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.errors import Problem
from sitegen.render.markdown import BodyRenderer, RenderedBody
from sitegen.render.templates import Templates
from tests.sample_site import REPO

TEMPLATES = Templates(REPO / "templates", {}, REPO)


def render(body: str) -> RenderedBody | Problem:
    return BodyRenderer("/", {}, TEMPLATES.render).render(body, (), "a.md", 5)


def html_of(body: str) -> str:
    result = render(body)
    assert isinstance(result, RenderedBody), result
    return result.html


def test_warning_callout_is_a_named_note() -> None:
    html = html_of('Intro.\n\n!!! warning "Both hands numb"\n    Ask for an urgent GP appointment.\n')
    assert '<div aria-labelledby="callout-1" class="callout callout-warning" role="note">' in html
    assert '<p class="callout-title" id="callout-1">Both hands numb</p>' in html
    assert "<p>Ask for an urgent GP appointment.</p>" in html


def test_warning_without_a_title_says_important_and_inset_text_has_a_label() -> None:
    html = html_of("!!! warning\n    Careful.\n\n!!! info\n    Keep a diary.\n")
    assert '<p class="callout-title" id="callout-1">Important</p>' in html
    assert '<div aria-label="Information" class="callout callout-info" role="note">\n<p>Keep a diary.</p>' in html
    assert "admonition" not in html


def test_unknown_callout_kind_is_refused_at_its_line() -> None:
    problem = render("Text.\n\n!!! danger\n    Boo.\n")
    assert isinstance(problem, Problem)
    assert (problem.path, problem.line) == ("a.md", 7)
    assert "danger" in problem.message and "!!! warning" in problem.hint


@pytest.mark.parametrize(
    "forged",
    [
        '<div class="callout evil" role="button" aria-label="x" onclick="steal()">x</div>',
        '<div role="note" aria-labelledby="javascript:1" class="callout-title">x</div>',
        '<p id="main" class="callout-title">x</p>',
    ],
)
def test_raw_html_cannot_forge_other_classes_roles_or_ids(forged: str) -> None:
    html = html_of(f"Before.\n\n{forged}\n\nAfter.")
    assert "evil" not in html and "button" not in html and "onclick" not in html
    assert "javascript" not in html and 'id="main"' not in html and 'aria-label="x"' not in html


def test_hand_map_line_places_the_partial_with_a_name_description_and_text() -> None:
    html = html_of("Before.\n\n{{ hand-map }}\n\nAfter.\n\n{{ hand-map }}\n")
    assert html.count('<figure class="hand-map"') == 2
    svg = re.search(r'<svg role="img" aria-labelledby="hand-map-t" aria-describedby="hand-map-d"', html)
    assert svg, "the first map names itself by its <title> and <desc>"
    assert '<title id="hand-map-t">' in html and '<desc id="hand-map-d">' in html
    assert 'id="hand-map-2-t"' in html, "a second map on the page gets its own ids"
    assert html.count('class="hm-list"') == 2
    assert "sitegen-diagram" not in html


def test_hand_map_partial_stays_small() -> None:
    one = html_of("{{ hand-map }}\n")
    assert len(one.encode()) < 6 * 1024


def test_unknown_diagram_is_refused_at_its_line() -> None:
    problem = render("Text.\n\n{{ hand-mapp }}\n")
    assert isinstance(problem, Problem)
    assert problem.line == 7 and "hand-mapp" in problem.message and "{{ hand-map }}" in problem.hint


def test_diagram_lines_in_code_or_inside_sentences_stay_text() -> None:
    html = html_of("```\n{{ hand-map }}\n```\n\nSay {{ hand-map }} in a sentence.\n\n{{ 7*7 }}\n")
    assert "<svg" not in html
    assert "{{ hand-map }}" in html and "{{ 7*7 }}" in html


def test_a_guessed_token_in_the_text_is_not_replaced() -> None:
    html = html_of("sitegen-diagram-0-1\n\n<p>sitegen-diagram-x-1</p>\n")
    assert "<svg" not in html


def test_an_image_with_a_caption_line_becomes_a_figure() -> None:
    html = html_of("![A wrist splint](/img/splint.png)\nA splint keeps the *wrist* straight.\n")
    assert html == (
        '<figure><img alt="A wrist splint" decoding="async" loading="lazy" src="/img/splint.png">'
        "<figcaption>A splint keeps the <em>wrist</em> straight.</figcaption></figure>"
    )


def test_an_image_inside_a_sentence_stays_inline() -> None:
    html = html_of("See ![a splint](/img/splint.png) here.\n")
    assert "<figure>" not in html and 'loading="lazy"' not in html


def test_the_real_partial_is_the_one_rendered(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "hand-map.html").write_text('<figure class="hand-map" id="{{ id }}">x</figure>\n')
    other = Templates(tmp_path, {}, tmp_path)
    result = BodyRenderer("/", {}, other.render).render("{{ hand-map }}\n", (), "a.md", 1)
    assert isinstance(result, RenderedBody)
    assert '<figure class="hand-map" id="hand-map">x</figure>' in result.html
