"""The checks `check` runs on one article beyond what the build needs: review dates, reading level, links and
images, unsafe HTML, phone numbers and misleading claims. Each problem carries its code, line and column."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.check.readability import (
    FKGL_FAIL,
    FKGL_WARN,
    SENTENCE_FAIL_WORDS,
    SMOG_FAIL,
    SMOG_WARN,
    measure,
)
from sitegen.errors import Problem, Severity
from sitegen.model import Article
from sitegen.read import urls
from sitegen.read.phone import PHONE_NUMBER as _PHONE
from sitegen.read.urls import IMAGE_KINDS, LINK_KINDS, Address, Kind, classify
from sitegen.render.markdown import RenderedBody
from sitegen.render.parsed import At, ImageAt, ParsedBody

REVIEW_WARNING_DAYS = 30
_UNSAFE_TAG = re.compile(r"<\s*(script|style|iframe|object|embed|form|input|button|link|meta|base|svg|math)\b", re.I)
_UNSAFE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\s(on[a-z]+|style)\s*=", re.I)
_JAVASCRIPT_URL = re.compile(r"(?:\]\(|=\s*[\"']?)\s*(javascript|vbscript|data):", re.I)


@dataclass(frozen=True)
class PageFacts:
    """What the site-wide link check needs to know about one page."""

    path: str  # as editors see it
    url_path: str  # "" for the home page, "a/b/" otherwise
    anchors: frozenset[str]
    links: tuple[At, ...]  # internal links, as written, in reading order


@dataclass(frozen=True)
class Claim:
    pattern: re.Pattern[str]
    why: str
    instead: str


def prose_lines(parsed: ParsedBody) -> Iterator[tuple[int, int, str]]:
    """(file line, column, text) of each written line outside code, as the one parse found them."""
    for block in parsed.blocks:
        for line in block.lines:
            yield line.line, line.column, line.text


def review_problems(article: Article, shown: str, today: dt.date, require_review: bool) -> list[Problem]:
    meta = article.meta
    problems: list[Problem] = []
    due_line = article.line_of("next_review_due")
    if meta.next_review_due < today:
        problems.append(
            Problem(
                shown,
                due_line,
                "next_review_due",
                f"was {meta.next_review_due}: this page is overdue for review",
                "review the page against its sources, then update last_reviewed and next_review_due",
                code="REV001",
            )
        )
    elif (meta.next_review_due - today).days <= REVIEW_WARNING_DAYS:
        problems.append(
            Problem(
                shown,
                due_line,
                "next_review_due",
                f"is {meta.next_review_due}, within {REVIEW_WARNING_DAYS} days",
                "plan the review now so the page does not go out of date",
                Severity.WARNING,
                code="REV002",
            )
        )
    if meta.clinical_review != "complete":
        problems.append(
            Problem(
                shown,
                article.line_of("clinical_review") if "clinical_review" in dict(article.field_lines) else 1,
                "clinical_review",
                "is pending: no clinician has signed this page off yet",
                "ask a clinical reviewer to check the page, then add reviewers and set clinical_review: complete",
                Severity.ERROR if require_review else Severity.WARNING,
                code="REV003",
            )
        )
    return problems


def readability_problems(article: Article, shown: str, rendered: RenderedBody) -> list[Problem]:
    score = measure(rendered.html)
    blocks = rendered.parsed.blocks
    start = blocks[0].line if blocks else article.body_line  # where the page's text starts
    problems: list[Problem] = []
    grades = f"SMOG {score.smog:.1f}, Flesch-Kincaid grade {score.fkgl:.1f}"
    if score.scored and (score.smog > SMOG_FAIL or score.fkgl > FKGL_FAIL):
        waived = article.meta.readability_waiver is not None
        problems.append(
            Problem(
                shown,
                start,
                "",
                f"is too hard to read ({grades}; the limit is SMOG {SMOG_FAIL:g}, grade {FKGL_FAIL:g})",
                "use shorter sentences and everyday words; put medical words in brackets after the plain ones",
                Severity.WARNING if waived else Severity.ERROR,
                code="READ001",
            )
        )
    elif score.scored and (score.smog > SMOG_WARN or score.fkgl > FKGL_WARN):
        problems.append(
            Problem(
                shown,
                start,
                "",
                f"is harder to read than our target ({grades}; target SMOG {SMOG_WARN:g}, grade {FKGL_WARN:g})",
                _read002_hint(score.wordiest, score.long_words),
                Severity.WARNING,
                code="READ002",
            )
        )
    for sentence in score.long_sentences:
        line, column = _locate(article, rendered.parsed, sentence)
        words = len(sentence.split())
        problems.append(
            Problem(
                shown,
                line,
                "",
                f'has a sentence of {words} words (at most {SENTENCE_FAIL_WORDS}): "{_clip(sentence)}"',
                "split it into two or more sentences",
                code="READ003",
                column=column,
            )
        )
    return problems


def _read002_hint(wordiest: tuple[tuple[str, int], ...], long_words: tuple[str, ...]) -> str:
    """Which sentences and words to shorten first, by their first words."""
    parts = []
    if wordiest:
        named = ", ".join(f'"{_first_words(sentence)}" ({words} words)' for sentence, words in wordiest)
        parts.append(f"shorten or split these sentences first: {named}")
    else:
        parts.append("use shorter sentences")
    if long_words:
        parts.append("swap long words for everyday ones where you can, such as " + ", ".join(long_words))
    else:
        parts.append("swap long words for everyday ones where you can")
    return "; then ".join(parts)


def _first_words(sentence: str, count: int = 6) -> str:
    words = sentence.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _locate(article: Article, parsed: ParsedBody, sentence: str) -> tuple[int, int]:
    """The file line and column where a rendered sentence starts (first words matched), else the body start."""
    words = re.findall(r"[A-Za-z0-9']+", sentence)[:4]
    if words:
        pattern = re.compile(r"\W+".join(re.escape(word) for word in words))
        for line, column, text in prose_lines(parsed):
            match = pattern.search(text)
            if match:
                return line, column + match.start()
    return article.body_line, 1


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def line_problems(article: Article, parsed: ParsedBody, shown: str, claims: list[Claim]) -> list[Problem]:
    """Unsafe HTML, phone numbers and misleading claims, found line by line in the body's text and raw HTML."""
    problems: list[Problem] = []
    for line, start, text in prose_lines(parsed):
        for match in _UNSAFE_TAG.finditer(text):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"contains a <{match.group(1).lower()}> tag, which is not allowed in articles",
                    "remove it; use Markdown for formatting",
                    code="HTML001",
                    column=start + match.start(),
                )
            )
        for match in _UNSAFE_ATTRIBUTE.finditer(text):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"contains the {match.group(1).lower()}= attribute, which is not allowed in articles",
                    "remove it; styles and scripts belong in the site's templates",
                    code="HTML001",
                    column=start + match.start(1),
                )
            )
        for match in _JAVASCRIPT_URL.finditer(text):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"contains a {match.group(1).lower()}: link, which is not allowed",
                    "link to an https: address or a page on this site",
                    code="HTML001",
                    column=start + match.start(1),
                )
            )
        for match in _PHONE.finditer(text):
            problems.append(
                Problem(
                    shown,
                    line,
                    "",
                    f"contains the phone number '{match.group().strip()}'",
                    "phone numbers come from site.yml and appear in the care cards; describe the service instead",
                    code="PHONE001",
                    column=start + match.start(),
                )
            )
        problems.extend(_claim_problems(shown, line, text, claims, start))
    for field in ("title", "summary"):
        problems.extend(_claim_problems(shown, article.line_of(field), getattr(article.meta, field), claims, 1))
    return problems


