"""Moved and retired pages.

A page lists the addresses it used to have (`redirect_from: [/old/address/]`); a page taken down keeps its file
with `status: retired` and, optionally, `replaced_by: /new/address/`. Both live in the page's own front matter, so
an editor who moves or retires a page edits only that page. The build writes, for every former address, a static
redirect page (meta refresh, canonical link and a visible link: no JavaScript), a short "this page was removed"
page (noindex) at each retired address, and the host's `_redirects` file (Netlify and Cloudflare Pages format).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem
from sitegen.model import OutputFile, SiteConfig
from sitegen.read.frontmatter import split
from sitegen.read.loader import _url_path
from sitegen.read.source_file import read_text
from sitegen.read.yaml_tree import Mapping as YamlMapping
from sitegen.read.yaml_tree import Node, Scalar, YamlError, parse
from sitegen.read.yaml_tree import Sequence as YamlSequence
from sitegen.render import views
from sitegen.render.templates import Templates

REDIRECTS_FILE = "_redirects"
# One part of an old address: letters, digits, '.', '_', '~' and '-', starting with a letter or digit. Old
# addresses may come from another system (`/old_page.html`), so this is wider than the slugs of new pages.
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_ADDRESS_HINT = "write the address as it appeared after the site's name, e.g. /numbness-in-hands/"


@dataclass(frozen=True)
class Address:
    path: str  # site-relative: "old/address/" or "old/page.html" ("" is the home page)
    line: int  # where the editor wrote it

    @property
    def shown(self) -> str:
        return "/" + self.path


@dataclass(frozen=True)
class PageMoves:
    """What one content file says about moves: its address, its status, its old addresses and replacement."""

    source: str  # as editors see it, e.g. content/x.md
    status: str
    url_path: str
    title: str
    redirect_from: tuple[Address, ...] = ()
    replaced_by: Address | None = None
    status_line: int = 1


@dataclass(frozen=True)
class Redirect:
    old: Address
    new: str  # site-relative target
    source: str


@dataclass(frozen=True)
class Plan:
    redirects: tuple[Redirect, ...]
    retired: tuple[PageMoves, ...]


def parse_address(text: str) -> str | None:
    """The site-relative form of an address an editor wrote ("/old/" -> "old/"), or None when it is not one."""
    if not text.startswith("/") or text.startswith("//"):
        return None
    inner = text.strip("/")
    if not inner:
        return ""
    parts = inner.split("/")
    if not all(_PART.fullmatch(part) for part in parts):
        return None
    if "." in parts[-1] and not text.endswith("/"):
        return inner  # a file such as /old_page.html
    return inner + "/"


def read_page_moves(path: Path, content_dir: Path, shown: str) -> tuple[PageMoves | None, list[Problem]]:
    """The moves one content file declares, or None when it declares none (or cannot be read: the loader
    reports that)."""
    text, problem = read_text(path, shown)
    if problem is not None or ("redirect_from" not in text and "retired" not in text):
        return None, []  # most pages declare no moves: no need to parse their front matter a second time
    parts = split(text, shown)
    if isinstance(parts, Problem):
        return None, []
    try:
        root = parse(parts.front_matter, first_line=2)
    except YamlError:
        return None, []
    if not isinstance(root, YamlMapping):
        return None, []
    fields = {key.value: (key, value) for key, value in root.items}
    status = _scalar(fields, "status") or "published"
    if status != "retired" and "redirect_from" not in fields:
        return None, []
    problems: list[Problem] = []
    relative = path.relative_to(content_dir).as_posix()
    page = PageMoves(
        source=shown,
        status=status,
        url_path=_url_path(relative, _scalar(fields, "slug")),
        title=_scalar(fields, "title") or relative,
        redirect_from=_addresses(fields.get("redirect_from"), shown, problems),
        replaced_by=_replacement(fields, status, shown, problems),
        status_line=fields["status"][0].line if "status" in fields else 1,
    )
    return page, problems


def _scalar(fields: Mapping[str, tuple[Scalar, Node]], name: str) -> str:
    value = fields.get(name, (None, None))[1]
    return value.value.strip() if isinstance(value, Scalar) else ""


def _addresses(entry: tuple[Scalar, Node] | None, shown: str, problems: list[Problem]) -> tuple[Address, ...]:
    if entry is None:
        return ()
    key, value = entry
    items: tuple[Node, ...] = value.items if isinstance(value, YamlSequence) else (value,)
    found: list[Address] = []
    for item in items:
        parsed = parse_address(item.value.strip()) if isinstance(item, Scalar) else None
        if parsed is None:
            problems.append(
                Problem(
                    shown,
                    item.line or key.line,
                    "redirect_from",
                    "must be a list of this page's old addresses, each starting with /",
                    _ADDRESS_HINT + "; for several: redirect_from: [/old-name/, /older-name/]",
                )
            )
        elif parsed == "":
            problems.append(
                Problem(
                    shown,
                    item.line,
                    "redirect_from",
                    "cannot take over the home page's address /",
                    "remove / from the list",
                )
            )
        else:
            found.append(Address(parsed, item.line))
    return tuple(found)


def _replacement(
    fields: Mapping[str, tuple[Scalar, Node]], status: str, shown: str, problems: list[Problem]
) -> Address | None:
    if "replaced_by" not in fields:
        return None
    key, value = fields["replaced_by"]
    if status != "retired":
        return None  # the schema reports replaced_by on a page that is not retired as an unknown field
    parsed = parse_address(value.value.strip()) if isinstance(value, Scalar) else None
    if parsed is None:
        problems.append(
            Problem(
                shown,
                key.line,
                "replaced_by",
                "must be the address of the page that replaces this one, starting with /",
                _ADDRESS_HINT,
            )
        )
        return None
    return Address(parsed, key.line)


def read_all_moves(
    files: Iterable[Path], content_dir: Path, shown_prefix: str
) -> tuple[list[PageMoves], list[Problem]]:
    pages: list[PageMoves] = []
    problems: list[Problem] = []
    for path in files:
        shown = f"{shown_prefix}/{path.relative_to(content_dir).as_posix()}"
        page, found = read_page_moves(path, content_dir, shown)
        problems.extend(found)
        if page is not None:
            pages.append(page)
    return pages, problems


def plan_moves(
    pages: Iterable[PageMoves],
    built: Collection[str],
    reserved: Collection[str],
    unpublished: Collection[str] = (),
) -> tuple[Plan, list[Problem]]:
    """Redirects and retired pages for one build, and every redirect that cannot work.

    `built` holds the addresses of the pages this build writes (articles and the site's own pages such as
    topics/), `reserved` the folders and files the build makes itself (topics/, search/, feed.xml...),
    `unpublished` the addresses of draft and in-review pages (for hints). Old addresses of pages that are not
    built (drafts) wait until the page is published."""
    pages = sorted(pages, key=lambda page: page.source)
    problems: list[Problem] = []
    retired = []
    for page in pages:
        if page.status == "retired":
            if page.url_path in built:
                problems.append(
                    Problem(
                        page.source,
                        page.status_line,
                        "status",
                        f"is retired, but another page now has its address /{page.url_path}",
                        "delete this file: its address is in use again",
                        code="MOVE003",
                    )
                )
            else:
                retired.append(page)
    taken = set(built) | {page.url_path for page in retired}
    redirects: dict[str, Redirect] = {}
    for page in pages:
        if page.url_path not in taken:
            continue
        for old in page.redirect_from:
            problem = _collision(page, old, taken, reserved, redirects)
            if problem is not None:
                problems.append(problem)
            else:
                redirects[old.path] = Redirect(old, page.url_path, page.source)
    for page in retired:
        if page.replaced_by is not None and page.replaced_by.path not in built:
            problems.append(_missing_target(page, page.replaced_by, redirects, unpublished))
    plan = Plan(tuple(sorted(redirects.values(), key=lambda r: r.old.path)), tuple(retired))
    return plan, problems


def _collision(
    page: PageMoves, old: Address, taken: Collection[str], reserved: Collection[str], redirects: Mapping[str, Redirect]
) -> Problem | None:
    def problem(message: str, hint: str) -> Problem:
        return Problem(page.source, old.line, "redirect_from", message, hint, code="MOVE003")

    if old.path == page.url_path:
        return problem(f"{old.shown} is this page's own address", "remove it from redirect_from")
    if any(old.path == item or (item.endswith("/") and old.path.startswith(item)) for item in reserved):
        return problem(f"{old.shown} is one of the site's own addresses", "remove it from redirect_from")
    if old.path in taken:
        return problem(
            f"{old.shown} is the address of another page, so it cannot also lead here",
            "remove it from redirect_from, or move or retire the other page first",
        )
    twin = redirects.get(old.path)
    if twin is not None:
        return problem(
            f"{old.shown} is already listed as an old address of {twin.source}",
            "an old address can lead to one page only: remove it from one of the two pages",
        )
    return None


def _missing_target(
    page: PageMoves, target: Address, redirects: Mapping[str, Redirect], unpublished: Collection[str]
) -> Problem:
    if target.path in redirects:
        moved = "/" + redirects[target.path].new
        message, hint = f"{target.shown} is an old address that now leads to {moved}", f"write {moved} instead"
    elif target.path in unpublished:
        message, hint = f"{target.shown} is not published yet", "publish that page first, or point to another page"
    else:
        message = f"{target.shown} is not a page on this site"
        hint = "open the page that replaces this one and copy its address, e.g. /numbness-in-hands/"
    return Problem(page.source, target.line, "replaced_by", message, hint, code="MOVE002")


def redirects_file(plan: Plan, config: SiteConfig) -> OutputFile:
    """`/old/ /new/ 301` per line. Cloudflare Pages follows these before its files; Netlify serves the static
    redirect page at the old address instead (its rules do not shadow an existing file), which also works."""
    lines = [f"{config.base_path}{r.old.path} {config.base_path}{r.new} 301" for r in plan.redirects]
    return OutputFile(REDIRECTS_FILE, ("\n".join(lines) + "\n").encode("utf-8"))


def render_moves(plan: Plan, templates: Templates, config: SiteConfig, titles: Mapping[str, str]) -> list[OutputFile]:
    """A redirect page at every old address, a "removed" page at every retired address, and `_redirects`.
    `titles` maps page addresses to titles, for the links."""
    site = views.site_view(config)
    outputs: list[OutputFile] = []
    for redirect in plan.redirects:
        context = {
            "site": site,
            "target_url": views.page_url(config, redirect.new),
            "target_canonical": views.absolute_url(config, redirect.new),
            "target_title": titles.get(redirect.new, "the new page"),
        }
        html = templates.render("redirect.html", context)
        outputs.append(OutputFile(_file_for(redirect.old.path), html.encode("utf-8")))
    for page in plan.retired:
        replacement = page.replaced_by.path if page.replaced_by is not None else None
        context = {
            "site": site,
            "title": page.title,
            "canonical_url": views.absolute_url(config, page.url_path),
            "replacement_url": views.page_url(config, replacement) if replacement is not None else "",
            "replacement_title": titles.get(replacement, "") if replacement is not None else "",
        }
        outputs.append(OutputFile(page.url_path + "index.html", templates.render("retired.html", context).encode()))
    if plan.redirects:  # a site with no moved pages writes no _redirects file
        outputs.append(redirects_file(plan, config))
    return outputs


def _file_for(path: str) -> str:
    return path if not path.endswith("/") else path + "index.html"


def site_addresses(config: SiteConfig, article_addresses: Iterable[str]) -> set[str]:
    """Every page address a build writes: the home page, the articles given, topics and search."""
    addresses = {"", f"{views.TOPICS_DIR}/", f"{views.SEARCH_DIR}/", *article_addresses}
    addresses.update(views.topic_url_path(topic) for topic in config.topics)
    return addresses


def reserved_addresses(reserved_dirs: Iterable[str]) -> set[str]:
    """Folders (ending in /) and files the build writes itself, which no old address may take over."""
    return {f"{folder}/" for folder in reserved_dirs} | {
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "_headers",
        REDIRECTS_FILE,
    }
