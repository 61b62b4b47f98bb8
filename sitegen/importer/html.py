"""Saved web pages (.html, .htm): the main content as Markdown-like text for the same importer steps.

The page is decoded in the character set its `<meta charset>` declares (UTF-8 when it declares none).
Navigation, headers, footers, asides, scripts, styles and forms are removed first; readability-lxml then finds
the article, joining it up when it is split across several `<div>`s. The article becomes text the rest of the
importer already reads: `#` headings at their HTML level, `-` and `1.` list items, Markdown tables, one
paragraph per block. Files only: nothing is fetched.
"""

from __future__ import annotations

import codecs
import importlib
import re
from pathlib import Path

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]

from sitegen.errors import Problem
from sitegen.importer.decode import decode
from sitegen.importer.segment import Line

SUFFIXES = (".html", ".htm")
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# As browsers do (WHATWG Encoding): a page that says Latin-1 or ASCII is read as Windows-1252.
_AS_BROWSERS_READ = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}
_FURNITURE = (
    "//script | //style | //noscript | //template | //nav | //header | //footer | //aside | //form | //button"
    " | //iframe | //svg | //select | //input | //textarea | //dialog"
    " | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary'"
    " or @role='search' or @aria-hidden='true' or @hidden]"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LINE = "data-sitegen-line"
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = {"ul", "ol"}
_BLOCKS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "table", "ul", "ol", "dl", "figure", "li",
    "figcaption", "details", "summary", "address", "body", "html", "center", "dd", "dt", *_HEADINGS,
}  # fmt: skip


