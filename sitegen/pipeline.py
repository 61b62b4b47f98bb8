"""The build as one linear sequence: load everything, check it, render everything, write once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.articles.loader import find_collisions, find_content_files, find_missing_related, load_article
from sitegen.assets import Asset, collect_assets
from sitegen.config import load_config
from sitegen.errors import Problem, SiteError, display_path
from sitegen.model import Article, OutputFile, Site
from sitegen.render.feed import render_feed
from sitegen.render.pages import ArticleRenderer, Neighbours, RenderSettings, plan_neighbours, render_listings
from sitegen.render.sitemap import render_robots, render_sitemap
from sitegen.render.views import TOPICS_DIR
from sitegen.writer import Staging, check_output_dir, write_file

RESERVED_URL_DIRS = (TOPICS_DIR, "assets", "pagefind")
# Below this many articles a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64
CHUNK_SIZE = 32

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Paths:
    project_root: Path
    config_file: Path
    content_dir: Path
    templates_dir: Path
    static_dir: Path
    out_dir: Path

    @classmethod
    def for_project(
        cls, root: Path, config: Path | None = None, content: Path | None = None, out: Path | None = None
    ) -> Paths:
        return cls(
            project_root=root,
            config_file=config or root / "site.yml",
            content_dir=content or root / "content",
            templates_dir=root / "templates",
            static_dir=root / "static",
            out_dir=out or root / "_site",
        )

    def shown(self, path: Path) -> str:
        return display_path(path.resolve(), self.project_root.resolve())


@dataclass(frozen=True)
class BuildOptions:
    base_url: str = ""
    drafts: bool = False
    force: bool = False
    jobs: int = 0  # 0: one per core


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    out_dir: Path


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def load_site(paths: Paths, options: BuildOptions) -> tuple[Site, list[Asset]]:
    """Read and validate everything; raises SiteError listing every problem found."""
    config = load_config(paths.config_file, paths.shown(paths.config_file), options.base_url)
    today = build_date()
    if not paths.content_dir.is_dir():
        raise SiteError([Problem(paths.shown(paths.content_dir), 0, "", "is not a folder", "check --content")])
    files, problems = find_content_files(paths.content_dir)
    content_prefix = paths.shown(paths.content_dir)
    problems = [Problem(f"{content_prefix}/{p.path}", p.line, p.field, p.message, p.hint) for p in problems]
    articles: list[Article] = []
    for path in files:
        article, found = load_article(path, paths.content_dir, paths.shown(path), config, today)
        problems.extend(found)
        if article is not None and (article.meta.status == "published" or _is_draft_wanted(article, options)):
            articles.append(article)
    articles.sort(key=lambda article: article.url_path)
    shown_articles = [_shown_in_project(article, content_prefix) for article in articles]
    problems.extend(find_collisions(shown_articles))
    problems.extend(find_missing_related(shown_articles))
    problems.extend(_reserved_urls(shown_articles))
    assets, asset_problems = collect_assets(paths.static_dir, paths.project_root.resolve())
    problems.extend(asset_problems)
    if problems:
        raise SiteError(problems)
    return Site(config, tuple(articles), today, options.drafts), assets


def _is_draft_wanted(article: Article, options: BuildOptions) -> bool:
    return options.drafts and article.meta.status in ("draft", "in-review")


def _shown_in_project(article: Article, content_prefix: str) -> Article:
    return replace(article, source_path=f"{content_prefix}/{article.source_path}")


def _reserved_urls(articles: list[Article]) -> list[Problem]:
    return [
        Problem(
            article.source_path,
            0,
            "",
            f"its web address would clash with the site's own /{reserved}/ pages",
            "move or rename the file",
        )
        for article in articles
        for reserved in RESERVED_URL_DIRS
        if article.url_path.startswith(reserved + "/")
    ]


def build_site(paths: Paths, options: BuildOptions, progress: ProgressCallback | None = None) -> BuildResult:
    started = time.perf_counter()
    out_dir = check_output_dir(
        paths.out_dir, paths.project_root, (paths.content_dir, paths.templates_dir, paths.static_dir), options.force
    )
    site, assets = load_site(paths, options)
    settings = RenderSettings(
        config=site.config,
        templates_dir=paths.templates_dir,
        asset_urls=tuple((a.name, site.config.base_path + a.output_path) for a in assets),
        content_dir_in_repo=paths.shown(paths.content_dir),
        shown_root=paths.project_root.resolve(),
    )
    staging = Staging(out_dir)
    try:
        pages = _render_all(site, settings, staging.path, options.jobs, progress)
        for asset in assets:
            target = staging.path / asset.output_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.source, target)
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return BuildResult(pages, pages + len(assets), time.perf_counter() - started, paths.out_dir)


def _render_all(site: Site, settings: RenderSettings, stage: Path, jobs: int, progress: ProgressCallback | None) -> int:
    renderer = ArticleRenderer(settings)
    plans = plan_neighbours(site)
    work = [(article, plans[article.url_path]) for article in site.articles if not article.is_home]
    total = len(work)
    problems: list[Problem] = []
    done = 0
    for chunk_problems, chunk_size in _render_articles(work, settings, stage, jobs, renderer):
        problems.extend(chunk_problems)
        done += chunk_size
        if progress is not None:
            progress(done, total)
    if problems:
        raise SiteError(problems)
    outputs: list[OutputFile] = render_listings(site, renderer)
    outputs += [
        render_sitemap(site, renderer.templates),
        render_robots(site, renderer.templates),
        render_feed(site, renderer.templates),
    ]
    for output in outputs:
        write_file(stage, output)
    return total + sum(1 for output in outputs if output.path.endswith(".html"))


def _render_articles(
    work: list[tuple[Article, Neighbours]], settings: RenderSettings, stage: Path, jobs: int, renderer: ArticleRenderer
) -> Iterator[tuple[list[Problem], int]]:
    jobs = jobs or os.cpu_count() or 1
    chunks = [work[i : i + CHUNK_SIZE] for i in range(0, len(work), CHUNK_SIZE)]
    if jobs == 1 or len(work) < PARALLEL_THRESHOLD:
        for chunk in chunks:
            yield _render_chunk_with(renderer, stage, chunk), len(chunk)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(settings, stage)) as pool:
        for chunk, chunk_problems in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
            yield chunk_problems, len(chunk)


# Per-process state for worker processes: each builds its Markdown and Jinja objects once, not per page.
_worker: tuple[ArticleRenderer, Path] | None = None


def _start_worker(settings: RenderSettings, stage: Path) -> None:
    global _worker
    _worker = (ArticleRenderer(settings), stage)


def _render_chunk(chunk: list[tuple[Article, Neighbours]]) -> list[Problem]:
    assert _worker is not None
    renderer, stage = _worker
    return _render_chunk_with(renderer, stage, chunk)


def _render_chunk_with(
    renderer: ArticleRenderer, stage: Path, chunk: list[tuple[Article, Neighbours]]
) -> list[Problem]:
    problems: list[Problem] = []
    for article, neighbours in chunk:
        try:
            write_file(stage, renderer.render(article, neighbours))
        except SiteError as exc:
            problems.extend(exc.problems)
    return problems
