"""Internal links and #anchors, checked across the whole site (LNK001, LNK002)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection

from sitegen.checks.page import LinkRef, PageFacts
from sitegen.errors import Problem

_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


def resolve(target: str, from_url_path: str) -> tuple[str, str] | None:
    """(site path, fragment) of an internal link, or None for links to other sites, mail or phone."""
    if _EXTERNAL.match(target):
        return None
    path, _, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return from_url_path, fragment
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        joined = posixpath.normpath(posixpath.join("/" + from_url_path, path)).lstrip("/")
        if path.endswith("/") and joined:
            joined += "/"
    joined = joined.removesuffix("index.html")
    if joined and not joined.endswith("/") and "." not in joined.rsplit("/", 1)[-1]:
        joined += "/"
    return joined, fragment


def broken_links(pages: Collection[PageFacts], generated: Collection[str]) -> list[Problem]:
    by_url = {page.url_path: page for page in pages}
    problems: list[Problem] = []
    for page in pages:
        for link in page.links:
            resolved = resolve(link.target, page.url_path)
            if resolved is None:
                continue
            path, fragment = resolved
            target = by_url.get(path)
            if target is None and path not in generated:
                problems.append(_problem(page, link, f"links to /{path}, which is not a page on this site", "LNK001"))
            elif target is not None and fragment and fragment not in target.anchors:
                where = "this page" if target is page else f"/{path}"
                problems.append(
                    _problem(page, link, f"links to #{fragment}, which is not a section of {where}", "LNK002")
                )
    return problems


def _problem(page: PageFacts, link: LinkRef, message: str, code: str) -> Problem:
    hint = (
        "check the address against the page's web address, e.g. /numbness-in-hands/"
        if code == "LNK001"
        else "use the id of a heading on that page: lower-case words joined by hyphens"
    )
    return Problem(page.path, link.line, "", message, hint, code=code, column=link.column)
