"""The build as one linear sequence: load everything, check it, render everything, write once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.articles.loader import find_collisions, find_content_files, find_missing_related
from sitegen.assets import collect_assets
from sitegen.config import load_config
from sitegen.errors import Problem, SiteError, display_path
from sitegen.model import Article, OutputFile, Site, SiteConfig
from sitegen.render.feed import render_feed
from sitegen.render.pages import RenderSettings, plan_neighbours, render_listings
from sitegen.render.sitemap import render_robots, render_sitemap
from sitegen.render.views import TOPICS_DIR
from sitegen.workers import Workers, WorkerSetup
from sitegen.writer import Staging, check_output_dir, write_file

RESERVED_URL_DIRS = (TOPICS_DIR, "assets", "pagefind")

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
    out_dir: str  # as editors see it: relative to the project when inside it


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def load_site(paths: Paths, options: BuildOptions, config: SiteConfig, files: list[Path], workers: Workers) -> Site:
    """Read and validate every article; raises SiteError listing every problem found."""
    problems: list[Problem] = []
    articles: list[Article] = []
    for chunk in workers.load(files):
        for article, found in chunk:
            problems.extend(found)
            if article is not None:
                articles.append(article)
    articles.sort(key=lambda article: article.url_path)
    content_prefix = paths.shown(paths.content_dir)
    shown_articles = [replace(article, source_path=f"{content_prefix}/{article.source_path}") for article in articles]
    problems.extend(find_collisions(shown_articles))
    problems.extend(find_missing_related(shown_articles))
    problems.extend(_reserved_urls(shown_articles))
    if problems:
        raise SiteError(problems)
    return Site(config, tuple(articles), workers.local.setup.build_date)


def content_files(paths: Paths) -> list[Path]:
    """Every article file, in a stable order; SiteError for anything else found in the content folder."""
    if not paths.content_dir.is_dir():
        raise SiteError([Problem(paths.shown(paths.content_dir), 0, "", "is not a folder", "check --content")])
    files, problems = find_content_files(paths.content_dir)
    if problems:
        prefix = paths.shown(paths.content_dir)
        raise SiteError([replace(problem, path=f"{prefix}/{problem.path}") for problem in problems])
    return files


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
    config = load_config(paths.config_file, paths.shown(paths.config_file), options.base_url)
    assets, asset_problems = collect_assets(paths.static_dir, paths.project_root.resolve())
    if asset_problems:
        raise SiteError(asset_problems)
    files = content_files(paths)
    staging = Staging(out_dir)
    try:
        setup = WorkerSetup(
            render=RenderSettings(
                config=config,
                templates_dir=paths.templates_dir,
                asset_urls=tuple((a.name, config.base_path + a.output_path) for a in assets),
                content_dir_in_repo=paths.shown(paths.content_dir),
                shown_root=paths.project_root.resolve(),
            ),
            content_dir=paths.content_dir,
            project_root=paths.project_root,
            build_date=build_date(),
            drafts=options.drafts,
            stage=staging.path,
        )
        with Workers(setup, options.jobs, len(files)) as workers:
            site = load_site(paths, options, config, files, workers)
            pages = _render_all(site, workers, staging.path, progress)
        for asset in assets:
            target = staging.path / asset.output_path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.source, target)
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    return BuildResult(pages, pages + len(assets), time.perf_counter() - started, paths.shown(out_dir))


def _render_all(site: Site, workers: Workers, stage: Path, progress: ProgressCallback | None) -> int:
    plans = plan_neighbours(site)
    tasks = [(article, plans[article.url_path]) for article in site.articles if not article.is_home]
    problems: list[Problem] = []
    done = 0
    for chunk_problems, chunk_size in workers.render(tasks):
        problems.extend(chunk_problems)
        done += chunk_size
        if progress is not None:
            progress(done, len(tasks))
    if problems:
        raise SiteError(problems)
    renderer = workers.local.renderer
    outputs: list[OutputFile] = render_listings(site, renderer)
    outputs += [
        render_sitemap(site, renderer.templates),
        render_robots(site, renderer.templates),
        render_feed(site, renderer.templates),
    ]
    for output in outputs:
        write_file(stage, output)
    return len(tasks) + sum(1 for output in outputs if output.path.endswith(".html"))
