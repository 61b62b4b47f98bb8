"""The checks that look at one article at a time (run in the worker processes, right after loading)."""

from __future__ import annotations

from sitegen.check.duplicates import (
    ArticlePrint,
    article_units,
    duplicates_in_article,
    fingerprint,
    paragraphs_to_fingerprint,
)
from sitegen.check.escapes import leftover_escapes
from sitegen.dedupe.units import Features
from sitegen.errors import Problem
from sitegen.model import Article


def check_article(article: Article, shown_as: str) -> tuple[list[Problem], ArticlePrint]:
    """Problems in this article, and its fingerprint for the site-wide duplicate search."""
    units = article_units(article)
    features = [Features(unit.text, unit.kind) for unit in units]
    problems = leftover_escapes(article, shown_as) + duplicates_in_article(units, features, shown_as)
    return problems, fingerprint(paragraphs_to_fingerprint(units, features))
