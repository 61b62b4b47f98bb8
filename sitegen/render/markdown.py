"""Markdown -> sanitised HTML, with stable heading ids, a table of contents and numbered source markers."""

from __future__ import annotations

import bisect
import html
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from sitegen.errors import Problem
from sitegen.render.parsed import SOURCE_ATTRIBUTE, BodyParse, ParsedBody
from sitegen.render.sanitize import make_sanitizer

MARKER = re.compile(r"\[\^([^\]\s]+)\]")  # `[^id]` cites the front-matter source with that id
_TAG = re.compile(r"<[^>]*>")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Python-Markdown recurses per nesting level; far below these depths it hits RecursionError or slows badly.
MAX_QUOTE_DEPTH = 20
MAX_INDENT = 80
# Render budget: every article under the size cap (1 MB) renders in about a second, or is refused naming the
# file and line. Python-Markdown has three kinds of quadratic work, each bounded here by the characters it would
# scan (_render_cost_problem; tests/test_invalid_input.py holds the worst cases). For each unclosed `[` or `(`
# the link rules scan to the end of the paragraph (4000 `[` in one paragraph: 3 s); for each `<tag`, `</`, `<!`
# or `<?` the HTML reader scans to the next `>` anywhere in the page (`<a ` x 4000: 1.6 s); block rules re-read
# the rest of a block for each of its lines (10,000 headings with no blank line between them: 12 s). Ordinary
# pages stay far below each limit.
MAX_BRACKET_SCAN = 250_000  # characters scanned for unclosed brackets, per paragraph (about 0.2 s)
MAX_TAG_SCAN = 1_000_000  # characters scanned for the ends of HTML tags, per page (about 0.2 s)
MAX_BLOCK_SCAN = 20_000_000  # lines x characters of one block between blank lines (about 0.3 s)
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")
_BRACKET = re.compile(r"[\[\]()]")
_TAG_START = re.compile(r"<[A-Za-z!/?]")
_TAG_END = re.compile(r">")
_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
# A diagram drawn by the site, placed by a line of its own: `{{ hand-map }}`. The drawing comes from a template
# partial (DIAGRAMS), never from the article, and is put in after the body has been sanitised.
DIAGRAM_LINE = re.compile(r"^ {0,3}\{\{ *([a-z][a-z0-9-]*) *\}\} *$")
DIAGRAMS = {"hand-map": "partials/hand-map.html"}
# Callouts: `!!! warning "Title"` (NHS warning callout) and `!!! info` (NHS inset text), through the admonition
# extension; any other kind is refused with the line it is on.
CALLOUT_LINE = re.compile(r"^ {0,3}!!! *([^ \t\"]*)")
CALLOUTS = {"warning": "Important", "info": ""}  # kind -> heading shown when the writer gives none
RenderTemplate = Callable[[str, Mapping[str, object]], str]


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]
    citations: tuple[tuple[str, int], ...]  # (source id, how many times it is cited)
    numbers: dict[str, int]  # source id -> the number readers see: in order of first citation, uncited ones last
    parsed: ParsedBody  # what Python-Markdown made of the body, with source lines, for the checks


class _CitationProcessor(InlineProcessor):
    def __init__(self, extension: _HealthPageExtension) -> None:
        super().__init__(MARKER.pattern)
        self.extension = extension

    def handleMatch(  # type: ignore[override]  # noqa: N802  (real InlineProcessor signature; stubs differ)
        self, m: re.Match[str], data: str
    ) -> tuple[ET.Element, int, int]:
        source_id = m.group(1)
        count = self.extension.counts.get(source_id, 0) + 1
        self.extension.counts[source_id] = count
        sup = ET.Element("sup", {"class": "cite", "id": f"cite-{source_id}-{count}", SOURCE_ATTRIBUTE: source_id})
        ET.SubElement(sup, "a", {"href": f"#source-{source_id}"})  # numbered once the whole page is read
        return sup, m.start(0), m.end(0)


class _CodeStashMark(Preprocessor):
    """Right after fenced code is set aside: every stashed block so far is code, every later one raw HTML."""

    def __init__(self, md: markdown.Markdown, parse: BodyParse) -> None:
        super().__init__(md)
        self.parse = parse

    def run(self, lines: list[str]) -> list[str]:
        self.parse.code_stash = len(self.md.htmlStash.rawHtmlBlocks)
        return lines


class _FindBlocks(Treeprocessor):
    """Before inline patterns run: each block outside code, found again in the body with its lines."""

    def __init__(self, md: markdown.Markdown, parse: BodyParse) -> None:
        super().__init__(md)
        self.parse = parse

    def run(self, root: ET.Element) -> None:
        self.parse.find_blocks(root, self.md.htmlStash.rawHtmlBlocks)


