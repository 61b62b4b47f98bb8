"""JSON-LD for article pages: restates only what the page shows, from front matter."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sitegen.model import About, Article, Ref, SiteConfig
from sitegen.render.context import Link, SourceView


def article_json_ld(
    config: SiteConfig,
    article: Article,
    sources: list[SourceView],
    crumbs: list[Link],
    last_updated: dt.date | None = None,
) -> str:
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
        "dateModified": (last_updated or meta.last_reviewed).isoformat(),
        "@id": url + "#page",
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": _AUDIENCES[meta.audience]},
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
        page["about"] = _about(meta.about, meta.aliases)
        if meta.about.specialty:
            page["specialty"] = [f"https://schema.org/{name}" for name in meta.about.specialty]
    if meta.clinical_review == "complete":
        # Only a clinician's sign-off is a review; the editorial team's own check is not claimed as one.
        page["lastReviewed"] = meta.last_reviewed.isoformat()
        page["reviewedBy"] = [
            {"@type": "Person", "name": person.name, "jobTitle": person.role, "honorificSuffix": person.credentials}
            for person in meta.reviewers
        ]
    return to_script_json(page)


_AUDIENCES = {"patient": "Patient", "carer": "Patient", "clinician": "Clinician"}
# Front-matter list -> (schema.org property, type of each item)
_ABOUT_LISTS = (
    ("causes", "cause", "MedicalCause"),
    ("symptoms", "signOrSymptom", "MedicalSymptom"),
    ("treatments", "possibleTreatment", "MedicalTherapy"),
    ("risk_factors", "riskFactor", "MedicalRiskFactor"),
    ("tests", "typicalTest", "MedicalTest"),
)


def _about(about: About, aliases: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": about.schema_type, "name": about.name}
    if aliases:
        data["alternateName"] = list(aliases)
    for field, prop, item_type in _ABOUT_LISTS:
        refs: tuple[Ref, ...] = getattr(about, field)
        if refs:
            data[prop] = [{"@type": item_type, "name": ref.name} for ref in refs]
    if about.codes:
        data["code"] = [
            {"@type": "MedicalCode", "codeValue": code.value, "codingSystem": code.system} for code in about.codes
        ]
    return data


def to_script_json(data: Any) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the front matter says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
