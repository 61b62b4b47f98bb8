"""Security guide section 8, cases 11-18: hostile content, through `build` and `check`.

The case page body (tests/test_check.py `page`) starts on line 18; each hostile line below is separated by a
blank line, so the n-th one (from 0) is on line 20 + 2n.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.security.harness import Case, page
from tests.test_check import BODY


def hostile_page(lines: list[str], **changes: str) -> str:
    return page(BODY + "\n\n" + "\n\n".join(lines), **changes)


def site_html(case: Case) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(case.site.rglob("*.html")))


def main_of(path: Path) -> str:
    """The page's <main> element: the article, without the template's own script tags."""
    html = path.read_text(encoding="utf-8")
    return html[html.index("<main") : html.index("</main>")]


TAGS = ["script", "iframe", "object", "embed", "form", "style", "svg"]


def test_11_dangerous_tags_are_removed_and_reported(clean: Case) -> None:
    lines = [
        "<script>alert('x11')</script>",
        '<iframe src="https://evil.example/x11"></iframe>',
        '<object data="https://evil.example/x11.swf"></object>',
        '<embed src="https://evil.example/x11.swf">',
        '<form action="https://evil.example/x11"><input name="q"></form>',
        "<style>body { display: none }</style>",
        "<svg><circle r='1'/></svg>",
    ]
    clean.write("content/case.md", hostile_page(lines))
    clean.build().built()
    html = main_of(clean.site / "case" / "index.html")
    assert "Short breaks help them recover." in html  # the page itself was built
    for tag in TAGS:
        assert not re.search(rf"<{tag}\b", html), tag
    assert "x11" not in html and "evil.example" not in html
    clean.check().checked(
        1,
        *(
            f"content/case.md:{20 + 2 * index}:1: error HTML001: contains a <{tag}> tag"
            for index, tag in enumerate(TAGS)
        ),
    )


def test_12_no_event_handler_survives_raw_html_or_attr_list(case: Case) -> None:
    lines = [
        '<p onclick="alert(1)">Raw paragraph.</p>',
        '<a href="/neck-pain/" onmouseover="alert(2)">Raw link</a>',
        '<img src="/img/x.png" alt="x" onerror="alert(3)">',
        'A paragraph with a handler.\n{: onclick="alert(4)" }',
        '## Heading with a handler {: onclick="alert(5)" }',
        '[A link](/neck-pain/){: onfocus="alert(6)" }',
    ]
    case.write("content/case.md", hostile_page(lines))
    case.build().built()
    html = site_html(case)
    assert "Raw paragraph." in html and "A paragraph with a handler" in html
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I)


SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]


WORDS = ["apple", "bridge", "candle", "dolphin", "engine", "forest", "garden", "harbour", "island", "jacket"]


def _url_page(urls: list[str]) -> str:
    """Per URL a link line and an image line (raw HTML and Markdown on each), no two lines alike."""
    lines = []
    for index, url in enumerate(urls):
        one, two = WORDS[2 * index], WORDS[2 * index + 1]
        lines.append(f'The {one} <a href="{url}">{one}</a> sits beside [{two} text]({url}).')
        lines.append(f'Picture {index}: <img src="{url}" alt="{two}"> then ![{one} {two} {index}]({url}).')
    return hostile_page(lines)


def _hrefs_and_srcs(html: str) -> list[str]:
    return re.findall(r"""\b(?:href|src)\s*=\s*["']?([^"'\s>]*)""", html)


def test_13_script_urls_never_reach_href_or_src(clean: Case) -> None:
    clean.write("content/case.md", _url_page([url for url in SCRIPT_URLS if "&#" not in url]))
    clean.build().built()
    urls = _hrefs_and_srcs((clean.site / "case" / "index.html").read_text(encoding="utf-8"))
    assert urls, "the page should still have its own links"
    for url in urls:
        squeezed = re.sub(r"[\s\x00-\x20]|&#x0*9;|&#0*9;", "", url).lower()
        assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), url


def test_13_an_entity_inside_a_scheme_is_refused_by_the_build(clean: Case) -> None:
    clean.write("content/case.md", _url_page(["java&#x09;script:alert(1)"]))
    clean.build().error("content/case.md:20: ", "content/case.md:22: ")


def test_13_script_urls_are_reported_by_check_with_file_and_line(clean: Case) -> None:
    clean.write("content/case.md", _url_page(SCRIPT_URLS))
    lines = [20 + 2 * index for index in range(2 * len(SCRIPT_URLS))]  # a link line and an image line per URL
    problems = clean.check().checked(1, *(f"content/case.md:{line}:" for line in lines))
    for line in lines:
        assert any(p.startswith(f"content/case.md:{line}:") and " error " in p for p in problems), line


# Site paths that a browser reads as another host (an explicit https: link elsewhere is an allowed citation).
OFF_SITE = ["/\\evil.example/x", "\\\\evil.example/x", "/\t/evil.example/x", "/\n/evil.example/x"]


