"""Invisible and direction-changing characters (TEXT001): bidi controls and zero-width characters, found by
`check` anywhere in an article's file, front matter and code included, with the line and column of each.

All are errors, in titles and headings as in the body text. A bidi override or isolate reorders what a reader
sees without changing the stored text ("Trojan Source", CVE-2021-42574), so a dose or a warning can read
differently from what the file says and from what every other check read. A zero-width character hides inside
a word, so search, links, the duplicate check and the misleading-claims list no longer match it. This site is
written in en-GB, where none of them has a use; the one exception is a zero-width joiner inside an emoji
sequence (such as the health-worker emoji), which is how those emoji are spelled. A byte-order mark at the very
start of the file is removed on reading and is not reported.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from sitegen.errors import Problem
from sitegen.read.source_file import read_text

DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_FOUND = re.compile(f"[{''.join(sorted(DIRECTION | ZERO_WIDTH))}]")
_ZWJ = "\u200d"
_EMOJI_MODIFIERS = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
_FIELD = re.compile(r"^([A-Za-z_][\w-]*):")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def invisible_characters(path: Path, shown: str) -> list[Problem]:
    """One problem for each bidi control or zero-width character in the file."""
    text, unreadable = read_text(path, shown)
    if unreadable is not None or not _FOUND.search(text):
        return []  # an unreadable file is reported by the loader
    lines = text.split("\n")
    front_end = _front_matter_end(lines)
    problems: list[Problem] = []
    field = ""
    for index, line in enumerate(lines):
        if index < front_end:
            key = _FIELD.match(line)
            field = key.group(1) if key else field
        for match in _FOUND.finditer(line):
            if _is_emoji_joiner(line, match.start()):
                continue
            where = field if index < front_end else ""
            heading = index >= front_end and _is_heading(lines, index)
            problems.append(_problem(shown, index + 1, match.start() + 1, match.group(), where, heading))
    return problems


def _front_matter_end(lines: list[str]) -> int:
    """The index of the closing `---` (0 when there is no front matter)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), 0)


def _is_heading(lines: list[str], index: int) -> bool:
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(_HEADING.match(lines[index])) or (bool(lines[index].strip()) and bool(_SETEXT.match(following)))


def _is_emoji_joiner(line: str, position: int) -> bool:
    """A zero-width joiner between two parts of an emoji (👩‍⚕️ is U+1F469 U+200D U+2695 U+FE0F)."""
    if line[position] != _ZWJ or position == 0 or position + 1 >= len(line):
        return False
    before, after = line[position - 1], line[position + 1]
    return (before in _EMOJI_MODIFIERS or unicodedata.category(before) == "So") and unicodedata.category(after) == "So"


def _problem(shown: str, line: int, column: int, char: str, field: str, heading: bool) -> Problem:
    name = f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}"
    if char in DIRECTION:
        why = "an invisible character that changes the order text is shown in, so it can read differently"
    else:
        why = "an invisible character that hides inside words, so search and checks no longer match them"
    place = "the heading " if heading else ""
    return Problem(
        shown,
        line,
        field,
        f"{place}contains {name}, {why}",
        "delete it; if the text was pasted from elsewhere, type that part again",
        code="TEXT001",
        column=column,
    )
