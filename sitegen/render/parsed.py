"""What Python-Markdown made of a body, with the source line of each part: the one parse every check reads.

The renderer's own Markdown instance collects these facts while it renders (`BodyParse`, two tree processors),
so a check can never disagree with the page about what is code, a list item, a quote, a link or a citation.
Python-Markdown keeps no line numbers, so each block is found again in the body: its first written line, at or
after the line where the block before it was found (blocks come in reading order). Links, images and source
markers are then found inside their block's lines.
"""

from __future__ import annotations

import html
import re
import string
import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.entities import codepoint2name
from html.parser import HTMLParser

from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE

# Kinds of block
HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"  # a list item's text (its first paragraph in a loose list)
ROW = "row"  # a table row: one ProseLine per cell
TERM = "term"  # a definition list's term
TITLE = "title"  # a callout's title
HTML = "html"  # a block of raw HTML, as written

SOURCE_ATTRIBUTE = "data-source"  # set on each marker's <sup> while rendering, removed before output
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class ProseLine:
    """One written line of a block outside code (code spans blanked with spaces, so columns hold)."""

    line: int  # in the file
    column: int  # where `text` starts on that line, from 1
    text: str


@dataclass(frozen=True)
class Block:
    kind: str
    lines: tuple[ProseLine, ...]
    level: int = 0  # headings: 1-6

    @property
    def line(self) -> int:
        return self.lines[0].line

    @property
    def text(self) -> str:
        """The block's written text on one line (cells joined with ' | ')."""
        joiner = " | " if self.kind == ROW else " "
        return joiner.join(line.text.strip() for line in self.lines)


@dataclass(frozen=True)
class At:
    """Something written in the body (an address, a source id) and where: file line and column (1-based)."""

    value: str
    line: int
    column: int


@dataclass(frozen=True)
class ImageAt:
    line: int  # where the image is written: its `![` or `<img`
    column: int
    src: At
    alt: str | None  # None when an <img> tag has no alt attribute


@dataclass(frozen=True)
class ParsedBody:
    blocks: tuple[Block, ...]  # every block outside code, in reading order
    links: tuple[At, ...]  # every <a href>, whatever Markdown made it: [x](/a/), [x][ref], <https://…>, raw <a>
    images: tuple[ImageAt, ...]  # ![alt](src) and <img> alike
    citations: tuple[At, ...]  # each [^id] marker outside code, in reading order


@dataclass
class _Found:
    """A block element found in the body, kept from the block pass to the facts pass."""

    element: ET.Element
    block: Block
    offset: int  # where the block starts in the body


