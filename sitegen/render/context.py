"""What each kind of template may use: one TypedDict per template, built only in render/views.py."""

from __future__ import annotations

from typing import TypedDict

from markupsafe import Markup


class ServiceView(TypedDict):
    name: str
    phone: str
    tel: str  # for tel: links, digits only


class TopicLink(TypedDict):
    slug: str
    title: str
    description: str
    url: str


class SiteView(TypedDict):
    name: str
    description: str
    base_url: str
    home_url: str
    language: str
    feedback_url: str
    feed_url: str
    emergency: ServiceView
    urgent: ServiceView
    non_urgent: ServiceView
    topics: list[TopicLink]
    footer_links: list[Link]
    search_url: str
    content_security_policy: str
    referrer_policy: str


class Link(TypedDict):
    title: str
    url: str


class ArticleLink(TypedDict):
    title: str
    url: str
    summary: str
    type: str
    draft: bool


class SourceView(TypedDict):
    id: str
    number: int
    title: str
    publisher: str
    url: str
    accessed: str
    kind: str
    note: str
    backlinks: list[str]  # ids of the places in the text that cite it


class PersonView(TypedDict):
    name: str
    role: str
    credentials: str
    conflicts: str


class ChangeView(TypedDict):
    date: str
    date_iso: str
    summary: str


class TocView(TypedDict):
    level: int
    id: str
    title: str


class CareView(TypedDict):
    emergency: list[str]
    urgent: list[str]
    non_urgent: list[str]


class PageView(TypedDict):
    title: str
    medical_name: str
    aliases: list[str]
    summary: str
    type: str
    status: str
    draft: bool
    language: str
    url: str
    canonical_url: str
    edit_url: str
    source_path: str
    authors: list[PersonView]
    reviewers: list[PersonView]
    review_pending: bool
    date_published: str
    date_published_iso: str
    last_reviewed: str
    last_reviewed_iso: str
    next_review_due: str
    next_review_due_iso: str
    last_updated: str  # "" when git history is not available
    last_updated_iso: str
    changes: list[ChangeView]
    care: CareView | None


class ArticleContext(TypedDict):
    site: SiteView
    page: PageView
    body: Markup
    toc: list[TocView]
    sources: list[SourceView]
    breadcrumbs: list[Link]
    related: list[ArticleLink]
    previous: ArticleLink | None
    next: ArticleLink | None
    json_ld: Markup


class ChoiceView(TypedDict):
    text: str
    url: str
    emergency: bool


class HomeContext(TypedDict):
    site: SiteView
    chooser: list[ChoiceView]
    page: PageView | None
    body: Markup
    sources: list[SourceView]
    canonical_url: str
    sections: list[TopicSection]  # shown only when site.yml has no chooser


class TopicSection(TypedDict):
    topic: TopicLink
    articles: list[ArticleLink]


class TopicContext(TypedDict):
    site: SiteView
    topic: TopicLink
    articles: list[ArticleLink]
    breadcrumbs: list[Link]
    canonical_url: str


class TopicIndexContext(TypedDict):
    site: SiteView
    sections: list[TopicSection]
    breadcrumbs: list[Link]
    canonical_url: str


class NotFoundContext(TypedDict):
    site: SiteView


class SearchContext(TypedDict):
    site: SiteView
    breadcrumbs: list[Link]
    canonical_url: str


class SitemapEntry(TypedDict):
    loc: str
    lastmod: str


class SitemapContext(TypedDict):
    entries: list[SitemapEntry]


class FeedEntry(TypedDict):
    title: str
    url: str
    summary: str
    published: str
    updated: str
    authors: list[str]


class FeedContext(TypedDict):
    site: SiteView
    feed_url: str
    updated: str
    entries: list[FeedEntry]


class RobotsContext(TypedDict):
    sitemap_url: str
