"""Rebuild only what a save changed, with the same output a full build would give.

An edit to one article's text re-renders that page alone. An edit that changes what other pages show of an
article (its title, summary, dates, topics, address, status) also re-renders the pages whose neighbours
changed and the listings, sitemap and feed, writing only files whose bytes differ. Templates, site.yml and
added or removed assets need a full build. Site-wide near-duplicate warnings are left to full builds.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.build.pipeline import BuildResult, EarlyHook, build_site
from sitegen.check.article import check_body, check_fields
from sitegen.errors import Problem, Severity, SiteError, display_path
from sitegen.model import Article, OutputFile, Site
from sitegen.read.loader import find_collisions, find_missing_related, load_article, shown_in_project
from sitegen.read.project import BuildOptions, Paths
from sitegen.render.markdown import RenderedBody
from sitegen.render.pages import ArticleRenderer, Neighbours, RenderSettings, neighbours_of, plan_neighbours
from sitegen.render.redirects import read_page_moves
from sitegen.render.site_pages import render_site_pages
from sitegen.write.assets import Asset
from sitegen.write.writer import MARKER, MARKER_TEXT, make_folders_below, write_file

SITE_PAGE_TEMPLATES = frozenset(
    {"home.html", "topic.html", "topics.html", "404.html", "search.html", "sitemap.xml", "feed.xml", "robots.txt"}
)


@dataclass(frozen=True)
class Update:
    pages: int  # pages written
    reload_path: str  # "*" for a page reload; a stylesheet's name to swap just that
    full: bool = False  # a full build was needed


def listing_key(article: Article) -> tuple[object, ...]:
    """Everything other pages (listings, neighbours, sitemap, feed) show of an article."""
    meta = article.meta
    return (
        article.url_path,
        meta.slug,
        meta.title,
        meta.summary,
        meta.type,
        meta.status,
        meta.topics,
        meta.last_reviewed,
        meta.date_published,
        meta.authors,
        article.is_home and article.body,
    )


class LiveSite:
    def __init__(self, paths: Paths, options: BuildOptions) -> None:
        self.paths = paths
        self.options = options
        self.result: BuildResult | None = None
        self.renderer: ArticleRenderer | None = None
        self.articles: dict[str, Article] = {}
        self._plans: dict[str, Neighbours] | None = None  # planned when a change needs them all (see `plans`)
        self.bodies: dict[str, RenderedBody] = {}  # the edited articles' parsed bodies, from check to render
        self._early: _EarlyPages | None = None
        self.moving: set[str] = set()  # files (as shown) whose redirects or retired page the last full build wrote
        self.touched: set[str] = set()  # output files (relative, POSIX) the last `apply` wrote or removed

    @classmethod
    def resume(cls, paths: Paths, options: BuildOptions, result: BuildResult) -> LiveSite:
        """Carry on from a finished build (the command line's incremental builds)."""
        live = cls(paths, options)
        live._adopt(result)
        return live

    def full(self, on_loaded: EarlyHook | None = None) -> BuildResult:
        result = build_site(self.paths, self.options, on_loaded=on_loaded)
        self._adopt(result)
        return result

    def _adopt(self, result: BuildResult) -> None:
        self.result = result
        self.renderer = ArticleRenderer(result.render_settings)
        self.articles = {article.source_path: article for article in result.site.articles}
        self._plans = None
        moves = result.moves
        if moves is not None:
            self.moving = {r.source for r in moves.redirects} | {page.source for page in moves.retired}

    @property
    def plans(self) -> dict[str, Neighbours]:
        """Every article's neighbours in the current site, planned on first use: an edit that changes no listing
        needs only its own page's, so resuming from the last build (the command line's incremental build) skips
        planning 10,000 pages."""
        if self._plans is None:
            assert self.result is not None
            self._plans = plan_neighbours(self.result.site)
        return self._plans

    def serve_early(self, site: Site, settings: RenderSettings, assets: list[Asset]) -> None:
        """Before the first build has rendered its pages: write the site-wide pages and assets into the served
        folder, and render article pages when they are asked for. The finished build then replaces it all."""
        out = self.paths.out_dir
        out.mkdir(exist_ok=True)  # not its parent: if the preview was stopped meanwhile, fail instead
        write_file(out, OutputFile(MARKER, MARKER_TEXT))
        for asset in assets:
            target = out / asset.output_path
            make_folders_below(out, target.parent)
            shutil.copyfile(asset.source, target)
        renderer = ArticleRenderer(settings)
        outputs = render_site_pages(site, renderer)
        for output in outputs:
            _write_if_changed(out, output)
        self._early = _EarlyPages(renderer, {a.url_path: a for a in site.articles}, plan_neighbours(site))

    def render_if_missing(self, request_path: str) -> None:
        """Called for every request while the first build runs: render an article page not yet written."""
        early = self._early
        if early is None:
            return
        url_path = request_path.removesuffix("index.html").strip("/")
        url_path = f"{url_path}/" if url_path else ""
        article = early.articles.get(url_path)
        if article is None or article.is_home or (self.paths.out_dir / url_path / "index.html").is_file():
            return
        with early.lock:
            _write_if_changed(self.paths.out_dir, early.renderer.render(article, early.plans[url_path]))

    def first_build_done(self) -> None:
        self._early = None

    def apply(self, changed: Iterable[Path]) -> Update:
        """Bring the output up to date after these files changed; SiteError (output untouched) on problems."""
        changed = sorted(set(changed))
        self.touched = set()
        if self.result is None or self.renderer is None or any(self._needs_full(path) for path in changed):
            result = self.full()
            return Update(result.pages, "*", full=True)
        written = 0
        templates = _under(changed, self.paths.templates_dir)
        if templates:
            written += self._rerender_site_pages()
        content = _under(changed, self.paths.content_dir)
        if content:
            written += self._apply_content(content)
        assets = _under(changed, self.paths.static_dir)
        self._copy_assets(assets)
        only_a_stylesheet = len(changed) == 1 and assets and assets[0].suffix == ".css"
        return Update(written, assets[0].name if only_a_stylesheet else "*")

    def _copy_assets(self, assets: list[Path]) -> None:
        for asset in assets:
            target = self.paths.out_dir / "assets" / asset.relative_to(self.paths.static_dir)
            shutil.copyfile(asset, target)
            self.touched.add(target.relative_to(self.paths.out_dir).as_posix())

    def _write(self, output: OutputFile) -> bool:
        self.touched.add(output.path)
        return _write_if_changed(self.paths.out_dir, output)

    def _needs_full(self, path: Path) -> bool:
        if path.is_relative_to(self.paths.content_dir):
            return self._moves_page(path)
        if path.is_relative_to(self.paths.templates_dir):
            # Templates used only by the site-wide pages; article pages use the others (and base.html).
            return path.relative_to(self.paths.templates_dir).as_posix() not in SITE_PAGE_TEMPLATES
        if path.is_relative_to(self.paths.static_dir):
            target = self.paths.out_dir / "assets" / path.relative_to(self.paths.static_dir)
            return not (path.is_file() and target.is_file())  # an added or removed asset changes asset()
        return True  # templates, site.yml, rules/red-flags.yml

    def _moves_page(self, path: Path) -> bool:
        """A page that declares (or declared) old addresses or is retired: its redirect pages, its "removed" page
        and `_redirects` are site-wide, so a full build writes them."""
        shown = display_path(path.resolve(), self.paths.project_root.resolve())
        declares = path.suffix == ".md" and path.is_file() and read_page_moves(path, self.paths.content_dir, shown)[0]
        return shown in self.moving or bool(declares)

    def _rerender_site_pages(self) -> int:
        """A template of the home, topic, 404, sitemap, feed or robots page changed: render those again."""
        assert self.result is not None
        self.renderer = ArticleRenderer(self.result.render_settings)  # a fresh template environment
        site = self.result.site
        outputs = render_site_pages(site, self.renderer)
        return sum(self._write(output) for output in outputs)

    def _apply_content(self, changed: list[Path]) -> int:
        assert self.result is not None and self.renderer is not None
        site = self.result.site
        articles, touched, problems = self._load_changed(changed)
        # Only the changed articles can differ in what other pages show of them.
        same_listing = articles.keys() == self.articles.keys() and all(
            listing_key(articles[relative]) == listing_key(self.articles[relative]) for relative in touched
        )
        if same_listing and not touched:
            ordered = list(site.articles)
        else:
            ordered = sorted(articles.values(), key=lambda article: article.url_path)
        problems += self._listing_problems(articles, touched, ordered, same_listing)
        if any(problem.severity is Severity.ERROR for problem in problems):
            raise SiteError(problems)
        new_site = Site(site.config, tuple(ordered), site.build_date)
        plans, outputs = self._content_outputs(new_site, articles, touched, same_listing)
        written = sum(self._write(output) for output in outputs)
        for gone in {a.url_path for a in self.articles.values()} - {a.url_path for a in ordered}:
            _remove_page(self.paths.out_dir, gone)
            self.touched.add(f"{gone}index.html")
        self.articles, self._plans = articles, plans
        self.result = _with_site(self.result, new_site)
        return written

    def _load_changed(self, changed: list[Path]) -> tuple[dict[str, Article], list[str], list[Problem]]:
        """Load and check the changed articles: the new set of articles, the ones that loaded, the problems."""
        assert self.result is not None
        site = self.result.site
        articles = dict(self.articles)
        problems: list[Problem] = []
        touched: list[str] = []
        self.bodies = {}
        root = self.paths.project_root.resolve()
        for path in changed:
            relative = path.relative_to(self.paths.content_dir).as_posix()
            articles.pop(relative, None)
            if not path.is_file() or path.suffix != ".md":
                continue
            shown = display_path(path.resolve(), root)
            article, found = load_article(
                path, self.paths.content_dir, shown, site.config, site.build_date, self.options.drafts
            )
            if article is not None:
                found = found + check_fields(article, shown) + self._check_body(article, shown)
                articles[relative] = article
                touched.append(relative)
            elif relative in self.articles:
                # The page failed to load: its last good version stands in, so links to it are not reported as
                # broken too (one mistake, one message). The preview is not updated while the error stands.
                articles[relative] = self.articles[relative]
            problems.extend(found)
        return articles, touched, problems

    def _check_body(self, article: Article, shown: str) -> list[Problem]:
        """The body's problems, from the parse its page is then rendered from (kept in self.bodies)."""
        assert self.renderer is not None
        try:
            rendered = self.renderer.render_body(article)
        except SiteError as exc:
            return exc.problems
        self.bodies[article.source_path] = rendered
        return check_body(article, rendered, shown)[0]

    def _listing_problems(
        self, articles: dict[str, Article], touched: list[str], ordered: list[Article], same_listing: bool
    ) -> list[Problem]:
        """Broken related links and address collisions the change brought."""
        prefix = display_path(self.paths.content_dir.resolve(), self.paths.project_root.resolve())
        if same_listing:  # the same slugs and addresses: only the edited articles' own links can break
            slugs = frozenset(article.slug for article in ordered)
            return find_missing_related([shown_in_project(articles[relative], prefix) for relative in touched], slugs)
        shown_articles = [shown_in_project(article, prefix) for article in ordered]
        return find_collisions(shown_articles) + find_missing_related(shown_articles)

    def _content_outputs(
        self, new_site: Site, articles: dict[str, Article], touched: list[str], same_listing: bool
    ) -> tuple[dict[str, Neighbours] | None, list[OutputFile]]:
        """The neighbour plans and the pages to write: the edited pages, and when the listing changed also the
        pages whose neighbours changed and the site-wide pages."""
        assert self.renderer is not None
        outputs: list[OutputFile] = []
        if same_listing:
            render = [articles[relative] for relative in touched if not articles[relative].is_home]
            plans = self._plans  # unchanged: the same listings
        else:
            plans = plan_neighbours(new_site)
            render = [
                a
                for a in new_site.articles
                if not a.is_home and (a.source_path in touched or plans[a.url_path] != self.plans.get(a.url_path))
            ]
            outputs = render_site_pages(new_site, self.renderer)
        bodies, self.bodies = self.bodies, {}
        outputs += [
            self.renderer.render(
                article,
                plans[article.url_path] if plans is not None else neighbours_of(new_site, article),
                bodies.get(article.source_path),
            )
            for article in render
        ]
        return plans, outputs


@dataclass
class _EarlyPages:
    renderer: ArticleRenderer
    articles: dict[str, Article]
    plans: dict[str, Neighbours]
    lock: threading.Lock = field(default_factory=threading.Lock)


def _under(paths: list[Path], folder: Path) -> list[Path]:
    return [path for path in paths if path.is_relative_to(folder)]


def _with_site(result: BuildResult, site: Site) -> BuildResult:
    return replace(result, site=site)


def _write_if_changed(root: Path, output: OutputFile) -> bool:
    target = root / output.path
    if target.is_file() and target.read_bytes() == output.data:
        return False
    write_file(root, output)  # readers see the old file or the new one, never half of one
    return True


def _remove_page(root: Path, url_path: str) -> None:
    page = root / url_path / "index.html"
    if page.is_file():
        page.unlink()
    folder = page.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
