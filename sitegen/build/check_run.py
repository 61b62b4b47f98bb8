"""`check`: load the whole site as the build does (writing nothing), run every content check and return every
problem, each with a stable code, file, line and column."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from sitegen.build.inspect import Inspected, Inspection
from sitegen.build.pipeline import RESERVED_URL_DIRS, reserved_url_problems
from sitegen.build.workers import Loaded, Workers, WorkerSetup
from sitegen.check.codes import DEFAULT_CODE, SITE_WIDE
from sitegen.check.duplicates import ArticlePrint, duplicates_across_articles
from sitegen.check.external import unreachable_sources
from sitegen.check.invisible import invisible_characters
from sitegen.check.links import broken_links, linking_pages
from sitegen.check.moves import move_problems
from sitegen.check.page import (
    Claim,
    PageFacts,
)
from sitegen.check.signoff import stale_sign_offs
from sitegen.errors import Problem, Severity, SiteError, display_path
from sitegen.model import Article, SiteConfig
from sitegen.read.config import load_config
from sitegen.read.loader import (
    file_address,
    find_collisions,
    find_content_files,
    find_missing_related,
    shown_in_project,
)
from sitegen.read.project import Paths, build_date
from sitegen.render.pages import RenderSettings
from sitegen.render.views import SEARCH_DIR, TOPICS_DIR
from sitegen.write.search_index import SYNONYMS_FILE, read_synonyms

CLAIMS_FILE = "rules/misleading-claims.yml"
PLACEHOLDER = re.compile(r"\bTODO\b")


@dataclass(frozen=True)
class CheckOptions:
    only: frozenset[str] | None = None  # per-file checks only for these paths (as shown); site-wide ones always
    external_links: bool = False
    jobs: int = 0
    changed_since: str | None = None  # moved pages are compared with this commit (HEAD when None)


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    files: int
    seconds: float


def run_check(paths: Paths, options: CheckOptions) -> CheckResult:
    started = time.perf_counter()
    problems, files = _all_problems(paths, options)
    coded = sorted({_coded(problem) for problem in problems}, key=_order)
    if options.only is not None:
        coded = [p for p in coded if p.code in SITE_WIDE or p.path in options.only]
    return CheckResult(coded, files, time.perf_counter() - started)


def _order(problem: Problem) -> tuple[bool, str, int, int, str, str]:
    """Errors first (in every format), then by file, line and column."""
    warning = problem.severity is not Severity.ERROR
    return (warning, problem.path, problem.line, problem.column, problem.code, problem.message)


def _coded(problem: Problem) -> Problem:
    return problem if problem.code else replace(problem, code=DEFAULT_CODE)


def _all_problems(paths: Paths, options: CheckOptions) -> tuple[list[Problem], int]:
    shown_config = paths.shown(paths.config_file)
    try:
        config = load_config(paths.config_file, shown_config)
    except SiteError as exc:
        return [replace(p, code="SITE001") for p in exc.problems], 0
    claims, claim_problems = _read_rules(paths)
    if not paths.content_dir.is_dir():
        return [Problem(paths.shown(paths.content_dir), 0, "", "is not a folder", "check --content")], 0
    files, file_problems = find_content_files(paths.content_dir)
    content_prefix = paths.shown(paths.content_dir)
    problems = claim_problems + [replace(p, path=f"{content_prefix}/{p.path}") for p in file_problems]
    today = build_date()
    setup = _worker_setup(paths, config, claims, today)
    with Workers(setup, options.jobs, len(files)) as workers:
        loaded_files = [loaded for chunk in workers.load(files) for loaded in chunk]
        site = _collect(paths.content_dir, files, loaded_files, problems)
        articles, unloaded = site.articles, site.unloaded
        shown_articles = [shown_in_project(article, content_prefix) for article in articles]
        tasks = [(article, shown.source_path) for article, shown in zip(articles, shown_articles, strict=True)]
        inspected = [result for chunk in workers.inspect(tasks) for result in chunk]
    problems.extend(_file_problems(paths, files))
    problems.extend(find_collisions(shown_articles))
    problems.extend(find_missing_related(shown_articles, {a.slug for a in shown_articles} | site.unloaded_slugs))
    problems.extend(reserved_url_problems(shown_articles))
    pages = _site_wide_duplicates(articles, [a.source_path for a in shown_articles], inspected, config, problems)
    problems.extend(broken_links(pages, generated_pages(config), unloaded))
    problems.extend(
        stale_sign_offs(paths.content_dir, zip(articles, [a.source_path for a in shown_articles], strict=True), today)
    )
    problems.extend(
        move_problems(
            paths.project_root,
            paths.content_dir,
            files,
            articles,
            config,
            RESERVED_URL_DIRS,
            options.changed_since,
        )
    )
    problems = _say_who_depends(problems, unloaded, linking_pages(pages, unloaded))
    if options.external_links:
        problems.extend(unreachable_sources(shown_articles))
    return problems, len(files)


def _file_problems(paths: Paths, files: list[Path]) -> list[Problem]:
    """Placeholders and invisible characters, read from each file as written."""
    root = paths.project_root.resolve()
    problems: list[Problem] = []
    for path in files:
        problems.extend(placeholder_problems(path, display_path(path.resolve(), root)))
        problems.extend(invisible_characters(path, display_path(path.resolve(), root)))
    return problems


def _worker_setup(paths: Paths, config: SiteConfig, claims: list[Claim], today: dt.date) -> WorkerSetup:
    return WorkerSetup(
        inspect=Inspection(paths.static_dir, tuple(claims)),
        render=RenderSettings(
            config=config,
            templates_dir=paths.templates_dir,
            asset_urls=(),
            content_dir_in_repo=paths.shown(paths.content_dir),
            shown_root=paths.project_root.resolve(),
        ),
        content_dir=paths.content_dir,
        project_root=paths.project_root,
        build_date=today,
        drafts=True,  # drafts and pages in review are checked in full too
        stage=None,
    )


def _read_rules(paths: Paths) -> tuple[list[Claim], list[Problem]]:
    """The misleading-claims list, and the mistakes in it and in the search synonyms."""
    claims, problems = load_claims(paths.project_root / CLAIMS_FILE, paths.shown(paths.project_root / CLAIMS_FILE))
    synonyms_file = paths.project_root / SYNONYMS_FILE
    synonyms = read_synonyms(synonyms_file, paths.shown(synonyms_file)) if synonyms_file.is_file() else None
    if isinstance(synonyms, Problem):
        problems.append(synonyms)
    return claims, problems


@dataclass
class _Loaded:
    articles: list[Article] = field(default_factory=list)
    unloaded: dict[str, str] = field(default_factory=dict)  # web address of a file that failed to load -> the file
    unloaded_slugs: set[str] = field(default_factory=set)


def _collect(content_dir: Path, files: list[Path], loaded_files: list[Loaded], problems: list[Problem]) -> _Loaded:
    """The articles that loaded (with their fingerprints), and the addresses of the files that did not; every
    file's problems go to `problems`."""
    site = _Loaded()
    for path, loaded in zip(files, loaded_files, strict=True):
        problems.extend(loaded.problems)
        if loaded.article is not None:
            site.articles.append(loaded.article)
        elif any(p.severity is Severity.ERROR for p in loaded.problems):
            address, slug = file_address(path.relative_to(content_dir).as_posix())
            site.unloaded[address] = loaded.problems[0].path
            site.unloaded_slugs.add(slug)
    return site


