"""Leftover escapes from scraped text (`\\n`, `\\u2019`, `patientu2019s`, `&amp;`) are errors in any article."""

from __future__ import annotations

import re

from sitegen.errors import Problem
from sitegen.model import Article
from sitegen.render.parsed import ParsedBody

_LEFTOVER = re.compile(
    r"\\[nrt](?![a-z])|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}"
    r"|(?<=[A-Za-z])u20(?:1[3489cdCD]|26)(?=[A-Za-z .,;])"
    r"|&(?:amp|nbsp|quot|apos|lt|gt|#\d{2,5}|#x[0-9a-fA-F]{2,4});|\ufffd"
)
_MARKERS = ("\\", "&", "u20", "\ufffd")  # every leftover contains one of these: a cheap first look


def field_escapes(article: Article, shown_as: str) -> list[Problem]:
    problems: list[Problem] = []
    for field in ("title", "summary"):
        match = _LEFTOVER.search(getattr(article.meta, field))
        if match:
            problems.append(_problem(shown_as, article.line_of(field), field, match.group()))
    return problems


def body_escapes(article: Article, parsed: ParsedBody, shown_as: str) -> list[Problem]:
    """Leftovers in the body's text and raw HTML; code, where a backslash is meant, is not read."""
    if not any(marker in article.body for marker in _MARKERS):
        return []
    return [
        _problem(shown_as, line.line, "", match.group())
        for block in parsed.blocks
        for line in block.lines
        if (match := _LEFTOVER.search(line.text))
    ]


def _problem(shown_as: str, line: int, field: str, found: str) -> Problem:
    shown = found.encode("unicode_escape").decode() if found == "\ufffd" else found
    return Problem(
        shown_as,
        line,
        field,
        f"contains the leftover escape '{shown}'",
        "replace it with the character it stands for (a new line, ’, &, a space)",
        code="ESC001",
    )