def _claim_problems(shown: str, line: int, text: str, claims: list[Claim], start: int) -> Iterator[Problem]:
    for claim in claims:
        match = claim.pattern.search(text)
        if match:
            yield Problem(
                shown,
                line,
                "",
                f"says '{match.group()}': {claim.why}",
                claim.instead,
                code="CLAIM001",
                column=start + match.start(),
            )


def link_facts(
    article: Article, shown: str, rendered: RenderedBody, static_dir: Path
) -> tuple[PageFacts, list[Problem]]:
    """The page's anchors and internal links (checked site-wide later), and its address and image problems.

    Every address is read as a browser reads it (sitegen/read/urls.py) from the page's own address, after
    HTML character references are decoded; a refused one (another site by a trick, a script or http: address) is
    an HTML001 error at its line and column, which the build would drop from the page."""
    parsed = rendered.parsed
    page_path = "/" + article.url_path
    # line_problems already reports `](javascript:` and `="javascript:`: one mistake, one message.
    reported = {
        (line, start + match.start(1))
        for line, start, text in prose_lines(parsed)
        for match in _JAVASCRIPT_URL.finditer(text)
    }
    links: list[At] = []
    problems: list[Problem] = []
    for link in parsed.links:  # every kind: [x](/a/), [x][ref], <https://…>, raw <a href>
        address = classify(html.unescape(link.value), page_path)
        if address.kind in LINK_KINDS:
            links.append(link)
        elif (link.line, link.column) not in reported:
            problems.append(_refused(shown, link, address, image=False))
    for image in parsed.images:  # ![alt](src) and <img> alike
        if not (image.alt or "").strip():
            problems.append(_no_alt_text(shown, image))
        address = classify(html.unescape(image.src.value), page_path)
        if address.kind not in IMAGE_KINDS:
            if (image.src.line, image.src.column) not in reported:
                problems.append(_refused(shown, image.src, address, image=True))
            continue
        problems.extend(_missing_image(shown, image.src.value, address, (image.src.line, image.src.column), static_dir))
    ordered = sorted(links, key=lambda link: (link.line, link.column))
    return PageFacts(shown, article.url_path, _anchors(article, rendered), tuple(ordered)), problems


