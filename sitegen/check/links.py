"""Internal links and #anchors, checked across the whole site (LNK001, LNK002)."""

from __future__ import annotations

from collections.abc import Collection

from sitegen.check.page import PageFacts
from sitegen.errors import Problem
from sitegen.read.fields import suggestion
from sitegen.read.urls import Kind, classify, shown
from sitegen.render.parsed import At


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


def broken_links(
    pages: Collection[PageFacts], generated: Collection[str], unloaded: Collection[str] = ()
) -> list[Problem]:
    """Links to pages and sections that do not exist. Links to `unloaded` addresses (pages that failed to
    load, reported at their own file) are not reported again: one mistake, one message."""
    by_url = {page.url_path: page for page in pages}
    known = [*by_url, *generated, *unloaded]
    problems: list[Problem] = []
    for page in pages:
        for link in page.links:
            resolved = resolve(link.value, page.url_path)
            if resolved is None:
                continue
            path, fragment = resolved
            target = by_url.get(path)
            if target is None and path not in generated and path not in unloaded:
                written = link.value.split("#")[0] if link.value.startswith("/") else f"/{path}"
                message = f"links to {shown(written)}, which is not a page on this site"
                problems.append(_problem(page, link, message, "LNK001", _address_hint(link.value, path, known)))
            elif target is not None and fragment and fragment not in target.anchors:
                where = "this page" if target is page else f"/{path}"
                hint = "use the id of a heading on that page: lower-case words joined by hyphens"
                close = suggestion(fragment, target.anchors)
                if close:
                    hint = f"did you mean #{close}? " + hint
                problems.append(
                    _problem(page, link, f"links to #{fragment}, which is not a section of {where}", "LNK002", hint)
                )
    return problems


def linking_pages(pages: Collection[PageFacts], addresses: Collection[str]) -> dict[str, list[str]]:
    """Address -> the pages (as shown) with a link to it, for each of `addresses`."""
    found: dict[str, list[str]] = {}
    for page in pages:
        for link in page.links:
            resolved = resolve(link.value, page.url_path)
            if resolved is not None and resolved[0] in addresses:
                paths = found.setdefault(resolved[0], [])
                if page.path not in paths:
                    paths.append(page.path)
    return found


def _address_hint(target: str, path: str, known: Collection[str]) -> str:
    """Did-you-mean for the nearest page address; a link without a leading / is read from the page's folder."""
    relative = not target.startswith(("/", "#", "."))
    written = "/" + (target.split("#")[0].strip("/") if relative else path.rstrip("/")) + "/"
    close = suggestion(written, ["/" + address for address in known if not address.endswith((".xml", ".txt"))])
    advice = f"did you mean {shown(close)}?" if close else "copy the address from the address bar of the page you mean"
    if relative:
        return f"addresses of pages on this site start with / ; {advice}"
    return advice


def _problem(page: PageFacts, link: At, message: str, code: str, hint: str) -> Problem:
    return Problem(page.path, link.line, "", message, hint, code=code, column=link.column)