@dataclass
class BodyParse:
    """The facts of the body being rendered; filled by the two tree processors, read once conversion ends."""

    body: str = ""
    body_line: int = 1
    lines: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # body offset of each line
    code_stash: int = 0  # stash entries below this index are fenced code (set right after fenced code runs)
    found: list[_Found] = field(default_factory=list)
    links: list[At] = field(default_factory=list)
    images: list[ImageAt] = field(default_factory=list)
    citations: list[At] = field(default_factory=list)
    cursor: int = 0  # the body line the next block is looked for from
    seen: set[int] = field(default_factory=set)  # the markers found inside blocks (element ids)

    def start(self, body: str, body_line: int) -> None:
        """Forget the last body; take this one."""
        self.body, self.body_line, self.lines = body, body_line, body.split("\n")
        self.starts, offset = [], 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.code_stash, self.cursor = 0, 0
        self.found, self.links, self.images, self.citations, self.seen = [], [], [], [], set()

    def result(self) -> ParsedBody:
        return ParsedBody(
            tuple(found.block for found in self.found),
            tuple(self.links),
            tuple(self.images),
            tuple(self.citations),
        )

    # -- the block pass: before inline patterns run, while each block still holds its text as written

    def find_blocks(self, root: ET.Element, stash: Sequence[object]) -> None:
        self._walk(root, None, stash)

    def _walk(self, element: ET.Element, parent: ET.Element | None, stash: Sequence[object]) -> None:
        tag = element.tag
        if tag == "pre":  # indented code
            return
        if tag in _HEADINGS:
            self._add(element, HEADING, element.text or "", int(tag[1]))
            return
        if tag == "tr":
            self._add_row(element)
            return
        if tag == "p":
            self._add_paragraph(element, parent, stash)
            return
        if tag in ("li", "dd") and (element.text or "").strip():
            self._add(element, ITEM if tag == "li" else PARAGRAPH, element.text or "")
        elif tag == "dt":
            self._add(element, TERM, element.text or "")
            return
        for child in element:
            self._walk(child, element, stash)

    def _add_paragraph(self, element: ET.Element, parent: ET.Element | None, stash: Sequence[object]) -> None:
        text = element.text or ""
        placeholder = HTML_PLACEHOLDER_RE.fullmatch(text.strip())
        if placeholder is not None and not len(element):
            index = int(placeholder.group(1))
            if index >= self.code_stash and index < len(stash):  # raw HTML as written; fenced code is skipped
                self._add(element, HTML, str(stash[index]), code_spans=False)
            return
        if "admonition-title" in (element.get("class") or "").split():
            kind = TITLE
        elif parent is not None and parent.tag == "li" and not (parent.text or "").strip() and parent[0] is element:
            kind = ITEM
        else:
            kind = PARAGRAPH
        self._add(element, kind, text)

    def _add_row(self, row: ET.Element) -> None:
        cells = [cell for cell in row if (cell.text or "").strip()]
        if not cells:
            return
        line, offset = self._locate((cells[0].text or "").strip(), self.cursor)
        if line is None:
            return
        written = self.lines[line]
        found: list[ProseLine] = []
        column = 0
        for cell in cells:
            text = (cell.text or "").strip()
            at = written.find(text, column)
            column = at + len(text) if at >= 0 else column
            found.append(ProseLine(self.body_line + line, (at if at >= 0 else 0) + 1, _blank_code_spans(text)))
        self.cursor = line + 1
        self.found.append(_Found(row, Block(ROW, tuple(found)), offset))

    def _add(self, element: ET.Element, kind: str, text: str, level: int = 0, code_spans: bool = True) -> None:
        written = text.split("\n")
        found: list[ProseLine] = []
        offset = -1
        search_from = self.cursor
        for row in written:
            needle = row.strip()
            if not needle:
                continue
            line, at = self._locate(needle, search_from)
            if line is None:
                continue
            offset = at if offset < 0 else offset
            search_from = self.cursor = line + 1  # no two blocks start on one line
            shown = _blank_code_spans(needle) if code_spans else needle
            found.append(ProseLine(self.body_line + line, at - self.starts[line] + 1, shown))
        if found:
            self.found.append(_Found(element, Block(kind, tuple(found), level), offset))

    def _locate(self, needle: str, first: int) -> tuple[int | None, int]:
        """The body line at or after `first` holding `needle` (as written, or with tabs expanded), and the offset."""
        for index in range(first, len(self.lines)):
            line = self.lines[index]
            at = line.find(needle)
            if at < 0 and "\t" in line:
                at = line.expandtabs(4).find(needle)
            if at >= 0:
                return index, self.starts[index] + at
        return None, -1

    # -- the facts pass: after inline patterns, when links, images and markers are elements

    def find_facts(self, root: ET.Element, stash: Sequence[object]) -> None:
        blocks = {id(found.element) for found in self.found}
        for number, found in enumerate(self.found):
            end = self.found[number + 1].offset if number + 1 < len(self.found) else len(self.body)
            if found.block.kind == HTML:
                self._html_facts(str(stash[_stash_index(found.element)]), found.offset, max(end, found.offset))
                continue
            # A list item's nested list holds blocks of its own, which report their own facts.
            nested = {id(element) for element in found.element.iter()} & blocks - {id(found.element)}
            self._element_facts(found.element, found.offset, end, stash, nested)
        for sup in root.iter("sup"):  # a marker in a block that could not be found again still counts as cited
            if id(sup) not in self.seen and sup.get(SOURCE_ATTRIBUTE) is not None:
                self.citations.append(At(sup.get(SOURCE_ATTRIBUTE) or "", self.body_line, 1))

    def _element_facts(
        self, element: ET.Element, start: int, end: int, stash: Sequence[object], nested: set[int]
    ) -> None:
        cursor = start
        for child in _in_order(element, nested):
            if isinstance(child, str):  # an inline stash placeholder: raw HTML written in the text
                index = int(child)
                if index < len(stash):
                    cursor = self._html_facts(str(stash[index]), cursor, end)
                continue
            if child.tag == "sup" and child.get(SOURCE_ATTRIBUTE) is not None:
                self.seen.add(id(child))
                source_id = child.get(SOURCE_ATTRIBUTE) or ""
                cursor = self._record(self.citations, source_id, f"[^{source_id}]", cursor, end)
            elif child.tag == "a" and child.get("href") is not None:
                written = child.get("href") or ""
                href = _decoded(written)
                if AMP_SUBSTITUTE in written:  # an e-mail autolink, <a@b.org>: written without "mailto:"
                    written = href.removeprefix("mailto:")
                cursor = self._record(self.links, href, _decoded(written), cursor, end)
            elif child.tag == "img":
                cursor = self._record_image(_decoded(child.get("src") or ""), child.get("alt"), cursor, end)

    def _html_facts(self, markup: str, start: int, end: int) -> int:
        reader = _HtmlFacts()
        reader.feed(markup)
        reader.close()
        cursor = start
        for tag, attributes in reader.found:
            if tag == "a":
                href = attributes.get("href") or ""
                cursor = self._record(self.links, href, href, cursor, end)
            else:
                cursor = self._record_image(attributes.get("src") or "", attributes.get("alt"), cursor, end)
        return cursor

    def _record(self, into: list[At], value: str, written: str, cursor: int, end: int) -> int:
        offset = _find(self.body, written, cursor, end)
        if offset < 0 and written:  # written elsewhere: a reference definition is often at the end of the page
            offset = self.body.find(written)
        line, column = self._position(offset if offset >= 0 else cursor)
        into.append(At(value, line, column))
        return offset + 1 if cursor <= offset < end else cursor

    def _record_image(self, src: str, alt: str | None, cursor: int, end: int) -> int:
        before = len(self.links)
        after = self._record(self.links, src, src, cursor, end)
        found = self.links.pop(before)
        src_at = self.starts[found.line - self.body_line] + found.column - 1
        opening = max(self.body.rfind("![", cursor, src_at), _rfind_tag(self.body, cursor, src_at))
        line, column = self._position(opening) if opening >= 0 else (found.line, found.column)
        self.images.append(ImageAt(line, column, found, alt))
        return after

    def _position(self, offset: int) -> tuple[int, int]:
        index = max(bisect_right(self.starts, offset) - 1, 0)
        return self.body_line + index, offset - self.starts[index] + 1


