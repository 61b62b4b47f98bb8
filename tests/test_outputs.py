"""What the build writes: pretty URLs, listings, absolute URLs, hashed assets, drafts, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.sample_site import run_build

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(project: Path, *args: str) -> Path:
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr
    return project / "_site"


def test_pretty_urls_and_listings(project: Path) -> None:
    site = build(project)
    assert (site / "numb-hands" / "index.html").is_file()
    hands = (site / "topics" / "hands" / "index.html").read_text()
    assert hands.index(">Numb hands") < hands.index(">Neck pain") < hands.index(">Seeing a doctor")
    assert "There are no pages on this topic yet." in (site / "topics" / "empty" / "index.html").read_text()
    home = (site / "index.html").read_text()
    assert '<a href="/neck-pain/">Neck pain</a>' in home
    assert "Welcome to the sample site." in home


def test_sitemap_and_feed_are_valid_xml_with_absolute_urls(project: Path) -> None:
    site = build(project)
    locs = [el.text for el in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert "https://health.example/numb-hands/" in locs
    assert "https://health.example/topics/hands/" in locs
    assert all(loc and loc.startswith("https://health.example/") for loc in locs)
    feed = ET.parse(site / "feed.xml").getroot()
    titles = [el.text for el in feed.iter(f"{ATOM}title")]
    assert 'Numb hands & "pins" </title><script>' in titles  # escaped in the file, intact once parsed
    links = [el.get("href") for el in feed.iter(f"{ATOM}link")]
    assert all(link and link.startswith("https://health.example/") for link in links)
    assert (
        site / "robots.txt"
    ).read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://health.example/sitemap.xml\n"


def test_base_url_override_reaches_every_absolute_and_site_relative_url(project: Path) -> None:
    site = build(project, "--base-url", "https://preview.example/pr-7")
    page = (site / "numb-hands" / "index.html").read_text()
    assert '<link rel="canonical" href="https://preview.example/pr-7/numb-hands/">' in page
    assert 'href="/pr-7/neck-pain/"' in page  # a site-relative link written in the article body
    assert re.search(r'href="/pr-7/assets/css/site\.[0-9a-f]{10}\.css"', page)
    assert "https://health.example" not in "".join(p.read_text() for p in site.rglob("*.xml"))


def test_changed_stylesheet_gets_a_new_name(project: Path) -> None:
    first = {p.name for p in build(project).rglob("site.*.css")}
    with (project / "static" / "css" / "site.css").open("a") as css:
        css.write("\n/* changed */\n")
    second = {p.name for p in build(project).rglob("site.*.css")}
    assert len(first) == len(second) == 1
    assert first != second


def test_drafts_only_with_the_option(project: Path) -> None:
    assert not (build(project) / "guides" / "draft-page").exists()
    page = (build(project, "--drafts") / "guides" / "draft-page" / "index.html").read_text()
    assert '<meta name="robots" content="noindex">' in page
    assert "this page is draft and is not published" in page
    assert "draft-page" not in (project / "_site" / "sitemap.xml").read_text()


def test_hostile_text_is_escaped_and_bodies_never_run_as_templates(project: Path) -> None:
    page = (build(project) / "numb-hands" / "index.html").read_text()
    assert "<title>Numb hands &amp; &#34;pins&#34; &lt;/title&gt;&lt;script&gt; (paraesthesia)" in page
    assert "{{ 7*7 }} and {% include &#34;x&#34; %}" in page or '{{ 7*7 }} and {% include "x" %}' in page
    assert "stays as it is: 49" not in page
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json_ld is not None and "<" not in json_ld.group(1)
    html = "".join(p.read_text() for p in (project / "_site").rglob("*.html"))
    assert "alert(" not in html and "onclick" not in html and "javascript:" not in html.lower()
    scripts = re.findall(r"<script[^>]*>", html)
    inline = [tag for tag in scripts if "src=" not in tag and tag != '<script type="application/ld+json">']
    assert inline == []


def test_citations_are_numbered_and_link_both_ways(project: Path) -> None:
    page = (build(project) / "numb-hands" / "index.html").read_text()
    assert '<sup class="cite" id="cite-nhs-pins-2"><a aria-label="Source 1" href="#source-nhs-pins"' in page
    assert '<li id="source-mlp">' in page and 'href="#cite-mlp-1"' in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids must be unique"
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids, f"#{target} points nowhere"


def test_summary_line_and_no_progress_output_when_not_a_terminal(project: Path) -> None:
    result = run_build(project)
    assert result.stderr == ""
    assert re.fullmatch(r"Built 10 pages \(13 files\) in \d+\.\d\d s into _site/\n", result.stdout)
