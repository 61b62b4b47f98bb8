"""Render every page: articles (in worker processes) and the listings built from all of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from sitegen.errors import Problem, SiteError
from sitegen.model import Article, OutputFile, Site, SiteConfig, Topic
from sitegen.render import views
from sitegen.render.chooser import WHEN_TO_GET_HELP, chooser_views
from sitegen.render.context import (
    ArticleContext,
    ArticleLink,
    HomeContext,
    Link,
    NotFoundContext,
    SearchContext,
    SourceView,
    TocView,
    TopicContext,
    TopicIndexContext,
    TopicSection,
)
from sitegen.render.markdown import BodyRenderer, RenderedBody
from sitegen.render.structured_data import article_json_ld
from sitegen.render.tables import label_cells
from sitegen.render.templates import Templates

TOC_MIN_HEADINGS = 3
_TYPE_ORDER = {"hub": 0, "symptom": 1, "condition": 2, "guide": 3, "policy": 4}


@dataclass(frozen=True)
class Neighbours:
    """What an article page shows of other pages; computed once from the whole site."""

    breadcrumbs: tuple[tuple[str, str], ...]  # (title, url)
    related: tuple[ArticleLink, ...]
    previous: ArticleLink | None
    next: ArticleLink | None


@dataclass(frozen=True)
class RenderSettings:
    """Everything a worker process needs to render article pages; cheap to pickle."""

    config: SiteConfig
    templates_dir: Path
    asset_urls: tuple[tuple[str, str], ...]
    content_dir_in_repo: str
    shown_root: Path
    # Article source path (relative to content/) -> ISO date of its last commit, for "Last updated".
    last_updated: tuple[tuple[str, str], ...] = ()
    admin: bool = False  # the site has the form editor at /admin/ (its own policy in `_headers`)


def listing_order(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (_TYPE_ORDER.get(a.meta.type, 9), a.meta.title.casefold(), a.url_path))


def plan_neighbours(site: Site) -> dict[str, Neighbours]:
    """Every article's neighbours."""
    plan = _Planner(site, _topic_listings(site.articles, site.config.topics))
    return {article.url_path: plan(article) for article in site.articles}


def neighbours_of(site: Site, article: Article) -> Neighbours:
    """One article's neighbours, without planning the rest of the site (an edit that changes no listing)."""
    in_topic = [topic for topic in site.config.topics if topic.slug in article.meta.topics[:1]]
    return _Planner(site, _topic_listings(site.articles, in_topic))(article)


class _Planner:
    def __init__(self, site: Site, listings: dict[str, list[Article]]) -> None:
        self.config = site.config
        self.by_slug = {article.slug: article for article in site.articles}
        self.listings = listings
        self.positions = {slug: {a.url_path: i for i, a in enumerate(items)} for slug, items in listings.items()}
        self.topics = {topic.slug: topic for topic in site.config.topics}

    def __call__(self, article: Article) -> Neighbours:
        config = self.config
        home: tuple[str, str] = ("Home", config.base_path)
        if article.is_home or not article.meta.topics:
            return Neighbours((home,), (), None, None)
        topic = self.topics[article.meta.topics[0]]
        siblings = self.listings[topic.slug]
        index = self.positions[topic.slug][article.url_path]
        by_slug = self.by_slug
        return Neighbours(
            breadcrumbs=(home, (topic.title, views.page_url(config, views.topic_url_path(topic)))),
            related=tuple(
                views.article_link(config, by_slug[slug]) for slug in article.meta.related if slug in by_slug
            ),
            previous=views.article_link(config, siblings[index - 1]) if index > 0 else None,
            next=views.article_link(config, siblings[index + 1]) if index + 1 < len(siblings) else None,
        )


def _topic_listings(articles: Iterable[Article], topics: Iterable[Topic]) -> dict[str, list[Article]]:
    """Each of these topics' articles (the home page aside) in listing order."""
    in_topic: dict[str, list[Article]] = {topic.slug: [] for topic in topics}
    for article in articles:
        if not article.is_home:
            for topic_slug in article.meta.topics:
                if topic_slug in in_topic:
                    in_topic[topic_slug].append(article)
    return {slug: listing_order(listed) for slug, listed in in_topic.items()}


