"""Is a line a heading? Judged from the line itself and its place, in any form.

A heading is short, is one sentence at most, does not end a sentence with ". ! , ; :" (a question mark is
allowed: "What is carpal tunnel syndrome?"), and is followed by body text. Numbered headings ("2.", "2.1",
"3)") keep their level from the numbering; Markdown "#" keeps its own.
"""

from __future__ import annotations

import re

NUMBERED = re.compile(r"^(\d{1,2})\s*[.):\-–]\s+(.+)$")
SUB_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(.+)$")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
MAX_HEADING_WORDS = 12
MAX_SUBHEADING_WORDS = 10
_NOT_A_HEADING_END = tuple(".!,;:")
_SECOND_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]?[A-Z0-9]")


def words(text: str) -> int:
    return len(text.split())


def heading_like(text: str, max_words: int) -> bool:
    """Short, one sentence at most, starts with a letter or digit and does not end like a statement."""
    return (
        0 < words(text) <= max_words
        and text[0].isalnum()
        and not text.endswith(_NOT_A_HEADING_END)
        and not _SECOND_SENTENCE.search(text)
    )


def body_text(text: str) -> bool:
    """The line after a heading: a paragraph, list or lead-in, not another heading-like line."""
    return bool(text) and not heading_like(text, MAX_SUBHEADING_WORDS)
