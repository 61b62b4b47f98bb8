"""Every check `check` runs on one article, all reading its body's one parse (the same one the build renders
from). Run in the worker processes, one chunk of articles at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.check.article import check_body
from sitegen.check.duplicates import ArticlePrint
from sitegen.check.page import Claim, PageFacts, line_problems, link_facts, readability_problems, review_problems
from sitegen.check.triage import care_card_problems, triage_problems
from sitegen.errors import Problem, SiteError
from sitegen.model import Article
from sitegen.render.pages import ArticleRenderer


@dataclass(frozen=True)
class Inspection:
    """What the checks need beyond the site's settings."""

    static_dir: Path
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Inspected:
    problems: list[Problem]
    facts: PageFacts | None  # None when the body could not be rendered
    print: ArticlePrint | None


def inspect(
    article: Article, shown: str, renderer: ArticleRenderer, inspection: Inspection, today: dt.date
) -> Inspected:
    config = renderer.config
    problems = review_problems(article, shown, today, config.require_clinical_review)
    problems += care_card_problems(article, shown)
    try:
        rendered = renderer.render_body(article)
    except SiteError as exc:
        return Inspected(problems + [replace(p, path=shown) for p in exc.problems], None, None)
    body_problems, article_print = check_body(article, rendered, shown)
    problems += body_problems
    problems += line_problems(article, rendered.parsed, shown, list(inspection.claims))
    problems += triage_problems(rendered.parsed, shown, config.red_flags)
    problems += readability_problems(article, shown, rendered)
    facts, image_problems = link_facts(article, shown, rendered, inspection.static_dir)
    return Inspected(problems + image_problems, facts, article_print)
