"""Triage checks: every clinical page has all three care cards, and no sentence gives a listed warning sign
(rules/red-flags.yml) a different urgency from the one the whole site gives it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.errors import Problem
from sitegen.model import URGENCIES, Article, RedFlag
from sitegen.read.red_flags import advice_levels, flags_in, label
from sitegen.render import parsed

CLINICAL_TYPES = ("symptom", "condition", "guide")
CARD_NAMES = {
    "emergency": "emergency (call now)",
    "urgent": "urgent (same day)",
    "non_urgent": "non-urgent (see a GP)",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKER = re.compile(r"\[\^[^\]]*\]")


@dataclass(frozen=True)
class Statement:
    """A sentence, a list item with the sentence that leads into it, or a table row, with its file line."""

    line: int
    text: str


def care_card_problems(article: Article, shown: str) -> list[Problem]:
    if article.meta.type not in CLINICAL_TYPES:
        return []
    care = article.meta.care
    line = article.line_of("care") if care is not None else article.line_of("type")
    missing = [name for name in URGENCIES if care is None or not getattr(care, name)]
    return [
        Problem(
            shown,
            line,
            f"care.{name}",
            f"is missing: every {article.meta.type} page needs the {CARD_NAMES[name]} care card",
            f"add '{name}:' under care with the signs from rules/red-flags.yml that fit this page",
            code="CARE001",
        )
        for name in missing
    ]


def triage_problems(body: parsed.ParsedBody, shown: str, flags: tuple[RedFlag, ...]) -> list[Problem]:
    problems = []
    for statement in statements(body):
        given = advice_levels(statement.text)
        if not given:
            continue
        for flag in flags_in(statement.text, flags):
            if flag.urgency not in given:
                advice = " and ".join(label(level) for level in URGENCIES if level in given)
                problems.append(
                    Problem(
                        shown,
                        statement.line,
                        "",
                        f"gives '{flag.id}' {advice} advice, but rules/red-flags.yml makes it {label(flag.urgency)}",
                        f"give the same advice as the {CARD_NAMES[flag.urgency]} card, or leave the advice out",
                        code="TRIAGE002",
                    )
                )
    return problems


def statements(body: parsed.ParsedBody) -> Iterator[Statement]:
    """Each sentence and table row on its own; a list item together with the sentence that leads into it."""
    lead_in = ""
    for block in body.blocks:
        if block.kind == parsed.ITEM:
            yield Statement(block.line, f"{lead_in} {_plain(block.text)}".strip())
            continue
        lead_in = ""
        if block.kind == parsed.HEADING:
            continue
        if block.kind == parsed.ROW:
            yield Statement(block.line, _plain(block.text))
            continue
        sentences = list(_sentences(block))
        yield from sentences
        if sentences and sentences[-1].text.endswith(":"):
            lead_in = sentences[-1].text


def _sentences(block: parsed.Block) -> Iterator[Statement]:
    """The block's sentences, each with the line it starts on."""
    texts = [_plain(line.text) for line in block.lines]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    joined = " ".join(texts)
    start = 0
    for end in [match.start() for match in _SENTENCE_END.finditer(joined)] + [len(joined)]:
        part = joined[start:end]
        sentence = part.strip()
        if sentence:
            first = start + len(part) - len(part.lstrip())
            yield Statement(block.lines[bisect_right(starts, first) - 1].line, sentence)
        start = end


def _plain(line: str) -> str:
    text = _MARKER.sub("", _LINK.sub(r"\1", line))
    return text.replace("**", "").replace("__", "").strip()
