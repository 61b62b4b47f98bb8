"""Rewrite a built site so it opens from its files: every internal link, asset and form action becomes relative to
the page that holds it, and a folder link ends in index.html (`python build.py --relative-links`).

A browser that opens index.html by double-clicking reads `/assets/site.css` as the root of the disk and `page/`
as a folder listing; after this rewrite the pull request's zip preview works on any computer, with no server.
Only addresses that start with the site's base path are touched; https:, mailto:, tel: and #anchors are left as
they are.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from sitegen.write.writer import replace_file

# The templates write every attribute in double quotes; srcset is a list of "address width" pairs.
_HTML_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|poster)=")([^"]*)(")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')
_REFRESH = re.compile(r'(<meta http-equiv="refresh" content="\d+; url=)([^"]*)(")')  # a moved page's redirect
_CSS_URL = re.compile(r"""(url\(\s*['"]?)([^'")\s]+)(['"]?\s*\))""")


def relative_address(address: str, page: str, site: Path, base_path: str = "/") -> str:
    """`address` as written in the file `page` (a path inside the site, e.g. "a/b/index.html"), made relative.

    Addresses outside the site (another host, protocol-relative, mailto:, #anchor, already relative) come back
    unchanged."""
    if not address.startswith(base_path) or address.startswith("//"):
        return address
    inside, suffix = _split_suffix(address[len(base_path) :])
    target = inside
    if target == "" or target.endswith("/"):
        target += "index.html"
    elif "." not in posixpath.basename(target) and (site / target).is_dir():
        target += "/index.html"
    here = posixpath.dirname(page) or "."
    return posixpath.relpath(target, here) + suffix


def _split_suffix(address: str) -> tuple[str, str]:
    cut = min((i for i in (address.find("?"), address.find("#")) if i >= 0), default=len(address))
    return address[:cut], address[cut:]


def rewrite_html(text: str, page: str, site: Path, base_path: str = "/") -> str:
    def one(match: re.Match[str]) -> str:
        return match[1] + relative_address(match[2], page, site, base_path) + match[3]

    def many(match: re.Match[str]) -> str:
        entries = []
        for entry in match[2].split(","):
            parts = entry.strip().split(maxsplit=1)
            if parts:
                parts[0] = relative_address(parts[0], page, site, base_path)
            entries.append(" ".join(parts))
        return match[1] + ", ".join(entries) + match[3]

    return _REFRESH.sub(one, _SRCSET.sub(many, _HTML_ATTRIBUTE.sub(one, text)))


def rewrite_css(text: str, page: str, site: Path, base_path: str = "/") -> str:
    def one(match: re.Match[str]) -> str:
        return match[1] + relative_address(match[2], page, site, base_path) + match[3]

    return _CSS_URL.sub(one, text)


def make_links_relative(site: Path, base_path: str = "/") -> int:
    """Rewrite every .html and .css file in the built `site` in place; return how many files changed."""
    if not base_path.startswith("/"):
        base_path = "/" + base_path
    if not base_path.endswith("/"):
        base_path += "/"
    changed = 0
    for path in sorted(site.rglob("*")):
        rewrite = {".html": rewrite_html, ".css": rewrite_css}.get(path.suffix)
        if rewrite is None or not path.is_file() or path.is_symlink():
            continue
        page = path.relative_to(site).as_posix()
        before = path.read_text(encoding="utf-8")
        after = rewrite(before, page, site, base_path)
        if after != before:
            replace_file(path, after.encode("utf-8"))  # the output is live: old file or new, never half
            changed += 1
    return changed
