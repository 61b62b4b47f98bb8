"""Moved and retired pages in `check`: a page whose address disappeared since a git commit with nothing leading
from the old address (MOVE001), a redirect to a page that does not exist (MOVE002) and an old address that a real
page uses (MOVE003). The comparison is with `--changed-since REF`, or with HEAD (uncommitted changes) without it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sitegen.errors import Problem, display_path
from sitegen.model import Article, SiteConfig
from sitegen.read.frontmatter import split
from sitegen.read.gitinfo import _git, repository_root
from sitegen.read.loader import _url_path
from sitegen.read.yaml_tree import Mapping, Scalar, YamlError, parse
from sitegen.render.redirects import Plan, plan_moves, read_all_moves, reserved_addresses, site_addresses


def move_problems(
    paths_root: Path,
    content_dir: Path,
    files: list[Path],
    articles: Iterable[Article],
    config: SiteConfig,
    reserved_dirs: Iterable[str],
    since: str | None,
) -> list[Problem]:
    root = paths_root.resolve()
    prefix = display_path(content_dir.resolve(), root)
    pages, problems = read_all_moves(files, content_dir, prefix)
    articles = list(articles)
    published = site_addresses(config, (a.url_path for a in articles if a.meta.status == "published"))
    unpublished = {a.url_path for a in articles if a.meta.status != "published"}
    plan, plan_problems = plan_moves(pages, published, reserved_addresses(reserved_dirs), unpublished)
    problems += plan_problems
    loaded = {a.source_path for a in articles}
    # A page that cannot be loaded right now is reported by its own errors, not as a page that has gone.
    unknown = {_address_now(path, content_dir) for path in files if _relative(path, content_dir) not in loaded}
    reachable = published | unknown | {r.old.path for r in plan.redirects} | {p.url_path for p in plan.retired}
    problems += disappeared(root, content_dir, since or "HEAD", reachable, unpublished, plan)
    return problems


def disappeared(
    root: Path, content_dir: Path, since: str, reachable: set[str], unpublished: set[str], plan: Plan
) -> list[Problem]:
    """Pages published at `since` whose address now leads nowhere: deleted, renamed, re-slugged or unpublished."""
    top = repository_root(content_dir)
    if top is None or _git(top, "rev-parse", "--verify", "--quiet", since + "^{commit}") is None:
        return []  # not a git checkout (or no commit yet): nothing to compare with
    folder = content_dir.resolve().relative_to(top.resolve()).as_posix()
    changes = _git(top, "diff", "--name-status", "-M", since, "--", folder) or ""
    problems: list[Problem] = []
    for line in changes.splitlines():
        status, *names = line.split("\t")
        old_name, new_name = names[0], names[-1]
        if status == "A" or not old_name.endswith(".md"):
            continue
        old_address = _address_then(top, since, old_name, folder)
        if old_address is None or old_address in reachable:
            continue
        now = top / new_name if status != "D" else top / old_name
        where = display_path(now.resolve(), root)
        shown = "/" + old_address
        if old_address in unpublished:
            message = f"the page {shown} was published, and is now a draft with nothing at its old address"
        elif status == "D":
            message = f"this file was deleted, so the page {shown} has gone and nothing leads from its address"
        else:
            message = f"the page's old address {shown} now leads nowhere"
        hint = (
            f"add 'redirect_from: [{shown}]' to the page that replaces it, or keep the file with 'status: retired' "
            "(and 'replaced_by: /new-address/' if another page covers it)"
        )
        problems.append(Problem(where, 1 if now.exists() else 0, "", message, hint, code="MOVE001"))
    return problems


def _address_then(top: Path, since: str, name: str, folder: str) -> str | None:
    """The address of a page that was published at `since`; None if it was not published then."""
    text = _git(top, "show", f"{since}:{name}")
    fields = _scalar_fields(text or "")
    if fields is None or fields.get("status", "published") != "published":
        return None
    relative = name[len(folder) + 1 :] if folder != "." else name
    return _url_path(relative, fields.get("slug", ""))


def _scalar_fields(text: str) -> dict[str, str] | None:
    """The front matter's plain `name: value` fields, or None when there is none that can be read."""
    parts = split(text, "")
    if isinstance(parts, Problem):
        return None
    try:
        root = parse(parts.front_matter, first_line=2)
    except YamlError:
        return None
    if not isinstance(root, Mapping):
        return None
    return {key.value: value.value.strip() for key, value in root.items if isinstance(value, Scalar)}


def _relative(path: Path, content_dir: Path) -> str:
    return path.relative_to(content_dir).as_posix()


def _address_now(path: Path, content_dir: Path) -> str:
    """The address of a page that fails to load, as far as its front matter can be read."""
    try:
        fields = _scalar_fields(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        fields = None
    return _url_path(_relative(path, content_dir), (fields or {}).get("slug", ""))
