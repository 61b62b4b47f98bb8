"""Cut decoded text into units: headings, paragraphs, list items and lead-ins, each with its source line.

Boilerplate lines (recognised by `boilerplate.classify`, plus related-article blocks) are dropped here and
reported as decisions; one that carries health information stays, with a "kept" decision saying why. Headings
are judged by `headings` from the line and the line after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.dedupe.text_keys import key
from sitegen.dedupe.units import HEADING, ITEM, LEAD_IN, PARAGRAPH, Decision, Unit
from sitegen.importer import boilerplate
from sitegen.importer.decode import decode
from sitegen.importer.emit import TABLE
from sitegen.importer.headings import (
    MARKDOWN_HEADING,
    MAX_HEADING_WORDS,
    MAX_SUBHEADING_WORDS,
    NUMBERED,
    SUB_NUMBERED,
    body_text,
    heading_like,
    words,
)

_BULLET = re.compile(r"^[-*•·–]\s+(.+)$")
_MARKERS = re.compile(r"^(?:#{1,6}\s+|[-*•·–]\s+)")
_RELATED = re.compile(
    r"^(related (articles|posts|stories|reading|content|pages)|you (may|might) also like|see also|more on this"
    r"|more like this|read (this )?next|recommended( for you| reading)?|popular (posts|articles))\s*:?$",
    re.I,
)
MAX_LEAD_IN_WORDS = 15


@dataclass(frozen=True)
class Line:
    text: str
    number: int  # physical line in the source file


@dataclass(frozen=True)
class Segmented:
    title: str
    units: tuple[Unit, ...]
    dropped: tuple[Decision, ...]


def logical_lines(raw: str, first_line: int = 1) -> list[Line]:
    """Decoded lines, each carrying the number of the physical line it came from."""
    lines: list[Line] = []
    for offset, physical in enumerate(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        text = physical.strip()
        if len(text) > 1 and text[0] == text[-1] == '"' and "\\n" in text:
            text = text[1:-1]  # one JSON string holding the whole article
        for part in decode(text).split("\n"):
            lines.append(Line(" ".join(part.split()), first_line + offset))
    return lines


def segment(lines: list[Line], markdown: bool) -> Segmented:
    """`markdown`: the source is Markdown (soft-wrapped paragraphs join); otherwise every line is a unit."""
    units: list[Unit] = []
    dropped: list[Decision] = []
    blocks = list(_blocks(lines))
    in_related = False
    for index, (line, blank_before) in enumerate(blocks):
        text = line.text
        if blank_before:
            in_related = False
        bare = _MARKERS.sub("", text)
        if text.startswith("|"):
            _add(units, Unit(TABLE, text, line.number), join=not blank_before, separator="\n")
            continue
        if _RELATED.match(bare):
            in_related = True
            dropped.append(_boilerplate(line, "a related-articles heading"))
            continue
        if in_related and (_BULLET.match(text) or words(text) <= MAX_HEADING_WORDS):
            dropped.append(_boilerplate(line, "a link in a related-articles block"))
            continue
        in_related = False
        if _page_furniture(line, bare, dropped):
            continue
        following = next((b[0].text for b in blocks[index + 1 :]), "")
        unit = _classify(line, following, first=not units, previous=units[-1] if units else None)
        _add(units, unit, join=markdown and unit.kind == PARAGRAPH and not blank_before, separator=" ")
    title, units, repeats = _take_title(units)
    return Segmented(title, tuple(units), tuple(dropped + repeats))


def _add(units: list[Unit], unit: Unit, join: bool, separator: str) -> None:
    """Append `unit`, or with `join` add its text to the unit before it when that is of the same kind (a table's
    next row, a soft-wrapped paragraph's next line)."""
    if join and units and units[-1].kind == unit.kind:
        units[-1] = Unit(unit.kind, f"{units[-1].text}{separator}{unit.text}", units[-1].line)
    else:
        units.append(unit)


def _page_furniture(line: Line, bare: str, dropped: list[Decision]) -> bool:
    """True when the line is page furniture (a share button, a cookie notice) and is dropped. A line that looks like
    furniture but carries health information stays, with a note for the person importing."""
    verdict = boilerplate.classify(bare)
    if verdict.kept:
        dropped.append(
            Decision(
                "kept",
                "health guard",
                line.text,
                line.number,
                reason=f"looks like {verdict.reason} but "
                "carries health information, so it stays: remove it by hand if it is not part of the article",
            )
        )
        return False
    if verdict.reason:
        dropped.append(_boilerplate(line, verdict.reason))
        return True
    return False


def _blocks(lines: list[Line]) -> Iterator[tuple[Line, bool]]:
    blank = True
    for line in lines:
        if not line.text:
            blank = True
            continue
        yield line, blank
        blank = False


def _in_numbered_list(number: int, following: str, previous: Unit | None) -> bool:
    """ "2. Give it a few weeks" after item 1, or "1. Wear the splint" before "2. ...": a list, not headings."""
    after = NUMBERED.match(following)
    return (after is not None and int(after.group(1)) == number + 1) or (
        previous is not None and previous.kind == ITEM and previous.level == number - 1
    )


def _classify(line: Line, following: str, first: bool, previous: Unit | None = None) -> Unit:
    text = line.text
    markdown_heading = MARKDOWN_HEADING.match(text)
    if markdown_heading:
        return Unit(HEADING, markdown_heading.group(2), line.number, len(markdown_heading.group(1)))
    sub_numbered = SUB_NUMBERED.match(text)
    if sub_numbered and heading_like(sub_numbered.group(2), MAX_HEADING_WORDS):
        return Unit(HEADING, sub_numbered.group(2), line.number, 2 + sub_numbered.group(1).count("."))
    numbered = NUMBERED.match(text)
    if (
        numbered
        and heading_like(numbered.group(2).rstrip(":"), MAX_HEADING_WORDS)
        and not _in_numbered_list(int(numbered.group(1)), following, previous)
    ):
        return Unit(HEADING, numbered.group(2), line.number, 2)  # "3. See a doctor if:" heads a section
    if numbered:
        return Unit(ITEM, numbered.group(2), line.number, int(numbered.group(1)))
    bullet = _BULLET.match(text)
    if bullet:
        return Unit(ITEM, bullet.group(1), line.number)
    if text.endswith(":") and words(text) <= MAX_LEAD_IN_WORDS:
        return Unit(LEAD_IN, text, line.number)
    if first and heading_like(text, MAX_HEADING_WORDS):
        return Unit(HEADING, text, line.number, 1)  # a short first line is the title
    if heading_like(text, MAX_SUBHEADING_WORDS) and body_text(following):
        return Unit(HEADING, text, line.number, 3)
    return Unit(PARAGRAPH, text, line.number)


def _take_title(units: list[Unit]) -> tuple[str, list[Unit], list[Decision]]:
    """A first line that is a level-1 heading (Markdown "#", or short and heading-like) is the title."""
    if not units or units[0].kind != HEADING or units[0].level != 1:
        return "", units, []
    title, rest = units[0], units[1:]
    if rest and rest[0].kind == HEADING and key(rest[0].text) == key(title.text):
        repeat = Decision(
            "removed", "title", rest[0].text, rest[0].line, title.line, title.text, 1.0, "the title repeated at the top"
        )
        return title.text, rest[1:], [repeat]
    return title.text, rest, []


def _boilerplate(line: Line, why: str) -> Decision:
    return Decision("removed", "boilerplate", line.text, line.number, reason=why)
