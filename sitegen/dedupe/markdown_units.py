"""Cut an article's Markdown body into units for the duplicate checks: headings, paragraphs, list items.

Tables, code blocks and raw HTML blocks are left out: their rows repeat on purpose.
"""

from __future__ import annotations

import re

from sitegen.dedupe.units import HEADING, ITEM, LEAD_IN, PARAGRAPH, Unit

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.+)$")
_FENCE = ("```", "~~~")


def units_from_markdown(body: str, first_line: int) -> list[Unit]:
    units: list[Unit] = []
    paragraph: list[str] = []
    start = 0
    in_fence = False

    def flush() -> None:
        if paragraph:
            text = " ".join(paragraph)
            units.append(Unit(LEAD_IN if text.endswith(":") else PARAGRAPH, text, start))
            paragraph.clear()

    for offset, raw in enumerate(body.split("\n")):
        line = raw.strip()
        number = first_line + offset
        if line.startswith(_FENCE):
            flush()
            in_fence = not in_fence
            continue
        if in_fence or not line or line.startswith(("|", "<", ">")) or raw.startswith("    "):
            flush()
            continue
        heading, item = _HEADING.match(line), _ITEM.match(raw)
        if heading:
            flush()
            units.append(Unit(HEADING, heading.group(2), number, len(heading.group(1))))
        elif item:
            flush()
            units.append(Unit(ITEM, item.group(1), number))
        elif paragraph:
            paragraph.append(line)
        else:
            paragraph.append(line)
            start = number
    flush()
    return units
