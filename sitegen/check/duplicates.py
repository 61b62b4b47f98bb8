"""Duplicate text: a repeat inside one article is an error; near-duplicate paragraphs across articles are
warnings, unless their hash is on `duplicate_allowlist` in site.yml. Uses the importer's engine.

Two paragraphs that differ only in a word no word list knows ("nifedipin" / "nimodipin") may be a slip or
two different medicines: both stay, and a warning (DUP001 inside a page, DUP002 across pages) asks a person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from sitegen.dedupe import text_keys
from sitegen.dedupe.engine import UNSURE_RULE, deduplicate
from sitegen.dedupe.similarity import NEAR_DUPLICATE, compare, within_reach
from sitegen.dedupe.site_index import Signatures, SiteIndex, paragraph_hash, signatures
from sitegen.dedupe.units import HEADING, ITEM, LEAD_IN, PARAGRAPH, Features, Unit
from sitegen.errors import Problem, Severity
from sitegen.model import Article
from sitegen.render import parsed
from sitegen.render.markdown import BodyRenderer

_CHECK_BY_HAND = (
    "if one word is a typing slip, correct it; if both are real words, add them to sitegen/dedupe/medical_words.txt"
)


@dataclass(frozen=True)
class ArticlePrint:
    """What the site-wide search needs of one article: its substantial paragraphs' lines and signatures."""

    lines: tuple[int, ...]
    signatures: Signatures


def article_units(body: parsed.ParsedBody) -> list[Unit]:
    """Headings, paragraphs (in quotes and callouts too) and list items, as Python-Markdown read them. Tables,
    code, raw HTML, callout titles and definition terms are left out: they repeat on purpose."""
    units: list[Unit] = []
    for block in body.blocks:
        if block.kind == parsed.HEADING:
            units.append(Unit(HEADING, block.text, block.line, block.level))
        elif block.kind == parsed.ITEM:
            units.append(Unit(ITEM, block.text, block.line))
        elif block.kind == parsed.PARAGRAPH:
            units.append(Unit(LEAD_IN if block.text.endswith(":") else PARAGRAPH, block.text, block.line))
    return units


@cache
def _script_renderer() -> BodyRenderer:
    return BodyRenderer("/")  # a renderer of its own: scripts have no site


def body_units(body: str, first_line: int = 1) -> list[Unit]:
    """The units of a body on its own (for scripts that measure the duplicate checks on raw Markdown)."""
    rendered = _script_renderer().render(body, (), "body", first_line)
    return [] if isinstance(rendered, Problem) else article_units(rendered.parsed)


def duplicates_in_article(units: Sequence[Unit], features: Sequence[Features], shown_as: str) -> list[Problem]:
    if not _may_repeat(features):
        return []
    decisions = deduplicate(units).decisions
    return [
        Problem(
            shown_as,
            d.line,
            "duplicates",
            f"repeats line {d.other_line} ({d.reason})",
            "delete one of the two copies, or reword one if both are needed",
            code="DUP001",
        )
        for d in decisions
        if d.action == "removed" and d.rule != "empty heading"
    ] + [
        Problem(
            shown_as,
            d.line,
            "duplicates",
            f"may repeat line {d.other_line} ({d.reason})",
            _CHECK_BY_HAND,
            Severity.WARNING,
            code="DUP001",
        )
        for d in decisions
        if d.rule == UNSURE_RULE
    ]


def _may_repeat(features: Sequence[Features]) -> bool:
    """A cheap test that is true whenever the engine could remove something; false for most articles."""
    keys = [f.key for f in features if f.kind != HEADING]
    if len(set(keys)) != len(keys):
        return True  # an exact repeat
    long = sorted((f for f in features if f.substantial), key=lambda f: len(f.key))
    return _may_be_near(long) or _may_be_contained(long)


