"""The build as one linear sequence: load everything, check it, render everything, write once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.build.body_cache import BodyCache
from sitegen.build.workers import RenderTask, Workers, WorkerSetup
from sitegen.check.duplicates import ArticlePrint, duplicates_across_articles
from sitegen.errors import Problem, Severity, SiteError
from sitegen.model import Article, Site, SiteConfig
from sitegen.read.config import load_config
from sitegen.read.loader import (
    find_collisions,
    find_content_files,
    find_missing_related,
    share_equal_values,
    shown_in_project,
)
from sitegen.read.project import ADMIN_DIR, BuildOptions, History, Paths, build_date, content_history
from sitegen.render.cms_config import admin_outputs, vendored_files
from sitegen.render.pages import RenderSettings, plan_neighbours
from sitegen.render.redirects import Plan, plan_moves, read_all_moves, render_moves, reserved_addresses, site_addresses
from sitegen.render.site_pages import render_site_pages
from sitegen.render.views import SEARCH_DIR, TOPICS_DIR
from sitegen.write.assets import Asset, collect_assets
from sitegen.write.search_index import SYNONYMS_FILE, index_site
from sitegen.write.writer import Staging, check_output_dir, copy_file, write_file

RESERVED_URL_DIRS = (TOPICS_DIR, SEARCH_DIR, "assets", "pagefind", ADMIN_DIR)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    out_dir: str  # as editors see it: relative to the project when inside it
    warnings: list[Problem]
    site: Site  # what was built, for the preview's incremental rebuilds
    render_settings: RenderSettings
    moves: Plan | None = None  # redirects and retired pages written (the preview rebuilds in full when they change)


@dataclass(frozen=True)
class LoadedSite:
    site: Site
    warnings: list[Problem]
    shown_paths: list[str]  # each article's path as editors see it, in the same order

    def duplicate_warnings(self, prints: dict[str, ArticlePrint]) -> list[Problem]:
        """Near-duplicate paragraphs across articles (warnings only), from the bodies' fingerprints."""
        articles = [article for article in self.site.articles if article.url_path in prints]
        shown = [
            path
            for article, path in zip(self.site.articles, self.shown_paths, strict=True)
            if article.url_path in prints
        ]
        return duplicates_across_articles(
            articles, [prints[article.url_path] for article in articles], shown, self.site.config.duplicate_allowlist
        )


def load_site(
    paths: Paths, config: SiteConfig, files: list[Path], workers: Workers, file_problems: list[Problem] | None = None
) -> LoadedSite:
    """Read every article and check its fields, or raise SiteError listing every problem found (with
    `file_problems`, those content_files found). When some file has an error, the bodies of the articles that
    loaded are checked too, so an editor sees every problem in one run."""
    problems: list[Problem] = list(file_problems or [])
    articles: list[Article] = []
    for chunk in workers.load(files):
        for result in chunk:
            problems.extend(result.problems)
            if result.article is not None:
                articles.append(result.article)
    articles = share_equal_values(sorted(articles, key=lambda article: article.url_path))
    content_prefix = paths.shown(paths.content_dir)
    shown_articles = [shown_in_project(article, content_prefix) for article in articles]
    problems.extend(find_collisions(shown_articles))
    problems.extend(find_missing_related(shown_articles))
    problems.extend(reserved_url_problems(shown_articles))
    if any(problem.severity is Severity.ERROR for problem in problems):
        for rendered in workers.render([(article, None) for article in articles]):
            problems.extend(rendered.problems)
        raise SiteError(problems)
    site = Site(config, tuple(articles), workers.local.setup.build_date)
    return LoadedSite(site, problems, [a.source_path for a in shown_articles])


def content_files(paths: Paths) -> tuple[list[Path], list[Problem]]:
    """Every article file, in a stable order, and problems with anything else found in the content folder
    (reported together with the articles' own problems, so an editor sees them all in one run)."""
    if not paths.content_dir.is_dir():
        raise SiteError([Problem(paths.shown(paths.content_dir), 0, "", "is not a folder", "check --content")])
    files, problems = find_content_files(paths.content_dir)
    prefix = paths.shown(paths.content_dir)
    return files, [replace(problem, path=f"{prefix}/{problem.path}") for problem in problems]


def reserved_url_problems(articles: list[Article]) -> list[Problem]:
    return [
        Problem(
            article.source_path,
            0,
            "",
            f"its web address would clash with the site's own /{reserved}/ pages",
            "move or rename the file",
            code="LNK004",
        )
        for article in articles
        for reserved in RESERVED_URL_DIRS
        if article.url_path.startswith(reserved + "/")
    ]


EarlyHook = Callable[[Site, RenderSettings, list[Asset]], None]