def is_page(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def read_page(path: Path, shown: str, max_bytes: int) -> tuple[list[Line], Problem | None]:
    """The article of a saved page as text, or a Problem with the same wording as a text source's."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [], Problem(shown, 0, "", f"is too large ({size} bytes, limit {max_bytes})", "split it up")
        data = path.read_bytes()
    except FileNotFoundError:
        return [], Problem(shown, 0, "", "does not exist", "check the file name and folder")
    except IsADirectoryError:
        return [], Problem(shown, 0, "", "is a folder, not a file", "name a file")
    except OSError as exc:
        return [], Problem(shown, 0, "", f"cannot be read ({exc.strerror})", "check the file's permissions")
    page, problem = decode_page(data, shown)
    if problem is not None:
        return [], problem
    if "\x00" in page:
        line = page.count("\n", 0, page.index("\x00")) + 1
        return [], Problem(shown, line, "", "contains a NUL byte", "this looks like a binary file; remove it")
    return page_lines(page), None


def decode_page(data: bytes, shown: str) -> tuple[str, Problem | None]:
    """The page's text in the character set it declares, or a Problem saying what is wrong."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    declared = _DECLARED.search(data[:4096])
    name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        encoding = codecs.lookup(_AS_BROWSERS_READ.get(name, name)).name
    except LookupError:
        return "", Problem(
            shown, _line(data, declared.start() if declared else 0), "", f"declares an unknown character set '{name}'",
            "save the page again from the browser, or change its <meta charset> to the one it uses (often utf-8)",
        )  # fmt: skip
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        said = f"its <meta charset> says {name}" if declared else "it declares no character set, so UTF-8 was tried"
        return "", Problem(
            shown, _line(data, exc.start), "", f"is not valid {name} at byte {exc.start} ({said})",
            "save the page again from the browser, or add the right <meta charset> to it",
        )  # fmt: skip


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def page_lines(page: str) -> list[Line]:
    """The article of a decoded page as lines the segmenter reads, each numbered with its line in the page.

    A `#` title line comes first, then one block per paragraph, heading, list or table, with a blank line
    between blocks. No lines when the page holds no text at all.
    """
    page = _XML_DECLARATION.sub("", page, count=1)  # lxml refuses a str that still declares its encoding
    if not page.strip():
        return []
    try:
        tree = lxml.html.document_fromstring(page)
    except lxml.etree.ParserError:
        return []
    for element in tree.iter():
        if isinstance(element.tag, str) and element.sourceline:
            element.set(_LINE, str(element.sourceline))  # readability keeps attributes: the report's line numbers
    title, title_line = _title(tree)
    for element in tree.xpath(_FURNITURE):
        _drop(element)
    # Loaded only when a page is imported; by name, as benchmarks/readability.py (a script) shares its name.
    document = importlib.import_module("readability").Document
    cleaned = lxml.html.tostring(tree, encoding="unicode")
    article = lxml.html.fragment_fromstring(document(cleaned).summary(html_partial=True), create_parent="div")
    blocks: list[list[Line]] = [[Line(f"# {title}", title_line)]] if title else []
    _walk(article, blocks, skip_title=title)
    lines: list[Line] = []
    for block in blocks:
        decoded = [
            Line(" ".join(part.split()), line.number) for line in block for part in decode(line.text).split("\n")
        ]
        if any(line.text for line in decoded):
            lines.extend([*decoded, Line("", decoded[-1].number)])
    return lines


def _title(tree: lxml.html.HtmlElement) -> tuple[str, int]:
    """The first <h1>, else the <title> without the site's name, with its line in the page."""
    for element in [*tree.iter("h1"), *tree.iter("title")]:
        text = _text(element) if element.tag == "h1" else _short_title(_text(element))
        if text:
            return text, _line_of(element)
    return "", 1


def _line_of(element: lxml.html.HtmlElement) -> int:
    return int(element.get(_LINE) or element.sourceline or 1)


def _short_title(text: str) -> str:
    """'Numb hands | Example Health' -> 'Numb hands': a site name after a separator is not the title."""
    for separator in (" | ", " – ", " — ", " - ", " :: ", " · "):
        if separator in text:
            return text.split(separator)[0].strip()
    return text


def _drop(element: lxml.html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:  # the text after the element belongs to its parent, not to the element
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(str(element.text_content()).split())


def _walk(element: lxml.html.HtmlElement, blocks: list[list[Line]], skip_title: str) -> None:
    """Append the blocks of `element`'s children: inline text between block children becomes a paragraph."""
    inline: list[str] = [element.text or ""]
    inline_line = _line_of(element)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag not in _BLOCKS:
            inline.append(str(child.text_content()) if tag else "")
            inline.append(child.tail or "")
            continue
        blocks.append([Line("".join(inline), inline_line)])
        inline, inline_line = [child.tail or ""], _line_of(child)
        line = _line_of(child)
        if tag in _HEADINGS:
            text = _text(child)
            if text and not (tag == "h1" and text == skip_title):
                blocks.append([Line("#" * _HEADINGS[tag] + " " + text, line)])
        elif tag in _LISTS:
            blocks.append(_items(child))
        elif tag == "table":
            blocks.append(_table(child))
        elif tag == "pre":
            blocks.append([Line(_text(child), line)])
        else:
            _walk(child, blocks, skip_title)
    blocks.append([Line("".join(inline), inline_line)])


def _items(listing: lxml.html.HtmlElement) -> list[Line]:
    """One line per item, numbered for <ol>; items of a nested list follow their parent item."""
    lines: list[Line] = []
    for number, item in enumerate(listing.iterchildren("li"), start=1):
        nested = [child for child in item if child.tag in _LISTS]
        own = " ".join(
            "".join([item.text or ""] + [str(c.text_content()) + (c.tail or "") for c in item if c not in nested])
            .split()
        )  # fmt: skip
        if own:
            lines.append(Line(f"{number}. {own}" if listing.tag == "ol" else f"- {own}", _line_of(item)))
        for child in nested:
            lines.extend(_items(child))
    return lines


def _table(table: lxml.html.HtmlElement) -> list[Line]:
    """A Markdown table: the first row is the header row."""
    rows = [
        ([_text(cell).replace("|", "\\|") for cell in row.iterchildren("th", "td")], _line_of(row))
        for row in table.iter("tr")
    ]  # fmt: skip
    rows = [(cells, line) for cells, line in rows if any(cells)]
    if not rows:
        return []
    width = max(len(cells) for cells, _ in rows)
    lines = [Line("| " + " | ".join(cells + [""] * (width - len(cells))) + " |", line) for cells, line in rows]
    lines.insert(1, Line("|" + "---|" * width, lines[0].number))
    return lines
