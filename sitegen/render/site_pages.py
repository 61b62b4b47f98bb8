"""The pages made from the whole site rather than one article: home, topics, search, 404, sitemap,
robots.txt, feed, and the `_headers` file."""

from __future__ import annotations

from sitegen.model import OutputFile, Site
from sitegen.render.feed import render_feed
from sitegen.render.pages import ArticleRenderer, render_listings
from sitegen.render.security_policy import headers_file
from sitegen.render.sitemap import render_robots, render_sitemap


def render_site_pages(site: Site, renderer: ArticleRenderer) -> list[OutputFile]:
    return [
        *render_listings(site, renderer),
        render_sitemap(site, renderer.templates),
        render_robots(site, renderer.templates),
        render_feed(site, renderer.templates),
        OutputFile("_headers", headers_file(admin=renderer.settings.admin).encode("utf-8")),
    ]
