"""The HTML allow-list every article body passes through (nh3, the Rust ammonia sanitiser).

Python-Markdown keeps raw HTML, `javascript:` links and event handlers verbatim; nh3 removes them. Its
defaults also strip `id`, which would break the table of contents, so the allow-list is spelled out here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import nh3

TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "strong", "em", "b", "i", "s", "del", "ins", "mark", "small",
    "sub", "sup", "abbr", "span", "figure", "figcaption", "img", "details", "summary",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "a": {"href", "title", "id", "aria-label"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"}, "ol": {"start"}, "li": {"id"}, "sup": {"id"},
    "th": {"align", "colspan", "rowspan", "scope"}, "td": {"align", "colspan", "rowspan"},
}  # fmt: skip
CLASSES = {"sup": {"cite"}}
ALLOWED_SCHEMES = ("https:", "mailto:", "tel:")
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def make_sanitizer(base_path: str, asset_urls: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """A function that sanitises HTML and points site-relative links at `base_path` ("/" or "/sub/").
    Images from static/ (`/img/splint.png`) point at their published, content-hashed name."""
    assets = asset_urls or {}

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) not in URL_ATTRIBUTES:
            return value
        if tag == "img" and value.startswith("/") and value.lstrip("/") in assets:
            return assets[value.lstrip("/")]
        return safe_url(value, base_path)

    cleaner = nh3.Cleaner(
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes={scheme.rstrip(":") for scheme in ALLOWED_SCHEMES},
        attribute_filter=filter_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return cleaner.clean


def safe_url(value: str, base_path: str) -> str | None:
    """The URL as it should appear in the page, or None when it must be dropped."""
    url = value.strip()
    lowered = url.lower()
    if lowered.startswith(ALLOWED_SCHEMES) or url.startswith("#"):
        return url
    if url.startswith("//") or url.startswith("\\") or ":" in url.split("/", 1)[0].split("?", 1)[0]:
        return None  # another host, or a scheme we do not allow
    if url.startswith("/"):
        return base_path.rstrip("/") + url
    return url
