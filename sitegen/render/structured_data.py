"""JSON-LD for article pages: restates only what the page shows, from front matter."""

from __future__ import annotations

import json
from typing import Any

from sitegen.model import Article, SiteConfig
from sitegen.render.context import Link, SourceView


def article_json_ld(config: SiteConfig, article: Article, sources: list[SourceView], crumbs: list[Link]) -> str:
    meta = article.meta
    url = config.base_url + article.url_path
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": meta.title,
        "description": meta.summary,
        "url": url,
        "inLanguage": meta.language,
        "datePublished": meta.date_published.isoformat(),
        "lastReviewed": meta.last_reviewed.isoformat(),
        "audience": {"@type": "PeopleAudience", "audienceType": meta.audience},
        "author": [{"@type": "Organization", "name": person.name} for person in meta.authors],
        "publisher": {"@type": "Organization", "name": config.name, "url": config.base_url},
        "citation": [
            {"@type": "CreativeWork", "name": source["title"], "url": source["url"], "publisher": source["publisher"]}
            for source in sources
        ],
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": index, "name": crumb["title"], "item": crumb["url"]}
                for index, crumb in enumerate(crumbs, start=1)
            ],
        },
    }
    if meta.about is not None:
        about: dict[str, Any] = {"@type": meta.about.schema_type, "name": meta.about.name}
        if meta.aliases:
            about["alternateName"] = list(meta.aliases)
        page["about"] = about
    if meta.reviewers:
        page["reviewedBy"] = [{"@type": "Person", "name": person.name} for person in meta.reviewers]
    return to_script_json(page)


def to_script_json(data: Any) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the front matter says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
