"""Source markers: `[^id]` in an article's body cites the front-matter source with that id.

Sources are numbered in the order they are first cited (as in Vancouver style), so the numbers readers see
run 1, 2, 3 down the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sitegen.errors import Problem
from sitegen.model import Source
from sitegen.read.code_lines import code_line_offsets

MARKER = re.compile(r"\[\^([^\]\s]+)\]")
_CODE_SPAN = re.compile(r"`+[^`]*`+")


def cited_ids_with_lines(body: str, body_line: int) -> list[tuple[str, int]]:
    """Every marker outside code, with its file line, in reading order."""
    found: list[tuple[str, int]] = []
    if "[^" not in body:
        return found
    code = code_line_offsets(body)
    for offset, line in enumerate(body.split("\n")):
        if offset in code:
            continue
        for match in MARKER.finditer(_CODE_SPAN.sub("", line)):
            found.append((match.group(1), body_line + offset))
    return found


def check(body: str, body_line: int, sources: Iterable[Source], sources_line: int, shown_as: str) -> list[Problem]:
    known = {source.id for source in sources}
    cited = cited_ids_with_lines(body, body_line)
    problems = [
        Problem(
            shown_as,
            line,
            "sources",
            f"[^{source_id}] cites a source that is not listed",
            f"add a source with id: {source_id}, or fix the marker",
            code="SRC001",
        )
        for source_id, line in cited
        if source_id not in known
    ]
    used = {source_id for source_id, _ in cited}
    problems.extend(
        Problem(
            shown_as,
            sources_line,
            "sources",
            f"'{source_id}' is listed but never cited",
            f"cite it in the text as [^{source_id}] or remove it",
            code="SRC002",
        )
        for source_id in sorted(known - used)
    )
    return problems


def numbering(body: str, sources: Iterable[Source]) -> dict[str, int]:
    """Source id -> the number readers see."""
    order: dict[str, int] = {}
    for source_id, _ in cited_ids_with_lines(body, 1):
        order.setdefault(source_id, len(order) + 1)
    for source in sources:  # uncited sources (only possible in drafts) go last
        order.setdefault(source.id, len(order) + 1)
    return order
