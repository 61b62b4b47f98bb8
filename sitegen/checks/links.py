"""Internal links and #anchors, checked across the whole site (LNK001, LNK002)."""

from __future__ import annotations

from collections.abc import Collection

from sitegen.checks.page import LinkRef, PageFacts
from sitegen.errors import Problem
from sitegen.render.urls import Kind, classify, shown


def resolve(target: str, from_url_path: str) -> tuple[str, str] | None:
    """(site path, fragment) of a link on this site as a browser resolves it from the page, or None for links
    elsewhere (https:, mail, phone) and for refused ones, which `link_facts` reports."""
    address = classify(target, "/" + from_url_path)
    if address.kind not in (Kind.SITE, Kind.FRAGMENT):
        return None
    joined = address.path.removeprefix("/").removesuffix("index.html")
    if joined and not joined.endswith("/") and "." not in joined.rsplit("/", 1)[-1]:
        joined += "/"
    return joined, address.fragment


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
                written = link.target.split("#")[0] if link.target.startswith("/") else f"/{path}"
                message = f"links to {shown(written)}, which is not a page on this site"
                problems.append(_problem(page, link, message, "LNK001"))
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
