"""Fuzzing Markdown -> HTML -> sanitiser with hypothesis: whatever an article says, the published body has no
<script>, no on* attribute, no script address and no address on another site except https: links (and https:
images).

A bounded run is part of the suite. A longer run, for after a change to the renderer, sanitiser or classifier:

    SITEGEN_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/test_fuzz_render.py -q

Anything a run finds goes into REGRESSIONS below, so it is checked on every run from then on.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.read.urls import Kind, browser_text, classify
from sitegen.render.markdown import BodyRenderer, RenderedBody

EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Attributes a browser reads as an address; only <a href> and <img src> may carry one.
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "srcset", "poster", "background", "data"}
URL_ATTRIBUTES |= {"cite", "longdesc", "usemap", "ping", "manifest", "codebase", "archive", "lowsrc", "dynsrc"}
# An independent reading of "another site or a script": two slashes of either kind first, or a scheme.
_OFF_SITE = re.compile(r"^[/\\]{2}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

FRAGMENTS = [
    "<script>", "</script>", "<script src=//evil.example/x.js></script>", "<SCRIPT>alert(1)</SCRIPT>",
    "<img src=x onerror=alert(1)>", "<p onclick=\"alert(1)\">", " onmouseover=alert(1) ", "<svg onload=alert(1)>",
    "<a href=\"", "<a href='", "<a href=", "<img src=\"", "<img alt=x src=", "\">", "'>", ">", "<", "\"", "'", "=",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:", "java\tscript:", "java&#10;script:",
    "jav&#x61;script:", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "DATA:image/svg+xml,",
    "/\\evil.example/", "\\\\evil.example", "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/",
    "//evil.example/", "&#9;", "&#x0A;", "&#13;", "&#1;", "&#92;", "&bsol;", "%2f%2f", "\\", "/", "\t", "\x00",
    "https://www.nhs.uk/", "https://www.nhs.uk@evil.example/", "http://insecure.example/", "https:evil.example",
    "http:evil.example",
    "mailto:a@example.org", "tel:111", "#ice", "/wrist-pain/", "[x](", "![x](", "](", ")", "[x]: ", "[x][x]",
    "<https://evil.example/>", "<javascript:alert(1)>", "<//evil.example/>", "<!--", "-->", "<![CDATA[", "]]>",
    "<style>", "<iframe src=", "<base href=//evil.example/>", "<form action=//evil.example/>", "<math>",
    "<input formaction=javascript:alert(1)>", "<object data=", "<embed src=", "{: onclick=\"alert(1)\" }",
    "`", "```\n", "\n\n", "\n", " ", "    ", "> ", "- ", "1. ", "# ", "*", "_", "&", "&amp;", "&lt;", "[^a]",
]  # fmt: skip


def render(body: str) -> str | None:
    result = BodyRenderer("/").render(body, ["a"], "content/a.md", 7)
    return result.html if isinstance(result, RenderedBody) else None  # a Problem (too deeply nested) is fine


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.faults: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.faults.append("a <script> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.faults.append(f"the {name} attribute on <{tag}>")
            elif name in URL_ATTRIBUTES:
                self.faults.extend(_address_faults(tag, name, value or ""))

    handle_startendtag = handle_starttag


def _address_faults(tag: str, name: str, value: str) -> list[str]:
    if (tag, name) not in (("a", "href"), ("img", "src")):
        return [f"an address in <{tag} {name}>"]
    allowed = {Kind.SITE, Kind.FRAGMENT, Kind.HTTPS} | ({Kind.MAILTO, Kind.TEL} if tag == "a" else set())
    faults = []
    if classify(value).kind not in allowed:
        faults.append(f"<{tag} {name}={value!r}>, which the classifier refuses")
    read = browser_text(value)
    scheme = _SCHEME.match(read)
    if _OFF_SITE.match(read) or (scheme and scheme.group(1).lower() not in ("https", "mailto", "tel")):
        faults.append(f"<{tag} {name}={value!r}>, another site or a script")
    return faults


def faults(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    if re.search(r"<\s*script", html, re.I):
        inspector.faults.append("<script in the text")
    return inspector.faults


@FUZZ
@given(st.text(max_size=400))
def test_any_text_renders_to_a_safe_body(body: str) -> None:
    html = render(body)
    assert html is None or faults(html) == [], (body, html)


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join))
def test_text_made_of_dangerous_pieces_renders_to_a_safe_body(body: str) -> None:
    html = render(body)
    assert html is None or faults(html) == [], (body, html)


_ADDRESS = st.lists(
    st.sampled_from(["/", "\\", "\t", "\n", "\r", " ", "\x01", "&#9;", "&#10;", "&#92;", "%2f", ":", "@", "#", "?"])
    | st.sampled_from(["evil.example", "javascript", "data", "https:", "http:", "www.nhs.uk", "x", "..", "."]),
    max_size=10,
).map("".join)
_PLACES = st.sampled_from(["[x]({})", "![x]({})", '<a href="{}">x</a>', "<img src='{}' alt=x>", "<a href={}>x</a>"])


@FUZZ
@given(_PLACES, _ADDRESS)
def test_every_address_trick_in_every_place_is_safe(place: str, address: str) -> None:
    body = "Before.\n\n" + place.format(address) + "\n\nAfter."
    html = render(body)
    assert html is None or faults(html) == [], (body, html)


# Found by the runs above or by hand; kept so they are checked on every run.
REGRESSIONS = [
    '<a href="/\\evil.example/">x</a>',  # the audit's bypass: a backslash is a slash
    '<a href="/&#9;/evil.example/">x</a>',  # tab removed by the browser
    "[x](/&#10;/evil.example/)",  # line feed removed by the browser
    '<img src="&#0;//evil.example/x.png" alt="x">',  # NUL becomes U+FFFD: a path on this site, not a host
    "<a href=\\\\evil.example>x</a>",
    "[x](<//evil.example/>)",
    "<a href=java&#x09;script:alert(1)>x</a>",
    "<//evil.example/>",
    '<a href="https:evil.example">x</a>',  # relative on an https page, another host on an http page
    # Found by the address run: the path //evil.example/ on this site, written out as resolved, named a host.
    "[x](/..//)",
    "[x](/..//evil.example/)",
    "[x](/%2e%2e//evil.example/)",
    '<img src="\\..\\\\evil.example\\x.png" alt="x">',
]


@pytest.mark.parametrize("body", REGRESSIONS)
def test_found_examples_stay_safe(body: str) -> None:
    html = render(f"Before.\n\n{body}\n\nAfter.")
    assert html is not None and faults(html) == [], html


def test_the_inspector_sees_each_fault() -> None:
    """The fuzz property is only as good as its inspector: each fault it must find, it finds."""
    found = faults(
        '<script>x</script><p onclick="x">a</p><a href="/\\evil.example/">b</a><img src="javascript:x">'
        '<a href="http://x.example/">c</a><img src="mailto:a@b"><form action="/x"></form>'
    )
    assert found == [
        "a <script> element",
        "the onclick attribute on <p>",
        "<a href='/\\\\evil.example/'>, which the classifier refuses",
        "<a href='/\\\\evil.example/'>, another site or a script",
        "<img src='javascript:x'>, which the classifier refuses",
        "<img src='javascript:x'>, another site or a script",
        "<a href='http://x.example/'>, which the classifier refuses",
        "<a href='http://x.example/'>, another site or a script",
        "<img src='mailto:a@b'>, which the classifier refuses",
        "an address in <form action>",
        "<script in the text",
    ]