def test_13_backslash_and_tab_urls_are_off_site_and_refused(clean: Case) -> None:
    """WHATWG URL parsing: a backslash is a slash and tab/CR/LF are removed, so each of these leaves the site."""
    clean.write("content/case.md", _url_page(OFF_SITE))
    clean.build().built()
    html = (clean.site / "case" / "index.html").read_text(encoding="utf-8")
    for url in _hrefs_and_srcs(html):
        squeezed = html_lib.unescape(url).replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
        if "evil.example" in squeezed:  # kept only as a path on this site (/evil.example/x), never another host
            assert urlsplit(urljoin("https://health.example/case/", squeezed)).hostname == "health.example", url
    assert clean.check().returncode in (0, 1)  # no traceback (harness); today check reports no off-site link


def test_14_front_matter_urls_must_be_https_or_site_relative(case: Case) -> None:
    case.write(
        "content/case.md",
        page(topics="topics: [hands]\nimage: {src: 'http://evil.example/x.png', alt: A picture}")
        .replace("https://www.nhs.uk/a/", "http://www.nhs.uk/a/")
        .replace("https://www.nhs.uk/b/", "javascript:alert(1)"),
    )
    case.build().error(
        "content/case.md:7: image.src:",
        "content/case.md:15: url of the 1st source: 'http://www.nhs.uk/a/' is an http: address",
        "content/case.md:16: url of the 2nd source: 'javascript:alert(1)' is not an https: address",
    )


def strings(data: object) -> list[str]:
    """Every string inside parsed JSON."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return []


HOSTILE_TITLE = "Evil </title></script><script>\"'& page"


def test_15_hostile_title_is_escaped_everywhere(case: Case) -> None:
    case.write("content/case.md", page(title=f"title: '{HOSTILE_TITLE.replace(chr(39), chr(39) * 2)}'"))
    case.run("build").built()  # with the search index
    html = (case.site / "case" / "index.html").read_text(encoding="utf-8")
    assert "</title></script>" not in html and '<script>"' not in html
    assert "<title>Evil &lt;/title&gt;&lt;/script&gt;&lt;script&gt;" in html
    for meta in re.findall(r"<meta [^>]*>", html):
        assert "<script" not in meta and "\"'&" not in meta, meta
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    for block in blocks:
        assert "<" not in block  # JSON-LD cannot end its own <script> element
        assert any(HOSTILE_TITLE in text for text in strings(json.loads(block)))
    for name in ("feed.xml", "sitemap.xml"):
        ElementTree.parse(case.site / name)  # still well-formed XML
    assert HOSTILE_TITLE in ElementTree.parse(case.site / "feed.xml").getroot().itertext()
    # The search index is fetched as data by the search script, never written inline into a page...
    for path in case.site.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(encoding="utf-8")):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (path, tag)
    # ...and it holds the title as JSON data.
    fragments = [
        gzip.decompress(path.read_bytes()).decode("utf-8")
        for path in (case.site / "pagefind" / "fragment").glob("*.pf_fragment")
    ]
    records = [json.loads(text[text.index("{") :]) for text in fragments]
    assert any(record["meta"].get("title", "").startswith(HOSTILE_TITLE) for record in records), records


def test_16_sanitising_keeps_what_health_pages_need(clean: Case) -> None:
    body = "\n\n".join(
        [
            BODY,
            "Jump to [help](#when-to-get-help), [later symptoms](#symptoms_1) or [the table](#a-table).",
            "## When to get help",
            "Ask a GP.",
            "### Symptoms",
            "Pain.",
            "## After treatment",
            "Rest.",
            "### Symptoms",
            "Stiffness.",
            "## A table",
            "| Sign | Action |\n|---|---|\n| Ache | Rest |",
            'The <abbr title="National Health Service">NHS</abbr> can help.',
            "```\ncode block\n```",
        ]
    )
    clean.write("content/case.md", page(body))
    clean.build().built()
    html = (clean.site / "case" / "index.html").read_text(encoding="utf-8")
    assert '<h3 id="symptoms">' in html and '<h3 id="symptoms_1">' in html  # duplicate headings, unique ids
    assert "<table>" in html and '<td data-label="Sign">Ache</td>' in html
    assert '<abbr title="National Health Service">NHS</abbr>' in html
    assert "<pre><code>code block" in html
    links = re.findall(r'href="#([^"]+)"', html)
    assert {"when-to-get-help", "symptoms_1", "a-table"} <= set(links)
    for fragment in links:
        assert f'id="{fragment}"' in html, fragment
    clean.check().checked(0)  # the link checker finds every anchor


def test_17_body_text_never_goes_through_jinja(case: Case) -> None:
    case.write("content/case.md", page(BODY + '\n\nLiteral {{ 7*7 }} and {% include "x" %} and {# note #}.'))
    case.build().built()
    html = (case.site / "case" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r"Literal \{\{ 7\*7 \}\} and \{% include (&#34;|&quot;|\")x(&#34;|&quot;|\") %\} and \{# note #\}", html
    )
    assert "49" not in html.split("Literal", 1)[1].split("</p>", 1)[0]


def test_18_undefined_template_variable_fails_naming_template_and_line(case: Case) -> None:
    template = case.project / "templates" / "article.html"
    text = template.read_text(encoding="utf-8")
    assert "{{ page.summary }}" in text
    template.write_text(text.replace("{{ page.summary }}", "{{ page.sumary }}", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(template.read_text().splitlines(), 1) if "page.sumary" in row)
    (problem,) = case.build().error(f"templates/article.html:{line}: ")
    assert "sumary" in problem
