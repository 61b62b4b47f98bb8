"""The checks that look at one article at a time: its fields as soon as it is loaded, its body once it is
parsed (in the worker processes, beside rendering it)."""

from __future__ import annotations

from sitegen.check.duplicates import (
    ArticlePrint,
    article_units,
    duplicates_in_article,
    fingerprint,
    paragraphs_to_fingerprint,
)
from sitegen.check.escapes import body_escapes, field_escapes
from sitegen.check.sources import source_problems
from sitegen.dedupe.units import Features
from sitegen.errors import Problem
from sitegen.model import Article
from sitegen.render.markdown import RenderedBody


def check_fields(article: Article, shown_as: str) -> list[Problem]:
    return field_escapes(article, shown_as)


def check_body(article: Article, rendered: RenderedBody, shown_as: str) -> tuple[list[Problem], ArticlePrint]:
    """Problems in the body, read from its one parse, and its fingerprint for the site-wide duplicate search."""
    parsed = rendered.parsed
    units = article_units(parsed)
    features = [Features(unit.text, unit.kind) for unit in units]
    problems = source_problems(article, parsed, shown_as)
    problems += body_escapes(article, parsed, shown_as)
    problems += duplicates_in_article(units, features, shown_as)
    return problems, fingerprint(paragraphs_to_fingerprint(units, features))