def _anchors(article: Article, rendered: RenderedBody) -> frozenset[str]:
    anchors = {entry.id for entry in rendered.toc}
    anchors.update(f"source-{source.id}" for source in article.meta.sources)
    for source_id, count in rendered.citations:
        anchors.update(f"cite-{source_id}-{n}" for n in range(1, count + 1))
    anchors.update(TEMPLATE_ANCHORS)
    return frozenset(anchors)


def _refused(shown: str, written: At, address: Address, image: bool) -> Problem:
    """An address the build would drop from the page."""
    value = html.unescape(written.value)
    reason = address.reason or "is neither an address on this site nor an https: address"
    return Problem(
        shown,
        written.line,
        "",
        f"{'shows the image' if image else 'links to'} {urls.shown(value.strip())}, which {reason}",
        address.hint or "use an image from static/, e.g. /img/splint.png, or an https: address",
        code="HTML001",
        column=written.column,
    )


def _no_alt_text(shown: str, image: ImageAt) -> Problem:
    return Problem(
        shown,
        image.line,
        "",
        f"has an image without alt text ({image.src.value})",
        "describe what the image shows: ![A wrist splint](/img/splint.png), "
        'or <img src="/img/splint.png" alt="A wrist splint">',
        code="IMG002",
        column=image.column,
    )


def _missing_image(shown: str, src: str, address: Address, at: tuple[int, int], static_dir: Path) -> Iterator[Problem]:
    relative = address.path.removeprefix("/")  # decoded: "%2f" and "..%2f" must not reach outside static/
    inside = not relative.startswith("/") and ".." not in relative.split("/")
    if address.kind is Kind.SITE and not (inside and (static_dir / relative).is_file()):
        line, column = at
        yield Problem(
            shown,
            line,
            "",
            f"shows the image {src}, which is not in static/",
            f"add the file as static/{relative}, or fix the file name",
            code="IMG001",
            column=column,
        )


# Ids the article template itself gives every page.
TEMPLATE_ANCHORS = frozenset(
    {
        "main",
        "toc-heading",
        "when-to-get-help",
        "sources-heading",
        "review-heading",
        "related-heading",
        "care-emergency-heading",
        "care-urgent-heading",
        "care-non_urgent-heading",
    }
)
