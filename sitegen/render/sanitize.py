"""The HTML allow-list every article body passes through (nh3, the Rust ammonia sanitiser).

Python-Markdown keeps raw HTML, `javascript:` links and event handlers verbatim; nh3 removes them. Its
defaults also strip `id`, which would break the table of contents, so the allow-list is spelled out here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import nh3

from sitegen.read.urls import IMAGE_KINDS, LINK_KINDS, Kind, classify

TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "strong", "em", "b", "i", "s", "del", "ins", "mark", "small",
    "sub", "sup", "abbr", "span", "figure", "figcaption", "img", "details", "summary", "div",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "a": {"href", "title", "id", "aria-label"},
    "img": {"src", "alt", "title", "width", "height", "loading", "decoding"},
    "abbr": {"title"}, "ol": {"start"}, "li": {"id"}, "sup": {"id"},
    "div": {"role", "aria-label", "aria-labelledby"}, "p": {"id"},
    "th": {"align", "colspan", "rowspan", "scope"}, "td": {"align", "colspan", "rowspan"},
}  # fmt: skip
CLASSES = {
    "sup": {"cite"},
    "div": {"callout", "callout-warning", "callout-info"},  # callouts (`!!! warning`, `!!! info`)
    "p": {"callout-title"},
}
# Attribute values the callouts need; any other value is dropped.
FIXED_VALUES = {
    ("div", "role"): re.compile(r"note"),
    ("div", "aria-label"): re.compile(r"Information"),
    ("div", "aria-labelledby"): re.compile(r"callout-[0-9]+"),
    ("p", "id"): re.compile(r"callout-[0-9]+"),
    ("img", "loading"): re.compile(r"lazy"),
    ("img", "decoding"): re.compile(r"async"),
}
ALLOWED_SCHEMES = ("https:", "mailto:", "tel:")
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def make_sanitizer(base_path: str, asset_urls: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """A function that sanitises HTML and points site-relative links at `base_path` ("/" or "/sub/").
    Images from static/ (`/img/splint.png`) point at their published, content-hashed name."""
    assets = asset_urls or {}
    raised: list[BaseException] = []

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        # nh3 prints and swallows what its callback raises, Ctrl-C included, and drops the attribute; keep it
        # for `clean` to raise once nh3 returns.
        try:
            return filtered_attribute(tag, attribute, value)
        except BaseException as exc:
            raised.append(exc)
            return None

    def filtered_attribute(tag: str, attribute: str, value: str) -> str | None:
        fixed = FIXED_VALUES.get((tag, attribute))
        if fixed is not None:
            return value if fixed.fullmatch(value) else None
        if (tag, attribute) not in URL_ATTRIBUTES:
            return value
        if tag == "img":
            address = classify(value)
            if address.kind is Kind.SITE and address.text.startswith("/") and address.path[1:] in assets:
                return assets[address.path[1:]]
            return safe_url(value, base_path, image=True)
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

    def clean(html: str) -> str:
        raised.clear()
        cleaned = cleaner.clean(html)
        if raised:
            raise raised[0]
        return cleaned

    return clean


def safe_url(value: str, base_path: str, image: bool = False) -> str | None:
    """The URL as it should appear in the page, or None when it must be dropped (see sitegen/read/urls.py).
    Addresses from the site root are written as the browser reads them, under `base_path`."""
    address = classify(value)
    if address.kind not in (IMAGE_KINDS if image else LINK_KINDS):
        return None
    if address.kind is Kind.SITE and address.text.startswith(("/", "\\")):
        written = base_path.rstrip("/") + address.site_url
        # `/..//host/` resolves to the path //host/ on this site; written as it is, that would name the host.
        return "/." + written if written.startswith("//") else written
    return address.text
