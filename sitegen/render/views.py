"""Turn model objects into the plain view dicts templates see (render/context.py)."""

from __future__ import annotations

import datetime as dt
import re

from sitegen.model import Article, Person, Reviewer, Service, SiteConfig, Topic
from sitegen.render.context import (
    ArticleLink,
    CareView,
    ChangeView,
    PageView,
    PersonView,
    ServiceView,
    SiteView,
    TopicLink,
)
from sitegen.render.security_policy import CONTENT_SECURITY_POLICY, REFERRER_POLICY

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TOPICS_DIR = "topics"
SEARCH_DIR = "search"


def human_date(day: dt.date) -> str:
    """Locale-independent, so builds are identical whatever LANG says."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def page_url(config: SiteConfig, url_path: str) -> str:
    return config.base_path + url_path


def absolute_url(config: SiteConfig, url_path: str) -> str:
    return config.base_url + url_path


def topic_url_path(topic: Topic) -> str:
    return f"{TOPICS_DIR}/{topic.slug}/"


def service_view(service: Service) -> ServiceView:
    return {"name": service.name, "phone": service.phone, "tel": re.sub(r"\D", "", service.phone)}


def topic_link(config: SiteConfig, topic: Topic) -> TopicLink:
    return {
        "slug": topic.slug,
        "title": topic.title,
        "description": topic.description,
        "url": page_url(config, topic_url_path(topic)),
    }


def site_view(config: SiteConfig) -> SiteView:
    return {
        "name": config.name,
        "description": config.description,
        "base_url": config.base_url,
        "home_url": config.base_path,
        "language": config.language,
        "feedback_url": config.feedback_url,
        "feed_url": page_url(config, "feed.xml"),
        "emergency": service_view(config.emergency),
        "urgent": service_view(config.urgent),
        "non_urgent": service_view(config.non_urgent),
        "topics": [topic_link(config, topic) for topic in config.topics],
        "footer_links": [{"title": link.title, "url": page_url(config, link.path)} for link in config.footer_links],
        "search_url": page_url(config, SEARCH_DIR + "/"),
        "content_security_policy": CONTENT_SECURITY_POLICY,
        "referrer_policy": REFERRER_POLICY,
    }


def article_link(config: SiteConfig, article: Article) -> ArticleLink:
    return {
        "title": article.meta.title,
        "url": page_url(config, article.url_path),
        "summary": article.meta.summary,
        "type": article.meta.type,
        "draft": article.meta.status != "published",
    }


def _author(person: Person) -> PersonView:
    return {"name": person.name, "role": person.role, "credentials": "", "conflicts": ""}


def _reviewer(person: Reviewer) -> PersonView:
    return {"name": person.name, "role": person.role, "credentials": person.credentials, "conflicts": person.conflicts}


def page_view(
    config: SiteConfig, article: Article, content_dir_in_repo: str, last_updated: dt.date | None = None
) -> PageView:
    meta = article.meta
    care: CareView | None = None
    if meta.care is not None:
        care = {
            "emergency": list(meta.care.emergency),
            "urgent": list(meta.care.urgent),
            "non_urgent": list(meta.care.non_urgent),
        }
    changes: list[ChangeView] = [
        {"date": human_date(change.date), "date_iso": change.date.isoformat(), "summary": change.summary}
        for change in sorted(meta.changes, key=lambda change: change.date, reverse=True)
    ]
    repo_path = f"{content_dir_in_repo}/{article.source_path}" if content_dir_in_repo else article.source_path
    return {
        "title": meta.title,
        "medical_name": meta.medical_name,
        "aliases": list(meta.aliases),
        "summary": meta.summary,
        "type": meta.type,
        "status": meta.status,
        "draft": meta.status != "published",
        "language": meta.language,
        "url": page_url(config, article.url_path),
        "canonical_url": absolute_url(config, article.url_path),
        "edit_url": f"{config.repository_url.rstrip('/')}/edit/main/{repo_path}",
        "source_path": repo_path,
        "authors": [_author(person) for person in meta.authors],
        "reviewers": [_reviewer(person) for person in meta.reviewers],
        "review_pending": meta.clinical_review != "complete",
        "date_published": human_date(meta.date_published),
        "date_published_iso": meta.date_published.isoformat(),
        "last_reviewed": human_date(meta.last_reviewed),
        "last_reviewed_iso": meta.last_reviewed.isoformat(),
        "next_review_due": human_date(meta.next_review_due),
        "next_review_due_iso": meta.next_review_due.isoformat(),
        "last_updated": human_date(last_updated) if last_updated else "",
        "last_updated_iso": last_updated.isoformat() if last_updated else "",
        "changes": changes,
        "care": care,
    }
