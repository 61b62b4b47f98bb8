"""Walk the content folder and turn every file into an Article, collecting every Problem."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from sitegen.errors import Problem
from sitegen.model import Article, SiteConfig
from sitegen.read.config import SLUG_PATTERN
from sitegen.read.frontmatter import SplitText, split
from sitegen.read.schema import read_front_matter
from sitegen.read.source_file import read_text
from sitegen.read.yaml_tree import Mapping, Scalar, YamlError, parse

T = TypeVar("T")

MAX_FILES = 200_000  # a guard against pointing the build at the wrong folder; 100,000 articles build (issue 16)
UNBUILT = ("draft", "in-review", "retired")
BUILT = ("published",)
BUILT_WITH_DRAFTS = ("published", "draft", "in-review")
# Editor leftovers (vim swap files and its 4913 write test, emacs locks and auto-saves, backups): ignored quietly.
_EDITOR_LEFTOVERS = re.compile(r"^(.*~|.*\.sw[a-p]x?|.*\.tmp|4913|#.*#|\.#.*)$")


def find_content_files(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every article file under content_dir in a stable order, and problems with the others. Hidden folders
    (.git, an editor's .obsidian or .trash) and hidden files other than .md are skipped."""
    files: list[Path] = []
    problems: list[Problem] = []
    for folder, dirnames, filenames in os.walk(content_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(folder)
        for name in sorted(filenames) + [d for d in dirnames if (here / d).is_symlink()]:
            path = here / name
            shown = path.relative_to(content_dir).as_posix()
            if _EDITOR_LEFTOVERS.match(name) or (name.startswith(".") and not name.endswith(".md")):
                continue  # hidden .md files are loaded, so that load_article reports them with the rest
            if path.is_symlink():
                problems.append(Problem(shown, 0, "", "is a symbolic link", "replace the link with a real file"))
            elif not name.endswith(".md"):
                problems.append(
                    Problem(
                        shown,
                        0,
                        "",
                        "is not a Markdown (.md) article",
                        "only articles belong in content/; put images and other files in static/",
                    )
                )
            else:
                files.append(path)
    if len(files) > MAX_FILES:
        problems.append(Problem(".", 0, "", f"has too many articles ({len(files)}, limit {MAX_FILES})", ""))
    return files, problems


def load_article(
    path: Path, content_dir: Path, shown_as: str, config: SiteConfig, build_date: dt.date, drafts: bool = False
) -> tuple[Article | None, list[Problem]]:
    """The article, or None with the problems found. Unpublished articles that will not be built are only
    read as far as their status (`drafts`: draft and in-review articles are built, so checked in full)."""
    relative = path.relative_to(content_dir).as_posix()
    if relative.rsplit("/", 1)[-1].startswith("."):
        hint = "rename it without the leading dot"
        return None, [Problem(shown_as, 0, "", "is hidden, so it would never be published", hint)]
    name_problems = _name_problems(relative, shown_as)  # reported with every other problem in the file
    text, problem = read_text(path, shown_as)
    if problem is not None:
        return None, [*name_problems, _plain_encoding(path, problem)]
    parts = split(text, shown_as)
    if isinstance(parts, Problem):
        return None, [*name_problems, parts]
    problems: list[Problem] = list(name_problems)
    meta_root = _parse_front_matter(parts, shown_as, problems)
    if meta_root is None:
        return None, problems
    if _status(meta_root) not in (BUILT_WITH_DRAFTS if drafts else BUILT):
        return None, []
    meta = read_front_matter(meta_root, shown_as, config, build_date, problems)
    url_path = _url_path(relative, meta.slug)
    field_lines = tuple((key.value, key.line) for key, _ in meta_root.items)
    if problems:
        return None, problems
    slug = meta.slug or (url_path.rstrip("/").rsplit("/", 1)[-1] if url_path else "home")
    return Article(relative, url_path, replace(meta, slug=slug), parts.body, parts.body_line, field_lines), []


_NOT_UTF8 = re.compile(r"is not valid UTF-8 at byte (\d+)")


def _plain_encoding(path: Path, problem: Problem) -> Problem:
    """ "is not valid UTF-8 at byte 2267" said in plain words, showing the line with the character."""
    match = _NOT_UTF8.match(problem.message)
    if match is None:
        return problem
    data = path.read_bytes()
    hint = "save the file as UTF-8 (in most editors: Save As, then choose UTF-8)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = f"{match.group(0)}: it was saved as UTF-16, a text format the site cannot read"
        return replace(problem, line=1, message=message, hint=hint)
    at = int(match.group(1)) + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
    start, end = data.rfind(b"\n", 0, at) + 1, data.find(b"\n", at)
    line = data[start : end if end >= 0 else len(data)].decode("utf-8", errors="replace").strip()
    shown = line if len(line) <= 70 else line[:69] + "…"
    return replace(
        problem,
        message=f'{match.group(0)}: a character was saved in another text format (shown as �): "{shown}"',
        hint=f"{hint}, or type the character again",
    )


def _status(root: Mapping) -> str:
    """The status as written; anything unrecognised counts as published, so the schema reports it."""
    for key, value in root.items:
        if key.value == "status" and isinstance(value, Scalar) and value.value.strip() in UNBUILT:
            return value.value.strip()
    return "published"


def _parse_front_matter(parts: SplitText, shown_as: str, problems: list[Problem]) -> Mapping | None:
    try:
        root = parse(parts.front_matter, first_line=2)
    except YamlError as exc:
        problems.append(Problem(shown_as, exc.line, "", exc.message, exc.hint))
        return None
    if root is None:
        problems.append(
            Problem(shown_as, 1, "", "front matter is empty", "add title, type, status and the other fields")
        )
        return None
    if not isinstance(root, Mapping):
        problems.append(
            Problem(
                shown_as, root.line, "", "front matter must be 'name: value' fields", "not a list or a single value"
            )
        )
        return None
    return root


def _name_problems(relative: str, shown_as: str) -> list[Problem]:
    """The file's name and folders become its web address, so each must be a safe slug."""
    for part in relative[: -len(".md")].split("/"):
        if not re.fullmatch(SLUG_PATTERN, part):
            return [
                Problem(
                    shown_as,
                    0,
                    "",
                    f"'{part}' is not a safe name for a web address",
                    "rename it using lower-case letters, digits and hyphens only",
                )
            ]
    return []


def file_address(relative: str) -> tuple[str, str]:
    """(web address, slug) a file would have from its name alone: what other pages can still link to while
    the file itself fails to load."""
    url_path = _url_path(relative, "")
    return url_path, url_path.rstrip("/").rsplit("/", 1)[-1] if url_path else "home"


def _url_path(relative: str, slug: str) -> str:
    """The article's web address ("" for an unsafe file name, which _name_problems has reported)."""
    parts = relative[: -len(".md")].split("/")
    if not all(re.fullmatch(SLUG_PATTERN, part) for part in parts):
        return ""
    if parts[-1] == "index":
        parts = parts[:-1]
    elif slug:
        parts[-1] = slug
    return "/".join(parts) + "/" if parts else ""


def share_equal_values(articles: list[Article]) -> list[Article]:
    """The same articles, with equal sources, authors, reviewers and topic lists as one object each: most pages
    cite the same few sources and share their authors, so the loaded site is smaller, and so is what is sent to
    the worker processes and kept between builds (pickle writes a shared object once)."""
    shared: dict[object, object] = {}

    def one(value: T) -> T:
        return shared.setdefault(value, value)  # type: ignore[return-value]

    result = []
    for article in articles:
        meta = article.meta
        result.append(
            replace(
                article,
                meta=replace(
                    meta,
                    sources=one(tuple(one(source) for source in meta.sources)),
                    authors=one(tuple(one(person) for person in meta.authors)),
                    reviewers=one(tuple(one(reviewer) for reviewer in meta.reviewers)),
                    topics=one(meta.topics),
                ),
            )
        )
    return result


def shown_in_project(article: Article, content_prefix: str) -> Article:
    """The article with its path as editors see it (prefixed by the content folder), for problem messages."""
    return replace(article, source_path=f"{content_prefix}/{article.source_path}")


def find_collisions(articles: Iterable[Article]) -> list[Problem]:
    """Two articles may not share a slug or a web address (compared after case folding and NFC normalisation)."""
    problems: list[Problem] = []
    by_slug: dict[str, Article] = {}
    by_url: dict[str, Article] = {}
    for article in articles:
        slug_twin = by_slug.setdefault(_folded(article.slug), article)
        url_twin = by_url.setdefault(_folded(article.url_path), article)
        twin, what = (slug_twin, "slug") if slug_twin is not article else (url_twin, "web address")
        if twin is not article:
            problems.append(
                Problem(
                    article.source_path,
                    article.line_of("slug"),
                    "slug",
                    f"has the same {what} as {twin.source_path}",
                    "give one of them another slug or file name",
                    code="LNK004",
                )
            )
    return problems


def _folded(key: str) -> str:
    return unicodedata.normalize("NFC", key).casefold()


def find_missing_related(articles: Iterable[Article], slugs: Collection[str] | None = None) -> list[Problem]:
    """`related` entries that name no page; `slugs` defaults to the slugs of `articles` themselves."""
    articles = list(articles)
    slugs = {article.slug for article in articles} if slugs is None else slugs
    return [
        Problem(
            article.source_path,
            article.line_of("related"),
            "related",
            f"'{slug}' is not the slug of any page",
            "use the slug of an existing page, or remove it",
            code="LNK003",
        )
        for article in articles
        for slug in article.meta.related
        if slug not in slugs
    ]
