"""Facts about a body taken from Python-Markdown's own output, so checks see what the renderer made of it.

Python-Markdown keeps no line numbers, so each fact is found again in the body: its written text, at or after
the place where the one before it was found (facts come in reading order), else the first place it is written.
A reference-style link is found at its definition (`[ref]: /a/`), which is where its address is written.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from html.entities import codepoint2name
from html.parser import HTMLParser


@dataclass(frozen=True)
class LinkAt:
    """An address the rendered page links to, as written, and where it starts in the body (-1: not found)."""

    target: str
    offset: int


@dataclass(frozen=True)
class ParsedBody:
    links: tuple[LinkAt, ...]  # every <a href>, whatever Markdown made it: [x](/a/), [x][ref], <https://…>, raw <a>


class _Links(HTMLParser):
    """The href of every <a> outside a source marker, in reading order (the marker's own link is the renderer's)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self._in_marker = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "sup":
            self._in_marker += "cite" in (values.get("class") or "").split()
        elif tag == "a" and not self._in_marker and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup" and self._in_marker:
            self._in_marker -= 1


def parsed_body(body: str, rendered_html: str) -> ParsedBody:
    """The facts of `rendered_html` (Python-Markdown's output for `body`, before sanitising)."""
    reader = _Links()
    reader.feed(rendered_html)
    reader.close()
    links: list[LinkAt] = []
    after = 0
    for href in reader.hrefs:
        offset = _find(body, href, after)
        if offset < 0:  # written before the last one found: a reference definition is often at the end
            offset = _find(body, href, 0)
        if offset >= 0:
            after = offset + 1
        links.append(LinkAt(href, offset))
    return ParsedBody(tuple(links))


def _find(body: str, text: str, start: int) -> int:
    """Where `text` is written in the body at or after `start`, each character as itself, as a character
    reference (`&#9;`, `&amp;`) or, for punctuation, after a Markdown backslash."""
    if not text:
        return -1
    at = body.find(text, start)
    if at >= 0:
        return at
    match = re.compile("".join(_written(char) for char in text)).search(body, start)
    return match.start() if match else -1


def _written(char: str) -> str:
    forms = [re.escape(char), f"&#0*{ord(char)};", f"&#[xX]0*{ord(char):x};"]
    name = codepoint2name.get(ord(char))
    if name:
        forms.append(f"&{name};")
    if char in string.punctuation:
        forms.append(re.escape("\\" + char))
    return "(?:" + "|".join(forms) + ")"
