"""Security guide section 8, cases 38-40: what the published `_site/` ships (headers, CSP, no third parties).

The browser case serves `_site/` to Debian's chromium from its files, at the site's own https address, with the
headers `_headers` asks the host for; every request to any other origin is recorded and refused.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from playwright.sync_api import Browser, Route

from tests.chromium import needs_chromium
from tests.security.harness import Case, page
from tests.test_check import BODY

SITE = "https://health.example/"
SECTION_6_DIRECTIVES = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "upgrade-insecure-requests",
]


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    return [path for path in found if "pagefind" not in path.parts]


def read_headers(site: Path) -> dict[str, str]:
    lines = (site / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    return dict(line.strip().split(": ", 1) for line in lines[1:] if line.strip())


def test_38_headers_file_and_identical_meta_policy_first_in_every_page(case: Case) -> None:
    case.build().built()
    headers = read_headers(case.site)
    csp = headers["Content-Security-Policy"]
    directives = [part.strip() for part in csp.split(";")]
    for directive in SECTION_6_DIRECTIVES:
        assert directive in directives, directive
    assert next(d for d in directives if d.startswith("script-src")) in (
        "script-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
    )
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert all(f"{feature}=()" in headers["Permissions-Policy"] for feature in ("camera", "microphone", "geolocation"))
    metas = set()
    for path in pages(case.site):
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        csp_meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="[^"]+">', head)
        referrer = re.search(r'<meta name="referrer" content="[^"]+">', head)
        assert csp_meta and referrer, path
        before = head[: min(csp_meta.start(), referrer.start())]
        assert not re.search(r"<(link|script|style|img|base|iframe)\b", before), path
        metas.add((csp_meta.group(0), referrer.group(0)))
    assert len(metas) == 1, metas  # the same policy on every page
    (csp_meta_tag, referrer_tag) = metas.pop()
    assert f'content="{headers["Referrer-Policy"]}"' in referrer_tag
    assert "default-src &#39;none&#39;" in csp_meta_tag


def test_39_no_inline_script_style_or_handlers_anywhere(case: Case) -> None:
    case.build().built()
    for path in pages(case.site):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (path, tag)
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html, re.I), path
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I), path


@needs_chromium
def test_39_every_page_loads_with_no_csp_violation_and_no_other_origin(case: Case, browser: Browser) -> None:
    case.run("build").built()  # with the search index: the search page loads Pagefind
    headers = read_headers(case.site)
    foreign: list[str] = []

    def serve(route: Route) -> None:
        url = route.request.url
        if not url.startswith(SITE):
            foreign.append(url)
            route.abort()
            return
        path = case.site / url[len(SITE) :].split("?", 1)[0].split("#", 1)[0]
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            route.fulfill(status=404, body=(case.site / "404.html").read_bytes(), headers=headers)
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), headers={**headers, "Content-Type": kind})

    context = browser.new_context()
    context.route("**/*", serve)
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        urls = [SITE + path.relative_to(case.site).as_posix().removesuffix("index.html") for path in pages(case.site)]
        assert len(urls) >= 9
        for url in urls:
            tab.goto(url, wait_until="load")
            assert tab.evaluate("window.__violations") == [], url
            assert tab.evaluate("document.querySelector('main') !== null"), url
        tab.goto(SITE + "search/?q=neck+pain", wait_until="load")  # Pagefind: its script and WebAssembly
        tab.wait_for_selector("#search-results li a", timeout=20_000)
        assert tab.locator("#search-results li a").first.get_attribute("href") == "/neck-pain/"
        assert tab.evaluate("window.__violations") == []
        assert errors == []
    finally:
        context.close()
    assert foreign == []


def test_40_external_links_are_isolated_and_no_asset_is_third_party(case: Case) -> None:
    case.build().built()
    external = 0
    for path in pages(case.site):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<a\b[^>]*>", html):
            href = re.search(r'href="([^"]*)"', tag)
            if href and re.match(r"(https?:)?//", href.group(1)) and not href.group(1).startswith(SITE):
                external += 1
                rel = re.search(r'rel="([^"]*)"', tag)
                assert rel and {"noopener", "noreferrer"} <= set(rel.group(1).split()), (path, tag)
        for tag in re.findall(r"<(?:link|script|img|source|iframe|video|audio|embed|object)\b[^>]*>", html):
            for url in re.findall(r'(?:src|href|srcset|data)="([^"]*)"', tag):
                if re.match(r"(https?:)?//", url):
                    assert url.startswith(SITE), (path, tag)
    assert external > 0, "the sample site cites outside sources; their links should be checked"


def test_40_an_article_cannot_publish_a_third_party_image(clean: Case) -> None:
    body = (
        BODY
        + "\n\n![A chart](https://tracker.example/chart.png)"
        + '\n\nRaw <img src="https://tracker.example/pixel.gif" alt="x">.'
    )
    clean.write("content/case.md", page(body))
    result = clean.build()
    if result.returncode == 0:  # dropped from the page...
        html = (clean.site / "case" / "index.html").read_text(encoding="utf-8")
        assert "tracker.example" not in html
    else:  # ...or refused with the line
        result.error("content/case.md:20:", "content/case.md:22:")
