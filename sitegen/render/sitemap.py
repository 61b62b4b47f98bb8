"""sitemap.xml and robots.txt: every published page with an absolute URL."""

from __future__ import annotations

from sitegen.model import OutputFile, Site
from sitegen.render import views
from sitegen.render.context import RobotsContext, SitemapContext, SitemapEntry
from sitegen.render.templates import Templates


def render_sitemap(site: Site, templates: Templates) -> OutputFile:
    config = site.config
    published = [a for a in site.articles if a.meta.status == "published"]
    entries: list[SitemapEntry] = [
        {"loc": views.absolute_url(config, a.url_path), "lastmod": a.meta.last_reviewed.isoformat()} for a in published
    ]
    if not any(a.is_home for a in published):
        newest = max((a.meta.last_reviewed for a in published), default=None)
        entries.append({"loc": config.base_url, "lastmod": newest.isoformat() if newest else ""})
    for topic in config.topics:
        dates = [a.meta.last_reviewed for a in published if topic.slug in a.meta.topics]
        entries.append(
            {
                "loc": views.absolute_url(config, views.topic_url_path(topic)),
                "lastmod": max(dates).isoformat() if dates else "",
            }
        )
    context: SitemapContext = {"entries": sorted(entries, key=lambda entry: entry["loc"])}
    return OutputFile("sitemap.xml", templates.render("sitemap.xml", context).encode("utf-8"))


def render_robots(site: Site, templates: Templates) -> OutputFile:
    context: RobotsContext = {"sitemap_url": views.absolute_url(site.config, "sitemap.xml")}
    return OutputFile("robots.txt", templates.render("robots.txt", context).encode("utf-8"))
