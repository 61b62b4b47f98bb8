"""Write units as a Markdown article with YAML front matter: one blank line between blocks, lists kept."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.dedupe.units import HEADING, ITEM, Unit

TABLE = "table"  # a unit kind of the importer's own: rows of a Markdown table, one unit
MAX_SLUG_LENGTH = 60
_MARKDOWN_START = re.compile(r"^(#|>|[-+*]\s|\d{1,2}[.)]\s)")


@dataclass(frozen=True)
class Provenance:
    file: str
    sha256: str


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def front_matter(title: str, provenance: Provenance) -> str:
    return "\n".join(
        [
            "---",
            f"title: {_quoted(title)}",
            "type: guide",
            "status: draft",
            "# Imported draft: rewrite the text, then add summary, topics, authors, dates and sources.",
            "imported_from:",
            f"  file: {_quoted(provenance.file)}",
            f"  sha256: {provenance.sha256}",
            "---",
            "",
        ]
    )


def body(units: Sequence[Unit], top_level: int = 2) -> str:
    """Markdown for the units; the shallowest heading level present becomes `##`."""
    levels = [unit.level for unit in units if unit.kind == HEADING]
    shift = (min(levels) - top_level) if levels else 0
    blocks: list[str] = []
    previous_kind = ""
    for unit in units:
        if unit.kind == HEADING:
            blocks.append("#" * max(top_level, unit.level - shift) + " " + unit.text)
        elif unit.kind == TABLE:
            blocks.append(unit.text)  # a Markdown table: its rows stay together, as they came
        elif unit.kind == ITEM:
            line = f"{unit.level}. {unit.text}" if unit.level else f"- {unit.text}"
            if previous_kind == ITEM:
                blocks[-1] += "\n" + line  # items of one list stay together
            else:
                blocks.append(line)
        else:
            blocks.append("\\" + unit.text if _MARKDOWN_START.match(unit.text) else unit.text)
        previous_kind = unit.kind
    return "\n\n".join(blocks) + "\n" if blocks else ""


def article(title: str, units: Sequence[Unit], provenance: Provenance) -> str:
    text = body(units)
    return front_matter(title, provenance) + ("\n" + text if text else "")
