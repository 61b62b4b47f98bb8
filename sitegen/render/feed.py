"""An Atom feed of the most recently checked published pages (not "reviewed": most are not yet signed off)."""

from __future__ import annotations

from sitegen.model import OutputFile, Site
from sitegen.render import views
from sitegen.render.context import FeedContext, FeedEntry
from sitegen.render.templates import Templates

FEED_LENGTH = 50


def render_feed(site: Site, templates: Templates) -> OutputFile:
    config = site.config
    published = [a for a in site.articles if a.meta.status == "published" and not a.is_home]
    newest = sorted(published, key=lambda a: (a.meta.last_reviewed, a.url_path), reverse=True)[:FEED_LENGTH]
    entries: list[FeedEntry] = [
        {
            "title": a.meta.title,
            "url": views.absolute_url(config, a.url_path),
            "summary": a.meta.summary,
            "published": f"{a.meta.date_published.isoformat()}T00:00:00Z",
            "updated": f"{a.meta.last_reviewed.isoformat()}T00:00:00Z",
            "authors": [person.name for person in a.meta.authors],
        }
        for a in newest
    ]
    # The feed's date comes from the content, never the clock, so rebuilding changes nothing.
    updated = entries[0]["updated"] if entries else "1970-01-01T00:00:00Z"
    context: FeedContext = {
        "site": views.site_view(config),
        "feed_url": views.absolute_url(config, "feed.xml"),
        "updated": updated,
        "entries": entries,
    }
    return OutputFile("feed.xml", templates.render("feed.xml", context).encode("utf-8"))
