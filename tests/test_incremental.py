"""Incremental rebuilds of the preview, on real files: the result must equal a full build."""

from __future__ import annotations

from pathlib import Path

from sitegen.build.incremental import LiveSite
from sitegen.build.pipeline import build_site
from sitegen.read.project import BuildOptions, Paths
from sitegen.render.pages import neighbours_of, plan_neighbours
from tests.test_golden import tree

# Saves do not refresh the search index (Pagefind re-indexes the whole site), so these builds skip it.
OPTIONS = BuildOptions(base_url="http://127.0.0.1:9/", force=True, hash_assets=False, search=False)


def test_a_template_and_an_article_saved_together(project: Path, tmp_path: Path) -> None:
    live = LiveSite(Paths.for_project(project, out=tmp_path / "served"), OPTIONS)
    live.full()
    template = project / "templates" / "topic.html"
    template.write_text(template.read_text().replace("<h1>", '<h1 class="topic-title">'))
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("title: Neck pain", "title: Sore neck"))
    update = live.apply({template, article})
    assert update.reload_path == "*" and update.pages > 1
    build_site(Paths.for_project(project, out=tmp_path / "fresh"), OPTIONS)
    assert tree(tmp_path / "served") == tree(tmp_path / "fresh")


def test_a_text_edit_writes_one_page_and_a_stylesheet_edit_none(project: Path, tmp_path: Path) -> None:
    live = LiveSite(Paths.for_project(project, out=tmp_path / "served"), OPTIONS)
    live.full()
    article = project / "content" / "neck-pain.md"
    article.write_text(article.read_text().replace("Neck pain is common.", "Neck pain is very common."))
    assert live.apply({article}).pages == 1
    stylesheet = project / "static" / "css" / "site.css"
    stylesheet.write_text("body { margin: 0; }\n")
    assert live.apply({stylesheet}).reload_path == "site.css"
    build_site(Paths.for_project(project, out=tmp_path / "fresh"), OPTIONS)
    assert tree(tmp_path / "served") == tree(tmp_path / "fresh")


def test_one_page_planned_alone_has_the_neighbours_the_whole_site_plan_gives_it(project: Path, tmp_path: Path) -> None:
    """A text edit renders its page from that page's plan alone (`neighbours_of`), not the whole site's."""
    site = build_site(Paths.for_project(project, out=tmp_path / "out"), OPTIONS).site
    whole = plan_neighbours(site)
    for part in ("previous", "next", "related"):  # the fixture has each kind of neighbour
        assert any(getattr(plan, part) for plan in whole.values()), part
    for article in site.articles:
        assert neighbours_of(site, article) == whole[article.url_path], article.source_path