class _NumberCitations(Treeprocessor):
    """After inline patterns: the links, images and markers of each block; then sources numbered in the order
    readers meet them (as in Vancouver style), uncited ones (only possible in drafts) last."""

    def __init__(self, md: markdown.Markdown, extension: _HealthPageExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ET.Element) -> None:
        self.extension.parse.find_facts(root, self.md.htmlStash.rawHtmlBlocks)
        numbers: dict[str, int] = {}
        markers = [sup for sup in root.iter("sup") if sup.get(SOURCE_ATTRIBUTE) is not None]
        for sup in markers:
            numbers.setdefault(sup.get(SOURCE_ATTRIBUTE) or "", len(numbers) + 1)
        for source_id in self.extension.source_ids:
            numbers.setdefault(source_id, len(numbers) + 1)
        for sup in markers:
            number = numbers[sup.attrib.pop(SOURCE_ATTRIBUTE)]
            link = sup[0]
            link.set("aria-label", f"Source {number}")
            link.text = f"[{number}]"
        self.extension.numbers = numbers


class _HealthPageExtension(Extension):
    """Numbered source markers and stable heading ids."""

    def __init__(self) -> None:
        super().__init__()
        self.source_ids: Sequence[str] = ()  # the page's sources in the order listed; set before each page
        self.numbers: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.parse = BodyParse()
        self.diagram_tokens: list[str] = []  # filled before each page, one token per `{{ name }}` line

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.registerExtension(self)
        self.headings = _HeadingIds(md)
        md.treeprocessors.register(_FindBlocks(md, self.parse), "find-blocks", 30)  # before inline patterns (20)
        md.treeprocessors.register(_NumberCitations(md, self), "number-citations", 19)
        md.treeprocessors.register(self.headings, "heading-ids", 5)  # after inline patterns (20), as toc does
        md.treeprocessors.register(_Callouts(md), "callouts", 4)
        md.treeprocessors.register(_Figures(md), "figures", 3)
        # After fenced code (25) has set code aside, so a `{{ name }}` line inside code stays as it is.
        md.preprocessors.register(_DiagramLines(md, self.diagram_tokens), "diagram-lines", 22)
        md.preprocessors.register(_CodeStashMark(md, self.parse), "code-stash-mark", 24)
        # Above links (160) and references (170) so `[^id]` is never read as a link; below code spans (190).
        md.inlinePatterns.register(_CitationProcessor(self), "source-citation", 175)

    def reset(self) -> None:
        self.counts = {}


class _DiagramLines(Preprocessor):
    """Each `{{ name }}` line becomes a paragraph holding a one-off token; the sanitised HTML gets the drawing."""

    def __init__(self, md: markdown.Markdown, tokens: list[str]) -> None:
        super().__init__(md)
        self.tokens = tokens

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            if DIAGRAM_LINE.match(line) and len(self.tokens) > 0:
                out.extend(["", self.tokens.pop(0), ""])
            else:
                out.append(line)
        return out


class _Callouts(Treeprocessor):
    """Admonitions -> NHS-style callouts: a `note` with an accessible name, so colour is never the only cue."""

    def run(self, root: ET.Element) -> None:
        number = 0
        for element in root.iter("div"):
            classes = (element.get("class") or "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c in CALLOUTS), "info")
            number += 1
            element.attrib = {"class": f"callout callout-{kind}", "role": "note"}
            title = _callout_title(element, kind)
            if title is None:
                element.set("aria-label", "Information")
                continue
            title.attrib = {"class": "callout-title", "id": f"callout-{number}"}
            element.set("aria-labelledby", f"callout-{number}")


def _callout_title(callout: ET.Element, kind: str) -> ET.Element | None:
    """The callout's title paragraph: the writer's, else the kind's own heading; None for inset text with none."""
    first = callout[0] if len(callout) else None
    if first is None or first.tag != "p" or first.get("class") != "admonition-title":
        if not CALLOUTS[kind]:
            return None
        title = ET.Element("p")
        title.text = CALLOUTS[kind]
        callout.insert(0, title)
        return title
    if (first.text or "").strip() == kind.capitalize() and not len(first):  # the extension's default title
        first.text = CALLOUTS[kind]
        if not first.text:  # inset text has no heading
            callout.remove(first)
            return None
    return first


class _Figures(Treeprocessor):
    """A paragraph that starts with an image becomes a figure; the words after the image are its caption."""

    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):  # a snapshot: the loop replaces paragraphs with figures
            for index, child in enumerate(list(parent)):
                if child.tag != "p" or (child.text or "").strip() or not len(child) or child[0].tag != "img":
                    continue
                image = child[0]
                rest = list(child)[1:]
                caption_text = (image.tail or "").lstrip() if rest else (image.tail or "").strip()
                figure = ET.Element("figure")
                figure.tail = child.tail
                image.tail = None
                image.set("loading", "lazy")
                image.set("decoding", "async")
                figure.append(image)
                if caption_text or rest:
                    caption = ET.SubElement(figure, "figcaption")
                    caption.text = caption_text
                    for element in rest:
                        caption.append(element)
                parent.remove(child)
                parent.insert(index, figure)