def _say_who_depends(problems: list[Problem], unloaded: dict[str, str], linked: dict[str, list[str]]) -> list[Problem]:
    """Once, on the first error of each page that failed to load: which pages link to it. Their links are
    not reported as broken, since fixing this page fixes them."""
    first_error: dict[str, Problem] = {}
    for problem in sorted(problems, key=_order):
        if problem.severity is Severity.ERROR:
            first_error.setdefault(problem.path, problem)
    for address, shown in unloaded.items():
        others = [path for path in linked.get(address, []) if path != shown]
        if not others or shown not in first_error:
            continue
        rest = len(others) - 1
        named = f"{others[0]} links" if not rest else f"{others[0]} and {rest} other page{'s' if rest > 1 else ''} link"
        note = f"{named} to this page; those links work again once this page loads"
        old = first_error[shown]
        problems = [
            replace(
                old, hint=f"{old.hint}{'' if old.hint.endswith(('?', '.')) else '.'} Note: {note}" if old.hint else note
            )
            if p is old
            else p
            for p in problems
        ]
    return problems


def _site_wide_duplicates(
    articles: list[Article], shown: list[str], inspected: list[Inspected], config: SiteConfig, problems: list[Problem]
) -> list[PageFacts]:
    """Each article's facts for the site-wide link check; every article's problems, and the near-duplicates
    across pages, go to `problems`."""
    pages: list[PageFacts] = []
    printed: list[tuple[Article, str, ArticlePrint]] = []
    for article, path, result in zip(articles, shown, inspected, strict=True):
        problems.extend(result.problems)
        if result.facts is not None and result.print is not None:
            pages.append(result.facts)
            printed.append((article, path, result.print))
    problems.extend(
        duplicates_across_articles(
            [article for article, _, _ in printed],
            [article_print for _, _, article_print in printed],
            [path for _, path, _ in printed],
            config.duplicate_allowlist,
        )
    )
    return pages


def generated_pages(config: SiteConfig) -> set[str]:
    """Addresses the build makes itself, which articles may link to."""
    pages = {f"{TOPICS_DIR}/", f"{SEARCH_DIR}/", "feed.xml", "sitemap.xml", "robots.txt", "404.html"}
    pages.update(f"{TOPICS_DIR}/{topic.slug}/" for topic in config.topics)
    return pages


def placeholder_problems(path: Path, shown: str) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # the loader has already reported it
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = PLACEHOLDER.search(line)
        if match:
            problems.append(
                Problem(
                    shown,
                    number,
                    "",
                    f"still has placeholder text: {_clip_words(line.strip(), 80)}",
                    "replace everything marked TODO with real content",
                    code="FM002",
                    column=match.start() + 1,
                )
            )
    return problems


def _clip_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words and marked with "…"."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def load_claims(path: Path, shown: str) -> tuple[list[Claim], list[Problem]]:
    """The repository's list of misleading claims: [{phrase: regex, why: text, instead: text}, ...]."""
    if not path.is_file():
        return [], []
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims = [
            Claim(re.compile(str(entry["phrase"]), re.I), str(entry["why"]), str(entry["instead"]))
            for entry in entries or []
        ]
    except (yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        message = " ".join(str(exc).split())[:120]
        problem = Problem(shown, 0, "", f"cannot be read ({message})", "each entry needs phrase, why and instead")
        return [], [replace(problem, code="SITE001")]
    return claims, []