def _decoded(value: str) -> str:
    """An address from the tree as a browser reads it (Python-Markdown writes an e-mail link's characters as
    references behind a placeholder for '&')."""
    return html.unescape(value.replace(AMP_SUBSTITUTE, "&"))


def _rfind_tag(body: str, start: int, end: int) -> int:
    """The last `<img` (any case) in body[start:end], or -1."""
    matches = list(re.finditer(r"<img\b", body[start:end], re.I))
    return start + matches[-1].start() if matches else -1


def _blank_code_spans(text: str) -> str:
    return _CODE_SPAN.sub(lambda match: " " * len(match.group()), text) if "`" in text else text


def _stash_index(element: ET.Element) -> int:
    match = HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip())
    return int(match.group(1)) if match else -1


def _in_order(element: ET.Element, nested: set[int]) -> list[ET.Element | str]:
    """The element's descendants in reading order, with the stash index of each raw HTML placeholder in its text,
    leaving out the blocks in `nested` and the insides of a source marker."""
    out: list[ET.Element | str] = []
    out.extend(_placeholders(element.text))
    for child in element:
        if id(child) in nested:
            out.extend(_placeholders(child.tail))
            continue
        out.append(child)
        if child.get(SOURCE_ATTRIBUTE) is None:
            out.extend(_in_order(child, nested))
        out.extend(_placeholders(child.tail))
    return out


def _placeholders(text: str | None) -> list[ET.Element | str]:
    return [match.group(1) for match in HTML_PLACEHOLDER_RE.finditer(text)] if text else []


class _HtmlFacts(HTMLParser):
    """Every <a href> and <img> in raw HTML, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (tag == "a" and values.get("href") is not None) or tag == "img":
            self.found.append((tag, values))

    handle_startendtag = handle_starttag


def _find(body: str, text: str, start: int, end: int) -> int:
    """Where `text` is written in body[start:end], each character as itself, as a character reference (`&#9;`,
    `&amp;`) or, for punctuation, after a Markdown backslash."""
    if not text:
        return -1
    at = body.find(text, start, end)
    if at >= 0:
        return at
    match = re.compile("".join(_written(char) for char in text)).search(body, start, end)
    return match.start() if match else -1


def _written(char: str) -> str:
    forms = [re.escape(char), f"&#0*{ord(char)};", f"&#[xX]0*{ord(char):x};"]
    name = codepoint2name.get(ord(char))
    if name:
        forms.append(f"&{name};")
    if char in string.punctuation:
        forms.append(re.escape("\\" + char))
    return "(?:" + "|".join(forms) + ")"
