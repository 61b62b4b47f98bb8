"""The "Where is your numbness?" chooser (site.yml `chooser:`): each choice checked against the built pages.

A choice that points at a page or section that does not exist stops the build with the site.yml line, so the
home page never sends a worried reader to a missing page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sitegen.errors import Problem, SiteError
from sitegen.model import Article, SiteConfig
from sitegen.render import views
from sitegen.render.context import ChoiceView

# Sections every clinical page has from the template, whatever its text says.
WHEN_TO_GET_HELP = "when-to-get-help"


def template_anchors(article: Article) -> set[str]:
    return {WHEN_TO_GET_HELP} if article.meta.care is not None else set()


def chooser_views(
    config: SiteConfig, articles: Iterable[Article], heading_ids: Callable[[Article], Iterable[str]]
) -> list[ChoiceView]:
    """The choices as template views; `heading_ids` gives the ids of an article's headings (rendered on demand,
    only for pages a choice points into)."""
    by_path = {article.url_path: article for article in articles}
    problems: list[Problem] = []
    choices: list[ChoiceView] = []
    for item in config.chooser:
        link = item.path + (f"#{item.anchor}" if item.anchor else "")
        article = by_path.get(item.path)
        if article is None:
            problems.append(
                Problem(
                    item.file,
                    item.line,
                    "chooser",
                    f"'{link}' is not a page of this site",
                    "write the address of a published page, e.g. conditions/raynauds/",
                )
            )
            continue
        if item.anchor and item.anchor not in {*heading_ids(article), *template_anchors(article)}:
            problems.append(
                Problem(
                    item.file,
                    item.line,
                    "chooser",
                    f"'{link}': the page has no section called '#{item.anchor}'",
                    "use the id of one of the page's headings, e.g. #carpal-tunnel-syndrome, or leave out the # part",
                )
            )
            continue
        choices.append({"text": item.text, "url": views.page_url(config, link), "emergency": item.emergency})
    if problems:
        raise SiteError(problems)
    return sorted(choices, key=lambda choice: not choice["emergency"])  # emergency signs always come first
