"""The import command: read sources, cut and de-duplicate them, plan the articles, then write them.

Everything is read and checked before anything is written, so a bad source or an existing article stops
the import with nothing written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.dedupe.engine import UNSURE_RULE, deduplicate
from sitegen.dedupe.units import HEADING, Decision, Unit
from sitegen.errors import Problem, SiteError
from sitegen.importer import emit, html
from sitegen.importer.segment import Line, logical_lines, segment
from sitegen.read.frontmatter import split
from sitegen.read.slugs import slugify
from sitegen.read.source_file import read_text
from sitegen.read.yaml_tree import Mapping, Scalar, YamlError, parse
from sitegen.write.writer import replace_file

MAX_SOURCE_BYTES = 2_000_000


@dataclass(frozen=True)
class ImportOptions:
    sources: tuple[Path, ...]
    out_dir: Path
    split: bool = False
    force: bool = False


@dataclass(frozen=True)
class PlannedArticle:
    path: Path
    title: str
    text: str
    units: int


@dataclass(frozen=True)
class SourceResult:
    file: str
    sha256: str
    articles: tuple[PlannedArticle, ...]
    decisions: tuple[Decision, ...]


def plan_import(options: ImportOptions) -> list[SourceResult]:
    problems: list[Problem] = []
    if options.out_dir.exists() and not options.out_dir.is_dir():
        problems.append(
            Problem(str(options.out_dir), 0, "--out", "is a file, not a folder", "choose a folder such as content/")
        )
    results: list[SourceResult] = []
    taken: set[Path] = set()
    for source in options.sources:
        result = _plan_source(source, options, taken, problems)
        if result is not None:
            results.append(result)
    for result in results:
        for planned in result.articles:
            if planned.path.exists() and not options.force:
                problems.append(
                    Problem(
                        str(planned.path),
                        0,
                        "",
                        "already exists",
                        "use --force to overwrite it, or --out to import elsewhere",
                    )
                )
    if problems:
        raise SiteError(problems)
    return results


def _plan_source(
    source: Path, options: ImportOptions, taken: set[Path], problems: list[Problem]
) -> SourceResult | None:
    shown = str(source)
    lines, title, markdown, problem = _read_source(source, shown)
    if problem is not None:
        problems.append(problem)
        return None
    segmented = segment(lines, markdown=markdown)
    result = deduplicate(segmented.units)
    provenance = emit.Provenance(source.name, hashlib.sha256(source.read_bytes()).hexdigest())
    title = title or segmented.title
    if options.split:
        parts = _split(result.units, title, source)
    else:
        parts = [(_whole_title(title, result.units, source), list(result.units))]
    articles = []
    for part_title, units in parts:
        path = _free_path(options.out_dir, slugify(part_title, emit.MAX_SLUG_LENGTH, fallback="article"), taken)
        articles.append(PlannedArticle(path, part_title, emit.article(part_title, units, provenance), len(units)))
    decisions = sorted(segmented.dropped + result.decisions, key=lambda d: (d.line, d.rule))
    return SourceResult(source.name, provenance.sha256, tuple(articles), tuple(decisions))


def _read_source(source: Path, shown: str) -> tuple[list[Line], str, bool, Problem | None]:
    """(its lines, a title from front matter, whether paragraphs may wrap over lines, or a Problem).

    A source is scraped text, Markdown (a .md file or text with front matter) or a saved web page.
    """
    if html.is_page(source):
        lines, problem = html.read_page(source, shown, MAX_SOURCE_BYTES)
        if problem is None and not any(line.text for line in lines):
            problem = Problem(shown, 0, "", "has no article text", "import a file that holds the article's text")
        return lines, "", True, problem
    text, problem = read_text(source, shown, MAX_SOURCE_BYTES)
    if problem is None and not text.strip():
        problem = Problem(shown, 0, "", "is empty", "import a file that holds the article's text")
    if problem is not None:
        return [], "", False, problem
    title, body, first_line, markdown = _front_matter_title(text, source)
    return logical_lines(body, first_line), title, markdown or source.suffix == ".md", None


def _front_matter_title(text: str, source: Path) -> tuple[str, str, int, bool]:
    """(title from front matter, the text after it, its first line, whether the source is Markdown)."""
    if not text.startswith("---\n"):
        return "", text, 1, False
    parts = split(text, str(source))
    if isinstance(parts, Problem):
        return "", text, 1, False
    try:
        root = parse(parts.front_matter, first_line=2)
    except YamlError:
        return "", parts.body, parts.body_line, True
    if isinstance(root, Mapping):
        for key, value in root.items:
            if key.value == "title" and isinstance(value, Scalar):
                return value.value.strip(), parts.body, parts.body_line, True
    return "", parts.body, parts.body_line, True


def _title_from_file(source: Path) -> str:
    words = source.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "Imported article"


def _whole_title(title: str, units: Sequence[Unit], source: Path) -> str:
    return title or next((u.text for u in units if u.kind == HEADING), "") or _title_from_file(source)


def _split(units: Sequence[Unit], title: str, source: Path) -> list[tuple[str, list[Unit]]]:
    """One article per top-level section; a section with no text of its own splits into its sub-sections."""
    top = min((u.level for u in units if u.kind == HEADING), default=0)
    intro: list[Unit] = []
    sections: list[list[Unit]] = []
    for unit in units:
        if unit.kind == HEADING and unit.level == top:
            sections.append([unit])
        elif sections:
            sections[-1].append(unit)
        else:
            intro.append(unit)
    parts: list[tuple[str, list[Unit]]] = []
    if intro:
        parts.append((title or _title_from_file(source), intro))
    for section in sections:
        heading, rest = section[0], section[1:]
        if rest and rest[0].kind == HEADING:  # a container: its sub-sections become the articles
            parts.extend(_split(rest, heading.text, source))
        else:
            parts.append((heading.text, rest))
    return parts


def _free_path(folder: Path, slug: str, taken: set[Path]) -> Path:
    path, number = folder / f"{slug}.md", 2
    while path in taken:
        path, number = folder / f"{slug}-{number}.md", number + 1
    taken.add(path)
    return path


def write_articles(results: Sequence[SourceResult], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for result in results:
        for planned in result.articles:
            replace_file(planned.path, planned.text.encode("utf-8"))


def report(results: Sequence[SourceResult]) -> dict[str, object]:
    return {
        "sources": [
            {
                "file": result.file,
                "sha256": result.sha256,
                "articles": [str(planned.path) for planned in result.articles],
                "decisions": [decision.as_json() for decision in result.decisions],
            }
            for result in results
        ],
        "summary": summary(results).splitlines()[-1],
        "to_check": to_check(results),
    }


def write_report(results: Sequence[SourceResult], path: Path) -> None:
    replace_file(path, (json.dumps(report(results), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def to_check(results: Sequence[SourceResult]) -> list[str]:
    """One warning line for each pair kept only because a changed word is in no word list."""
    return [
        f"{result.file}:{d.line}: warning: kept both this and line {d.other_line}, {d.reason}; "
        "correct the slip or add the words to sitegen/dedupe/medical_words.txt"
        for result in results
        for d in result.decisions
        if d.rule == UNSURE_RULE
    ]


def summary(results: Sequence[SourceResult]) -> str:
    """The lines an import ends with: a warning for each pair a person should check, then the counts."""
    decisions = [d for result in results for d in result.decisions]
    unsure = to_check(results)
    removed = Counter(d.rule for d in decisions if d.action == "removed")
    kept_both = sum(1 for d in decisions if d.action == "kept both")
    guarded = sum(1 for d in decisions if d.action == "kept")
    kept, articles = _kept_units_and_articles(results)
    detail = ", ".join(f"{count} {rule}" for rule, count in sorted(removed.items()))
    counts = (
        f"Imported {_count(len(results), 'source')} into {_count(articles, 'article')}: kept {kept} units, "
        f"removed {sum(removed.values())}"
        + (f" ({detail})" if detail else "")
        + f"; {kept_both} similar {_plural(kept_both, 'pair')} kept both"
        + (f", {len(unsure)} of them to check by hand" if unsure else "")
        + _guarded_note(guarded)
    )
    return "\n".join([*unsure, counts])


def _guarded_note(guarded: int) -> str:
    """The summary's note on lines that look like page furniture but were kept for their health information."""
    if not guarded:
        return ""
    lines = "lines that look" if guarded != 1 else "line that looks"
    return f"; {guarded} {lines} like page furniture kept for health information"


def _kept_units_and_articles(results: Sequence[SourceResult]) -> tuple[int, int]:
    kept = sum(planned.units for result in results for planned in result.articles)
    return kept, sum(len(result.articles) for result in results)


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def _count(count: int, noun: str) -> str:
    return f"{count} {_plural(count, noun)}"
