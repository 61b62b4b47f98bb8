"""Which lines of an article's body are code, as Python-Markdown itself reads them.

The line checks (source markers, leftover escapes, links, phone numbers) skip code. They used to guess where code
is with their own rules ("a line starting with ``` or ~~~ toggles a fence", "four spaces is code"), which disagreed
with the renderer: a paragraph indented under a list item was skipped as code, and a ``` block holding a ~~~ line
was read as two fences. Here the fences come from Python-Markdown's own fenced-code rule, and indented code from
its block parser's element tree, each mapped back to the body lines it came from.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache

import markdown
from markdown.extensions.fenced_code import FencedBlockPreprocessor

# The block-level extensions the renderer uses (sitegen/render/markdown.py), so lists and code split the same way.
_EXTENSIONS = ["tables", "def_list", "sane_lists", "fenced_code", "admonition"]
_FENCE_MARKS = ("```", "~~~")
_INDENTED = "    "


@lru_cache(maxsize=64)  # the line checks of one article each ask; parse it once
def code_line_offsets(body: str) -> frozenset[int]:
    """Offsets (0 = the body's first line) of every line inside fenced or indented code, fence lines included."""
    fenced = _fenced_offsets(body) if any(mark in body for mark in _FENCE_MARKS) else set()
    if "\n" + _INDENTED not in "\n" + body and "\t" not in body:
        return frozenset(fenced)
    return frozenset(fenced | _indented_offsets(body, fenced))


def _fenced_offsets(body: str) -> set[int]:
    offsets: set[int] = set()
    for match in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(body):
        first = body.count("\n", 0, match.start())
        last = first + match.group().count("\n")
        offsets.update(range(first, last + 1))
    return offsets


def _indented_offsets(body: str, fenced: set[int]) -> set[int]:
    """Indented code blocks from the parsed tree, found again in the body in reading order."""
    md = markdown.Markdown(extensions=_EXTENSIONS)
    lines = body.split("\n")
    prepared = lines
    for preprocessor in md.preprocessors:
        prepared = preprocessor.run(prepared)
    root = md.parser.parseDocument(prepared).getroot()
    if root is None:
        return set()
    offsets: set[int] = set()
    cursor = 0
    for block in _indented_code_blocks(root):
        found = _find_block(lines, block, cursor, fenced)
        if found is not None:
            offsets.update(range(found, found + len(block)))
            cursor = found + len(block)
    return offsets


def _indented_code_blocks(root: ET.Element) -> list[list[str]]:
    blocks: list[list[str]] = []
    for pre in root.iter("pre"):
        code = pre.find("code")
        if code is not None and code.text:
            blocks.append(code.text.rstrip("\n").split("\n"))
    return blocks


def _find_block(lines: list[str], block: list[str], cursor: int, fenced: set[int]) -> int | None:
    """The first offset at or after cursor where the block's lines stand, indented, outside fenced code."""
    wanted = [line.strip() for line in block]
    for start in range(cursor, len(lines) - len(block) + 1):
        if start in fenced or not lines[start].startswith((_INDENTED, "\t")):
            continue
        if all(lines[start + index].strip() == text for index, text in enumerate(wanted)):
            return start
    return None
