"""The search index in shards (sitegen/write/search_index.py, static/js/search.js), on a FIXTURE site: the sample site
plus four pages of its own. The same finished pages are indexed twice with the real Pagefind: in one bundle, as
every site of up to `SHARD_PAGES` searchable pages is, and two pages per shard, which forces four shards. Chromium
then runs the same searches against both and must show the same first result, the same count and the same pages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sitegen.write import search_index
from sitegen.write.search_index import SEARCH_BUNDLE_DIR, SHARDS_DIR, index_site, searchable_pages
from tests.chromium import needs_chromium
from tests.published_site import Served, serve_folder
from tests.sample_site import make_project, run_build

PAGE = """---
title: {title}
type: guide
status: published
summary: A sample guide for the search shard tests, about {topic}.
topics: [hands]
authors: [{{name: Editorial team, role: Health writers}}]
date_published: 2025-01-10
last_reviewed: 2025-02-01
next_review_due: 2027-02-01
sources:
  - {{id: a, title: Source A, publisher: NHS, url: "https://www.nhs.uk/a/", accessed: 2025-01-05, kind: review}}
  - {{id: b, title: Source B, publisher: NHS, url: "https://www.nhs.uk/b/", accessed: 2025-01-05, kind: study}}
---

{body}[^a] Ask your GP if it does not help.[^b]
"""
PAGES = {
    "wrist-splints": ("Wrist splints", "splints", "A wrist splint keeps the wrist straight while you sleep."),
    "typing-breaks": ("Typing breaks", "typing", "Short breaks from typing let tired fingers rest."),
    "cold-weather": ("Cold weather", "cold hands", "Gloves keep fingers warm on cold mornings."),
    "garden-tools": ("Garden tools", "gardening", "Tools with thick handles are easier to grip in the garden."),
}
# Each query and the page it must find first, with one index as with four shards. Each shard ranks its pages with
# its own word statistics, so pages that match about equally well ("fingers" here) may come in another order.
QUERIES = {
    "wrist splint": "/guides/wrist-splints/",
    "typing": "/guides/typing-breaks/",
    "gloves": "/guides/cold-weather/",
    "thick handles": "/guides/garden-tools/",
    "neck pain": "/neck-pain/",
    "numb": "/numb-hands/",
}


@dataclass
class Sites:
    single: Path
    sharded: Path


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("search-shards")
    project = make_project(root / "project")
    for slug, (title, topic, body) in PAGES.items():
        text = PAGE.format(title=title, topic=topic, body=body)
        (project / "content" / "guides" / f"{slug}.md").write_text(text, encoding="utf-8")
    result = run_build(project, "--no-search")
    assert result.returncode == 0, result.stderr
    single, sharded = root / "single", root / "sharded"
    shutil.copytree(project / "_site", single)
    shutil.copytree(project / "_site", sharded)
    assert index_site(single) is None
    assert index_site(sharded, shard_pages=2) is None
    return Sites(single, sharded)


def page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def test_every_searchable_page_is_in_exactly_one_shard(sites: Sites) -> None:
    pages = searchable_pages(sites.single)
    assert len(pages) == 7, pages
    bundle = sites.sharded / SEARCH_BUNDLE_DIR
    listed = json.loads((bundle / "synonyms.json").read_text(encoding="utf-8"))["shards"]
    assert listed == [f"{SHARDS_DIR}/{number}/" for number in range(1, 4)]
    counts = [page_count(bundle)] + [page_count(bundle / shard) for shard in listed]
    assert counts == [2, 2, 2, 1]
    assert page_count(sites.single / SEARCH_BUNDLE_DIR) == 7
    assert json.loads((sites.single / SEARCH_BUNDLE_DIR / "synonyms.json").read_text(encoding="utf-8"))["shards"] == []
    assert not (sites.single / SEARCH_BUNDLE_DIR / SHARDS_DIR).exists()
    assert not [path.name for path in sites.sharded.iterdir() if path.name.startswith(".search-shard")]


def test_only_marked_pages_are_searchable_unless_none_is(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<main data-pagefind-body>A</main>", encoding="utf-8")
    (tmp_path / "index.html").write_text("<main>home</main>", encoding="utf-8")
    (tmp_path / SEARCH_BUNDLE_DIR).mkdir()
    (tmp_path / SEARCH_BUNDLE_DIR / "old.html").write_text("<main data-pagefind-body>old</main>", encoding="utf-8")
    assert searchable_pages(tmp_path) == ["a/index.html"]
    (tmp_path / "a" / "index.html").write_text("<main>A</main>", encoding="utf-8")
    assert searchable_pages(tmp_path) == ["a/index.html", "index.html"]


def test_shards_are_copied_where_hard_links_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file system without hard links (FAT, some network shares) cannot be mounted here; refuse them instead.
    def refuse(self: Path, target: Path) -> None:
        raise OSError("hard links are not supported")

    source = tmp_path / "page.html"
    source.write_text("<main data-pagefind-body>text</main>", encoding="utf-8")
    monkeypatch.setattr(Path, "hardlink_to", refuse)
    search_index._link(source, tmp_path / "tree" / "page.html")
    assert (tmp_path / "tree" / "page.html").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served(sites: Sites) -> Iterator[tuple[Served, Served]]:
    with serve_folder(sites.single) as single, serve_folder(sites.sharded) as sharded:
        yield single, sharded


def results(browser: Browser, site: Served, query: str) -> tuple[str, list[str]]:
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(site.url("/search/?q=" + query.replace(" ", "+")), wait_until="networkidle")
        page.wait_for_selector("#search-status:text-matches('found for|not working')", timeout=15_000)
        assert not errors, errors
        links = page.locator("#search-results li h2 a")
        hrefs = [links.nth(index).get_attribute("href") or "" for index in range(links.count())]
        return page.locator("#search-status").inner_text(), hrefs
    finally:
        context.close()


@needs_chromium
@pytest.mark.parametrize("query", list(QUERIES))
def test_the_same_queries_find_the_same_first_results_in_shards(
    browser: Browser, served: tuple[Served, Served], query: str
) -> None:
    single, sharded = served
    status, hrefs = results(browser, single, query)
    shard_status, shard_hrefs = results(browser, sharded, query)
    assert "found for" in status and hrefs, status
    assert hrefs[0].split("#")[0] == QUERIES[query], hrefs
    assert shard_hrefs[:1] == hrefs[:1]
    assert shard_status == status
    assert sorted(shard_hrefs) == sorted(hrefs)