def build_site(
    paths: Paths,
    options: BuildOptions,
    progress: ProgressCallback | None = None,
    on_loaded: EarlyHook | None = None,
    history: History | None = None,
) -> BuildResult:
    """Build the site. `on_loaded` is called once every article is loaded and its fields checked, before pages are
    rendered (the preview uses it to start serving early; each body is checked as it is rendered). `history` is
    content_history(paths) when the caller has already read it (the cached build does, for its key): `git log`
    over every article is then not run twice."""
    started = time.perf_counter()
    out_dir = check_output_dir(
        paths.out_dir, paths.project_root, (paths.content_dir, paths.templates_dir, paths.static_dir), options.force
    )
    config = load_config(paths.config_file, paths.shown(paths.config_file), options.base_url)
    assets, asset_problems = collect_assets(paths.static_dir, paths.project_root.resolve(), options.hash_assets)
    if asset_problems:
        raise SiteError(asset_problems)
    files, file_problems = content_files(paths)
    last_updated, history_warnings = history if history is not None else content_history(paths)
    body_cache = BodyCache.for_build(
        paths.project_root,
        paths.templates_dir,
        config.base_path,
        tuple((a.name, config.base_path + a.output_path) for a in assets),
    )
    staging = Staging(out_dir)
    made_for_cache: list[Path] = []
    try:
        made_for_cache = body_cache.open()
        setup = WorkerSetup(
            render=RenderSettings(
                config=config,
                templates_dir=paths.templates_dir,
                asset_urls=tuple((a.name, config.base_path + a.output_path) for a in assets),
                content_dir_in_repo=paths.shown(paths.content_dir),
                shown_root=paths.project_root.resolve(),
                last_updated=last_updated,
                admin=bool(vendored_files(paths.project_root)),
            ),
            content_dir=paths.content_dir,
            project_root=paths.project_root,
            build_date=build_date(),
            drafts=options.drafts,
            stage=staging.path,
            body_cache=body_cache,
        )
        with Workers(setup, options.jobs, len(files), options.start_method) as workers:
            loaded = load_site(paths, config, files, workers, file_problems)
            moves = plan_site_moves(paths, files, loaded.site)
            if on_loaded is not None:
                on_loaded(loaded.site, setup.render, assets)
            pages, warnings, prints, cache_entries = _render_all(loaded, workers, staging.path, progress)
            _write_moves(moves, loaded.site, workers, staging.path)
        # Near-duplicates across pages once the worker processes have ended: at 100,000 articles this search is
        # the build's largest moment in memory.
        warnings += loaded.duplicate_warnings(prints)
        del prints
        for asset in assets:
            copy_file(staging.path, asset.source, asset.output_path)
        _write_admin(paths, config, assets, staging.path)
        if options.search:
            synonyms = paths.project_root / SYNONYMS_FILE
            search_problem = index_site(staging.path, synonyms, paths.shown(synonyms))
            if search_problem is not None:
                raise SiteError([search_problem])
        staging.commit()
    except BaseException:
        staging.discard()
        body_cache.discard(made_for_cache)
        raise
    body_cache.save(*cache_entries)  # only after success: a failed build changes nothing
    return BuildResult(
        pages,
        pages + len(assets),
        time.perf_counter() - started,
        paths.shown(out_dir),
        history_warnings + warnings,
        loaded.site,
        setup.render,
        moves,
    )


def _write_admin(paths: Paths, config: SiteConfig, assets: list[Asset], stage: Path) -> None:
    """The form editor at /admin/, when the project vendors one in admin/: its files, its config.yml generated
    from the content model and its index.html (RenderSettings.admin gives it its own policy in `_headers`)."""
    vendored = vendored_files(paths.project_root)
    if not vendored:
        return
    for source in vendored:
        copy_file(stage, source, f"{ADMIN_DIR}/{source.name}")
    stylesheet = next((config.base_path + a.output_path for a in assets if a.name == "css/site.css"), "")
    for output in admin_outputs(config, paths.content_dir, stylesheet, paths.shown(paths.content_dir)):
        write_file(stage, output)


def plan_site_moves(paths: Paths, files: list[Path], site: Site) -> Plan:
    """Redirects for the pages this build writes, and retired pages; SiteError when one cannot work."""
    pages, problems = read_all_moves(files, paths.content_dir, paths.shown(paths.content_dir))
    built = site_addresses(site.config, (article.url_path for article in site.articles))
    plan, plan_problems = plan_moves(pages, built, reserved_addresses(RESERVED_URL_DIRS))
    if problems or plan_problems:
        raise SiteError(problems + plan_problems)
    return plan


def _write_moves(plan: Plan, site: Site, workers: Workers, stage: Path) -> None:
    titles = {article.url_path: article.meta.title for article in site.articles}
    for output in render_moves(plan, workers.local.renderer.templates, site.config, titles):
        write_file(stage, output)


def _render_all(
    loaded: LoadedSite, workers: Workers, stage: Path, progress: ProgressCallback | None
) -> tuple[int, list[Problem], dict[str, ArticlePrint], tuple[set[str], set[str]]]:
    """Render every page, checking each body from the parse that renders it; returns the number of pages, the
    site's warnings (all but the near-duplicates across pages), each body's fingerprint for those, and the
    body-cache entries (new, used). The home page's body is checked here and rendered with the site-wide pages."""
    site = loaded.site
    plans = plan_neighbours(site)
    tasks: list[RenderTask] = [
        (article, None if article.is_home else plans[article.url_path]) for article in site.articles
    ]
    # The worker processes start on the articles now; this process meanwhile does the site-wide work.
    rendering = workers.render(tasks)
    renderer = workers.local.renderer
    outputs = render_site_pages(site, renderer)
    problems: list[Problem] = []
    prints: dict[str, ArticlePrint] = {}
    new: set[str] = set()
    used: set[str] = set()
    done = 0
    for rendered in rendering:
        problems.extend(rendered.problems)
        prints.update(rendered.prints)
        new.update(rendered.cached)
        used.update(rendered.reused)
        done += rendered.articles
        if progress is not None:
            progress(done, len(tasks))
    if any(problem.severity is Severity.ERROR for problem in problems):
        raise SiteError(loaded.warnings + problems)
    for output in outputs:
        write_file(stage, output)
    pages = sum(1 for article in site.articles if not article.is_home)
    pages += sum(1 for output in outputs if output.path.endswith(".html"))
    return pages, loaded.warnings + problems, prints, (new, used)