class _HeadingIds(Treeprocessor):
    """Stable heading ids from the heading text ("Ice or heat" -> "ice-or-heat", repeats get "_1", "_2").

    Does what the `toc` extension does for ids, without serialising each heading to HTML and building a
    table of contents we do not use: that made up a tenth of all rendering time.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.entries: list[TocEntry] = []

    def run(self, root: ET.Element) -> None:
        used: set[str] = set()
        last_counter: dict[str, int] = {}  # so 10,000 headings with one name take linear, not quadratic, time
        self.entries = []
        for element in root.iter():
            if element.tag in _HEADINGS:
                title = " ".join(_heading_text(element, self.md).split())
                slug = slugify(title, "-") or "section"
                unique = slug
                counter = last_counter.get(slug, 0)
                while unique in used:
                    counter += 1
                    unique = f"{slug}_{counter}"
                last_counter[slug] = counter
                used.add(unique)
                element.set("id", unique)
                self.entries.append(TocEntry(int(element.tag[1]), unique, title))


def _heading_text(element: ET.Element, md: markdown.Markdown) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.get("class") != "cite":  # a source marker is not part of the heading's name
            parts.append(_heading_text(child, md))
        parts.append(child.tail or "")
    return html.unescape(_restore_stashed_text("".join(parts), md))


def _restore_stashed_text(text: str, md: markdown.Markdown) -> str:
    """Raw HTML inside a heading is kept aside by Python-Markdown as a placeholder; put its text back."""
    stash = md.htmlStash.rawHtmlBlocks

    def restore(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return _TAG.sub("", str(stash[index])) if index < len(stash) else ""

    return HTML_PLACEHOLDER_RE.sub(restore, text)


class BodyRenderer:
    """Reusable: one per process. Not thread-safe (Python-Markdown instances keep state)."""

    def __init__(
        self,
        base_path: str,
        asset_urls: Mapping[str, str] | None = None,
        render_template: RenderTemplate | None = None,
    ) -> None:
        self._extension = _HealthPageExtension()
        self._render_template = render_template
        self._secret = secrets.token_hex(16)  # content cannot guess it, so only `{{ name }}` lines become drawings
        self._md = markdown.Markdown(
            extensions=[
                "tables",
                "def_list",
                "abbr",
                "sane_lists",
                "fenced_code",
                "admonition",
                self._extension,
            ],
            extension_configs={
                "tables": {"use_align_attribute": True},  # `align=`, not inline style (the CSP forbids it)
            },
            output_format="html",
        )
        self._sanitize: Callable[[str], str] = make_sanitizer(base_path, asset_urls)

    def render(self, body: str, source_ids: Sequence[str], shown_as: str, body_line: int) -> RenderedBody | Problem:
        """The page body, or the problem that stops it rendering. `source_ids`: the sources listed, in order."""
        too_deep = _nesting_problem(body, shown_as, body_line) or _render_cost_problem(body, shown_as, body_line)
        if too_deep is not None:
            return too_deep
        unknown = _callout_problem(body, shown_as, body_line)
        if unknown is not None:
            return unknown
        drawings = self._diagrams(body, shown_as, body_line)
        if isinstance(drawings, Problem):
            return drawings
        self._md.reset()
        self._extension.source_ids = source_ids
        self._extension.parse.start(body, body_line)
        self._extension.diagram_tokens[:] = list(drawings)
        try:
            html = self._md.convert(body)
        except RecursionError:
            return Problem(shown_as, body_line, "", "is nested too deeply to render", "flatten lists and quotes")
        except Exception as exc:  # Python-Markdown aims never to raise; if it does, name the file, not a traceback
            return Problem(
                shown_as,
                body_line,
                "",
                f"could not be rendered ({type(exc).__name__})",
                "simplify unusual Markdown or HTML in this article",
            )
        clean = self._sanitize(html)
        for token, drawing in drawings.items():
            clean = clean.replace(f"<p>{token}</p>", drawing)
        return RenderedBody(
            html=clean,
            toc=tuple(self._extension.headings.entries),
            citations=tuple(sorted(self._extension.counts.items())),
            numbers=self._extension.numbers,
            parsed=self._extension.parse.result(),
        )

    def _diagrams(self, body: str, shown_as: str, body_line: int) -> dict[str, str] | Problem:
        """token -> the drawing's HTML, for each `{{ name }}` line outside code, in order."""
        drawings: dict[str, str] = {}
        for offset, line in enumerate(_without_fenced_code(body).split("\n")):
            match = DIAGRAM_LINE.match(line)
            if match is None:
                continue
            name = match.group(1)
            template = DIAGRAMS.get(name)
            if template is None or self._render_template is None:
                known = ", ".join("{{ " + known + " }}" for known in sorted(DIAGRAMS))
                return Problem(
                    shown_as,
                    body_line + offset,
                    "",
                    f"places a diagram called '{name}', which this site does not have",
                    f"use one of: {known}, on a line of its own",
                )
            number = len(drawings) + 1
            drawings[f"sitegen-diagram-{self._secret}-{number}"] = self._render_template(
                template, {"id": f"{name}-{number}" if number > 1 else name}
            )
        return drawings


