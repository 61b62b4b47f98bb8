"""Front matter from a fuzzer: whatever an editor types between the `---` lines, reading the article gives either
an Article or problems, each one line naming the file and a line (>= 1) in it. Never a traceback.

Examples the fuzzer found are kept below as plain regression tests.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.errors import Problem
from sitegen.model import SiteConfig
from sitegen.read.config import load_config
from sitegen.read.loader import load_article
from sitegen.read.yaml_tree import Mapping, Scalar, YamlError, parse
from tests.sample_site import FIXTURE, make_project, run_build

SHOWN = "content/fuzzed.md"
VALID = (FIXTURE / "content" / "neck-pain.md").read_text()
VALID_FRONT_MATTER = VALID.split("---\n")[1]
BODY = VALID.split("---\n", 2)[2]
UNBUILT = ("draft", "in-review", "retired")

# Pieces of YAML an editor (or a paste) might produce: every indicator, flow and block style, tags, anchors, and
# the field names and values the schema knows.
FRAGMENTS = [
    *(f"{name}:" for name in ("title", "type", "status", "summary", "topics", "about", "care", "authors", "sources")),
    *("date_published:", "last_reviewed:", "next_review_due:", "related:", "slug:", "reviewers:", "image:"),
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|",
    ">",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "%YAML 1.2",
    "---",
    "...",
    "\t",
    "  ",
    "    ",
    "\\",
    "\x00",
    "\ufeff",
    "é",
    "null",
    "~",
    "no",
    "1.10",
    "2025-02-30",
    "2024-06-01",
    "published",
    "condition",
    "[neck, hands]",
    "{name: x}",
    "{id: a, url: 'https://x.example/'}",
    "<b>",
    "[^a]",
    "999",
    "? [a, b]: x",
    "? {a: b}",
    "-",
    "a: b: c",
    "x" * 300,
]
fragment_lines = st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=6).map("".join)


@pytest.fixture(scope="module")
def config() -> SiteConfig:
    return load_config(FIXTURE / "site.yml", "site.yml")


def read(tmp_path: Path, config: SiteConfig, text: str) -> tuple[object, list[Problem]]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    path = content / "fuzzed.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return load_article(path, content, SHOWN, config, dt.date(2025, 3, 1))


def assert_article_or_located_problems(article: object, problems: list[Problem], text: str) -> None:
    if article is not None:
        assert problems == []
        return
    if not problems:  # only an unpublished article is skipped without a word
        root = parse(text.split("---\n")[1], first_line=2)
        assert isinstance(root, Mapping)
        status = {key.value: value for key, value in root.items}["status"]
        assert isinstance(status, Scalar) and status.value.strip() in UNBUILT
        return
    last_line = text.count("\n") + 1
    for problem in problems:
        assert problem.path == SHOWN
        assert 1 <= problem.line <= last_line, problem
        line = problem.format()
        assert "\n" not in line and "Traceback" not in line, line
        assert line.startswith(f"{SHOWN}:{problem.line}: "), line


def as_article(front_matter: str) -> str:
    return f"---\n{front_matter}\n---\n{BODY}"


def fuzz_settings() -> settings:
    """100 fixed examples per test in the suite; SITEGEN_FUZZ_EXAMPLES=5000 explores new ones (random seed)."""
    explore = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "0"))
    return settings(
        max_examples=explore or 100,
        derandomize=not explore,
        deadline=None,
        database=None,  # nothing written into the checkout
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@fuzz_settings()
@given(front_matter=st.text(max_size=200))
@example(front_matter="? [a, b]: x")
@example(front_matter="\x00")
def test_arbitrary_text_as_front_matter(tmp_path: Path, config: SiteConfig, front_matter: str) -> None:
    text = as_article(front_matter)
    assert_article_or_located_problems(*read(tmp_path, config, text), text)


@fuzz_settings()
@given(lines=st.lists(fragment_lines, max_size=8))
def test_yaml_fragments_as_front_matter(tmp_path: Path, config: SiteConfig, lines: list[str]) -> None:
    text = as_article("\n".join(lines))
    assert_article_or_located_problems(*read(tmp_path, config, text), text)


@fuzz_settings()
@given(
    position=st.integers(min_value=0, max_value=VALID_FRONT_MATTER.count("\n")),
    inserted=fragment_lines,
    replace=st.booleans(),
)
def test_a_valid_front_matter_with_one_line_broken(
    tmp_path: Path, config: SiteConfig, position: int, inserted: str, replace: bool
) -> None:
    lines = VALID_FRONT_MATTER.rstrip("\n").split("\n")
    lines[position : position + replace] = [inserted]
    text = as_article("\n".join(lines))
    assert_article_or_located_problems(*read(tmp_path, config, text), text)


# ----- regression examples, as plain tests


@pytest.mark.parametrize(
    ("yaml_text", "line"),
    [
        ("? [a, b]: x\n", 2),  # audit survivor 8: a flow-sequence key
        ("title: t\n? {a: b}\n: x\n", 3),  # a mapping as a key
        ("? - a\n  - b\n: x\n", 2),  # a block sequence as a key
    ],
)
def test_a_complex_key_is_a_one_line_problem(yaml_text: str, line: int) -> None:
    with pytest.raises(YamlError) as raised:
        parse(yaml_text, first_line=2)
    assert (raised.value.line, raised.value.message, raised.value.hint) == (
        line,
        "a key must be plain text",
        "write keys as simple words",
    )


def test_a_complex_key_in_an_article_fails_the_build_with_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    assert run_build(project).returncode == 0
    before = (project / "_site" / "neck-pain" / "index.html").read_bytes()
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("type: condition\n", "type: condition\n? [a, b]: x\n"))
    result = run_build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # The page's own problem first; its links from other pages then also break.
    assert (
        result.stderr.splitlines()[0] == "content/neck-pain.md:4: a key must be plain text (write keys as simple words)"
    )
    assert (project / "_site" / "neck-pain" / "index.html").read_bytes() == before
