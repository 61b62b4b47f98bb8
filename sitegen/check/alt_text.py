"""Alt text for images written as HTML (`<img src=... alt=...>`). Markdown images (`![alt](src)`) are checked by
page.link_facts; both report IMG002, so a writer meets one rule: every image in an article says what it shows."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from sitegen.check.page import body_lines
from sitegen.errors import Problem
from sitegen.model import Article

_IMG_TAG = re.compile(r"<img\b[^<>]*>?", re.I)
_ALT = re.compile(r"""(?<![\w-])alt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+))""", re.I)


def alt_text_problems(article: Article, shown: str) -> Iterator[Problem]:
    """IMG002 for each `<img>` tag outside code with no alt text, or only spaces, at its line and column."""
    for line, text in body_lines(article):
        for match in _IMG_TAG.finditer(text):
            alt = _ALT.search(match.group())
            value = next((group for group in alt.groups() if group is not None), "") if alt else ""
            if html.unescape(value).strip():
                continue
            yield Problem(
                shown,
                line,
                "",
                "has an image without alt text (an <img> tag with no alt, or an empty one)",
                'say what the image shows: <img src="/img/splint.png" alt="A wrist splint">, '
                "or use Markdown: ![A wrist splint](/img/splint.png)",
                code="IMG002",
                column=match.start() + 1,
            )
