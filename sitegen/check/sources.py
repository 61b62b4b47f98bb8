"""Source markers against the sources listed: every `[^id]` the page shows must cite a listed source, and every
listed source must be cited. Read from the one parse, so a marker in code is never counted and a marker in an
indented list paragraph always is."""

from __future__ import annotations

from sitegen.errors import Problem
from sitegen.model import Article
from sitegen.read.fields import suggestion
from sitegen.render.parsed import ParsedBody


def source_problems(article: Article, parsed: ParsedBody, shown_as: str) -> list[Problem]:
    """SRC001 at each marker that cites no listed source, SRC002 at `sources:` for each source never cited.

    A marker with a close listed id gets "did you mean"; when one marker is wrong and one listed source is never
    cited, the marker most likely meant that source: one mistake, told once, on the marker's line."""
    ids = [source.id for source in article.meta.sources]
    known = set(ids)
    unknown = [marker for marker in parsed.citations if marker.value not in known]
    uncited = sorted(known - {marker.value for marker in parsed.citations})
    meant = uncited[0] if len({marker.value for marker in unknown}) == 1 and len(uncited) == 1 else ""
    problems = [_unknown_marker(shown_as, marker.value, marker.line, ids, meant) for marker in unknown]
    if meant:
        return problems
    sources_line = article.line_of("sources") if "sources" in dict(article.field_lines) else 1
    problems.extend(
        Problem(
            shown_as,
            sources_line,
            "sources",
            f"'{source_id}' is listed but never cited",
            f"cite it in the text as [^{source_id}] or remove it",
            code="SRC002",
        )
        for source_id in uncited
    )
    return problems


def _unknown_marker(shown_as: str, marker: str, line: int, ids: list[str], meant: str) -> Problem:
    hint = f"add a source with id: {marker}, or fix the marker"
    close = suggestion(marker, ids)
    if close:
        hint = f"did you mean [^{close}]? Otherwise add a source with id: {marker}"
    elif meant:
        hint = (
            f"did you mean [^{meant}], the listed source that nothing cites? Otherwise add a source with id: {marker}"
        )
    return Problem(
        shown_as, line, "", f"[^{marker}] cites a source that is not listed under sources", hint, code="SRC001"
    )