def _may_be_near(long: Sequence[Features]) -> bool:
    """Two paragraphs (sorted by length) close enough in wording to be near-duplicates."""
    lengths = [len(f.key) for f in long]
    cutoff = NEAR_DUPLICATE * 100
    for x, a in enumerate(long):
        # Sorted by length, so once a longer key is out of reach, every later one is too.
        for y in range(x + 1, len(long)):
            if 2 * lengths[x] < NEAR_DUPLICATE * (lengths[x] + lengths[y]):
                break
            if fuzz.ratio(a.key, long[y].key, score_cutoff=cutoff):
                return True
    return False


def _may_be_contained(long: Sequence[Features]) -> bool:
    """A paragraph that may be contained in a longer one (the paragraphs sorted by length)."""
    # A contained paragraph's opening words appear, as a run of words, in a longer paragraph that contains
    # it, and so do all its other words.
    padded = [f" {f.key} " for f in long]
    for x, part in enumerate(long):
        opening = " " + " ".join(part.tokens[:3]) + " "
        for y in range(x + 1, len(long)):
            if opening in padded[y] and len(long[y].tokens) > len(part.tokens) and part.token_set <= long[y].token_set:
                return True
    return False


def paragraphs_to_fingerprint(units: Sequence[Unit], features: Sequence[Features]) -> list[tuple[Unit, Features]]:
    return [(unit, feature) for unit, feature in zip(units, features, strict=True) if feature.substantial]


def fingerprint(paragraphs: Sequence[tuple[Unit, Features]]) -> ArticlePrint:
    return ArticlePrint(
        tuple(unit.line for unit, _ in paragraphs), signatures([feature.tokens for _, feature in paragraphs])
    )


def duplicates_across_articles(
    articles: Sequence[Article], prints: Sequence[ArticlePrint], shown: Sequence[str], allowed: frozenset[str]
) -> list[Problem]:
    index = SiteIndex()
    for number, article_print_ in enumerate(prints):
        index.add(number, article_print_.lines, article_print_.signatures)
    texts = _ParagraphTexts(articles)
    warnings = []
    for first, second in index.candidate_pairs():
        key_a, key_b = texts.key(first.article, first.line), texts.key(second.article, second.line)
        # Most candidates share a few sentences and are not near-duplicates: reject them cheaply first.
        if not within_reach(key_a, key_b, NEAR_DUPLICATE) or not fuzz.ratio(
            key_a, key_b, score_cutoff=NEAR_DUPLICATE * 100
        ):
            continue
        a = Features(texts.text(first.article, first.line))
        verdict = compare(a, Features(texts.text(second.article, second.line)))
        if not (verdict.duplicate or verdict.unsure) or paragraph_hash(a.key) in allowed:
            continue
        where = f"{shown[first.article]}:{first.line}"
        warnings.append(
            Problem(
                shown[second.article],
                second.line,
                "duplicates",
                f"paragraph also appears in {where} (similarity {verdict.similarity:.2f})"
                if verdict.duplicate
                else f"paragraph may also appear in {where} ({verdict.reason})",
                f"reword or remove one; if both are intended, add {paragraph_hash(a.key)} to duplicate_allowlist "
                "in site.yml"
                if verdict.duplicate
                else _CHECK_BY_HAND,
                Severity.WARNING,
                code="DUP002",
            )
        )
    return warnings


class _ParagraphTexts:
    """A paragraph's text read back from its article's body by line number, only when a candidate needs it.
    Candidates come sorted by their first paragraph, so a small cache of split bodies serves most lookups."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.lines: dict[int, list[str]] = {}

    def text(self, article: int, line: int) -> str:
        if article not in self.lines:
            if len(self.lines) >= 256:
                self.lines.pop(next(iter(self.lines)))
            self.lines[article] = self.articles[article].body.split("\n")
        start = line - self.articles[article].body_line
        paragraph = []
        for written in self.lines[article][start:]:
            text = written.lstrip(" \t>")  # a paragraph in a quote
            if not text.strip():
                break
            paragraph.append(text.strip())
        return " ".join(paragraph)

    def key(self, article: int, line: int) -> str:
        return text_keys.key(self.text(article, line))