class ArticleRenderer:
    """Renders article pages. One per process: it holds a Markdown instance and a Jinja environment."""

    def __init__(self, settings: RenderSettings) -> None:
        self.settings = settings
        self.config = settings.config
        self.templates = Templates(settings.templates_dir, dict(settings.asset_urls), settings.shown_root)
        # Diagrams placed with `{{ name }}` lines are drawn from template partials (render/markdown.py).
        self.body_renderer = BodyRenderer(self.config.base_path, dict(settings.asset_urls), self.templates.render)
        self.site_view = views.site_view(self.config)
        self.last_updated = {path: dt.date.fromisoformat(day) for path, day in settings.last_updated}

    def render_body(self, article: Article) -> RenderedBody:
        """The body, parsed once: its HTML for the page and its facts (with source lines) for the checks."""
        source_ids = [source.id for source in article.meta.sources]
        rendered = self.body_renderer.render(article.body, source_ids, self.shown(article), article.body_line)
        if isinstance(rendered, Problem):
            raise SiteError([rendered])
        if article.meta.care is not None and any(entry.id == WHEN_TO_GET_HELP for entry in rendered.toc):
            raise SiteError(
                [
                    Problem(
                        self.shown(article),
                        article.body_line,
                        "",
                        "has its own 'When to get help' heading, but the page already shows one above its care cards",
                        "rename the heading, for example 'When to see a GP', or move its text into the care cards",
                    )
                ]
            )
        return replace(rendered, html=label_cells(rendered.html))

    def shown(self, article: Article) -> str:
        prefix = self.settings.content_dir_in_repo
        return f"{prefix}/{article.source_path}" if prefix else article.source_path

    @staticmethod
    def source_views(article: Article, rendered: RenderedBody) -> list[SourceView]:
        """The numbered source list, each source with links back to where it is cited."""
        counts, numbers = dict(rendered.citations), rendered.numbers
        return sorted(
            (
                {
                    "id": source.id,
                    "number": numbers[source.id],
                    "title": source.title,
                    "publisher": source.publisher,
                    "url": source.url,
                    "accessed": views.human_date(source.accessed),
                    "kind": source.kind,
                    "note": source.note,
                    "backlinks": [f"cite-{source.id}-{n}" for n in range(1, counts.get(source.id, 0) + 1)],
                }
                for source in article.meta.sources
            ),
            key=lambda source: source["number"],
        )

    def render(self, article: Article, neighbours: Neighbours, rendered: RenderedBody | None = None) -> OutputFile:
        """The article's page; `rendered`: its body when already rendered (and checked)."""
        config = self.config
        rendered = rendered or self.render_body(article)
        sources = self.source_views(article, rendered)
        crumbs: list[Link] = [{"title": title, "url": url} for title, url in neighbours.breadcrumbs]
        absolute_crumbs: list[Link] = [
            {"title": title, "url": config.base_url + url[len(config.base_path) :]}
            for title, url in neighbours.breadcrumbs
        ]
        absolute_crumbs.append({"title": article.meta.title, "url": views.absolute_url(config, article.url_path)})
        toc: list[TocView] = [
            {"level": entry.level, "id": entry.id, "title": entry.title} for entry in rendered.toc if entry.level == 2
        ]
        if article.meta.care is not None:  # the care cards sit under their own heading, first in the contents
            toc = [{"level": 2, "id": WHEN_TO_GET_HELP, "title": "When to get help"}, *toc]
        context: ArticleContext = {
            "site": self.site_view,
            "page": views.page_view(
                config, article, self.settings.content_dir_in_repo, self.last_updated.get(article.source_path)
            ),
            "body": Markup(rendered.html),  # already sanitised by nh3; never passed through Jinja as a template
            "toc": toc if len(toc) >= TOC_MIN_HEADINGS else [],
            "sources": sources,
            "breadcrumbs": crumbs,
            "related": list(neighbours.related),
            "previous": neighbours.previous,
            "next": neighbours.next,
            "json_ld": Markup(
                article_json_ld(config, article, sources, absolute_crumbs, self.last_updated.get(article.source_path))
            ),
        }
        html = self.templates.render("article.html", context)
        return OutputFile(article.url_path + "index.html", html.encode("utf-8"))


def render_listings(site: Site, renderer: ArticleRenderer) -> list[OutputFile]:
    """Home, topic pages and 404: pages made from the whole site."""
    config = site.config
    templates = renderer.templates
    site_view = renderer.site_view
    listed = [article for article in site.articles if not article.is_home]
    sections: list[TopicSection] = []
    outputs: list[OutputFile] = []
    home_crumb: Link = {"title": "Home", "url": config.base_path}
    for topic in config.topics:
        link = views.topic_link(config, topic)
        articles = [
            views.article_link(config, a) for a in listing_order(a for a in listed if topic.slug in a.meta.topics)
        ]
        sections.append({"topic": link, "articles": articles})
        topic_context: TopicContext = {
            "site": site_view,
            "topic": link,
            "articles": articles,
            "breadcrumbs": [home_crumb],
            "canonical_url": views.absolute_url(config, views.topic_url_path(topic)),
        }
        outputs.append(_page(views.topic_url_path(topic), templates.render("topic.html", topic_context)))
    index_context: TopicIndexContext = {
        "site": site_view,
        "sections": sections,
        "breadcrumbs": [home_crumb],
        "canonical_url": views.absolute_url(config, views.TOPICS_DIR + "/"),
    }
    outputs.append(_page(views.TOPICS_DIR + "/", templates.render("topics.html", index_context)))
    home_article = next((a for a in site.articles if a.is_home), None)
    home_body, home_sources = Markup(""), []
    if home_article is not None:
        rendered = renderer.render_body(home_article)
        home_body, home_sources = Markup(rendered.html), renderer.source_views(home_article, rendered)
    home: HomeContext = {
        "site": site_view,
        "chooser": chooser_views(config, site.articles, lambda a: (e.id for e in renderer.render_body(a).toc)),
        "page": views.page_view(config, home_article, renderer.settings.content_dir_in_repo) if home_article else None,
        "body": home_body,
        "sources": home_sources,
        "canonical_url": config.base_url,
        "sections": sections,
    }
    outputs.append(_page("", templates.render("home.html", home)))
    not_found: NotFoundContext = {"site": site_view}
    outputs.append(OutputFile("404.html", templates.render("404.html", not_found).encode("utf-8")))
    search: SearchContext = {
        "site": site_view,
        "breadcrumbs": [home_crumb],
        "canonical_url": views.absolute_url(config, views.SEARCH_DIR + "/"),
    }
    outputs.append(_page(views.SEARCH_DIR + "/", templates.render("search.html", search)))
    return outputs


def _page(url_path: str, html: str) -> OutputFile:
    return OutputFile(url_path + "index.html", html.encode("utf-8"))