def _callout_problem(body: str, shown_as: str, body_line: int) -> Problem | None:
    for offset, line in enumerate(_without_fenced_code(body).split("\n")):
        match = CALLOUT_LINE.match(line)
        if match and match.group(1) not in CALLOUTS:
            return Problem(
                shown_as,
                body_line + offset,
                "",
                f"starts a callout of a kind this site does not have ('{match.group(1)}')",
                'write `!!! warning "Title"` for a warning or `!!! info` for inset text',
            )
    return None


def _nesting_problem(body: str, shown_as: str, body_line: int) -> Problem | None:
    for offset, line in enumerate(body.split("\n")):
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        quotes = len(stripped) - len(stripped.lstrip("> "))
        if indent > MAX_INDENT or stripped[:quotes].count(">") > MAX_QUOTE_DEPTH:
            return Problem(
                shown_as,
                body_line + offset,
                "",
                "is nested too deeply",
                f"use at most {MAX_QUOTE_DEPTH} levels of quotes and lists",
            )
    return None


def _render_cost_problem(body: str, shown_as: str, body_line: int) -> Problem | None:
    """A page whose Markdown would take too long to render (the limits above), at the line where it starts."""
    text = _without_fenced_code(body)  # code blocks are set aside before the quadratic steps run
    tag_scan = _tag_scan(text)
    if tag_scan > MAX_TAG_SCAN:
        first = _TAG_START.search(text)
        line = body_line + text.count("\n", 0, first.start() if first else 0)
        why = f"HTML tags left open ({tag_scan:,} characters to scan, limit {MAX_TAG_SCAN:,})"
        return _too_slow(shown_as, line, why, "close every < with >, or write 'less than'")
    start = 0
    for end in [match.start() for match in _BLANK_LINE.finditer(text)] + [len(text)]:
        block = text[start:end]
        line = body_line + text.count("\n", 0, start) + (1 if start else 0)
        lines = block.count("\n") + 1
        if lines * len(block) > MAX_BLOCK_SCAN:
            why = f"{lines:,} lines without a blank line (limit {MAX_BLOCK_SCAN:,} lines x characters)"
            return _too_slow(shown_as, line, why, "put blank lines between paragraphs, headings and lists")
        bracket_scan = _bracket_scan(block)
        if bracket_scan > MAX_BRACKET_SCAN:
            why = f"brackets left open ({bracket_scan:,} characters to scan, limit {MAX_BRACKET_SCAN:,})"
            return _too_slow(shown_as, line, why, "close every [ and ( in this paragraph, or remove the extra ones")
        start = end
    return None


def _too_slow(shown_as: str, line: int, why: str, fix: str) -> Problem:
    return Problem(shown_as, line, "", f"takes too long to render: {why}", f"simplify the page: {fix}")


def _without_fenced_code(body: str) -> str:
    lines = body.split("\n")
    inside = False
    for index, line in enumerate(lines):
        fence = bool(_FENCE_LINE.match(line))
        if inside or fence:
            lines[index] = ""
        if fence:
            inside = not inside
    return "\n".join(lines)


def _bracket_scan(block: str) -> int:
    """Characters Python-Markdown's link rules read: from each `[` or `(` to its closing bracket, or to the end
    of the paragraph when there is none (each of several rules does this, so the cost is counted once)."""
    open_at: dict[str, list[int]] = {"[": [], "(": []}
    scanned = 0
    for match in _BRACKET.finditer(block):
        char, at = match.group(), match.start()
        if char in open_at:
            open_at[char].append(at)
        else:
            waiting = open_at["[" if char == "]" else "("]
            if waiting:
                scanned += at - waiting.pop()
    return scanned + sum(len(block) - at for waiting in open_at.values() for at in waiting)


def _tag_scan(text: str) -> int:
    """Characters the HTML reader scans: from each tag start to the next `>` (or the end of the page)."""
    ends = [match.start() for match in _TAG_END.finditer(text)]
    scanned = 0
    for match in _TAG_START.finditer(text):
        following = bisect.bisect_left(ends, match.start())
        scanned += (ends[following] if following < len(ends) else len(text)) - match.start()
    return scanned
