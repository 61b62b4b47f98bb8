"""Link and image addresses classified as a browser reads them (WHATWG URL standard, through Ada), and the same
verdict in the sanitiser, in `check` and in front matter. The browser test asks Debian's chromium itself."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.read.urls import Kind, classify
from sitegen.render.markdown import BodyRenderer, RenderedBody
from sitegen.render.sanitize import make_sanitizer
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from tests.test_check import page, project, run_check

# Addresses that a naive "starts with one /" rule lets through, and that a browser opens on another site.
OFF_SITE_TRICKS = [
    "/\\evil.example/",
    "\\\\evil.example",
    "\\/evil.example/",
    "/\t/evil.example/",
    "/\r/evil.example/",
    "/\n/evil.example/",
    "\t//evil.example/",
    "  //evil.example/",
    "\x00\x1f //evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\/evil.example/",
    "https:evil.example",  # on an https page the same scheme makes it relative; on an http page it is absolute
]
SCRIPT_ADDRESSES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " \x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "DATA:image/svg+xml,<svg/onload=alert(1)>",
]
SAME_SITE = {
    "/x/": "/x/",
    " /x/ ": "/x/",
    "/%2f%2fevil.example/": "/%2f%2fevil.example/",  # percent-encoded slashes are not separators
    "/%5cevil.example/": "/%5cevil.example/",
    "/a\\b/": "/a/b/",  # one backslash inside a path is a slash, and stays on the site
    "/a/\t/b": "/a//b",
    "../x/": "/p/x/",
    "../../../../x/": "/x/",
    "y/": "/p/q/y/",
    "?q=1": "/p/q/?q=1",
    "": "/p/q/",
    "java&#x09;script:alert(1)": "/p/q/java&#x09;script:alert(1)",  # undecoded, it is just a file name
}
ALLOWED_ELSEWHERE = {
    "https://www.nhs.uk/": Kind.HTTPS,
    "HTTPS://WWW.NHS.UK/": Kind.HTTPS,
    "https:\\\\www.nhs.uk\\": Kind.HTTPS,
    "https://xn--exmple-cua.org/": Kind.HTTPS,
    "https://exämple.org/": Kind.HTTPS,
    "https://a.site.invalid/": Kind.HTTPS,  # the name of the classifier's own test page is just another site
    "mailto:help@example.org": Kind.MAILTO,
    "MAILTO:help@example.org": Kind.MAILTO,
    "tel:111": Kind.TEL,
}


@pytest.mark.parametrize("value", OFF_SITE_TRICKS)
def test_off_site_tricks_are_refused_with_the_site_a_browser_opens(value: str) -> None:
    address = classify(value, "/p/q/")
    assert address.kind is Kind.REFUSED
    assert address.reason.startswith("a browser opens as https://evil.example/ (another site)")


@pytest.mark.parametrize("value", SCRIPT_ADDRESSES)
def test_script_and_data_addresses_are_refused(value: str) -> None:
    address = classify(value)
    assert address.kind is Kind.REFUSED
    assert address.reason.startswith(("uses javascript:", "uses vbscript:", "uses data:"))


@pytest.mark.parametrize(("value", "site_url"), SAME_SITE.items())
def test_same_site_addresses_resolve_as_a_browser_does(value: str, site_url: str) -> None:
    address = classify(value, "/p/q/")
    assert (address.kind, address.site_url) == (Kind.SITE, site_url)


@pytest.mark.parametrize(("value", "kind"), ALLOWED_ELSEWHERE.items())
def test_https_mail_and_phone_addresses_are_allowed(value: str, kind: Kind) -> None:
    assert classify(value).kind is kind


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("https://www.nhs.uk@evil.example/", "hides its real host, evil.example, behind a name and @"),
        ("https://user:pw@www.nhs.uk/", "hides its real host, www.nhs.uk, behind a name and @"),
        ("http://www.nhs.uk/", "is an unencrypted http: address"),
        ("ftp://files.example/", "uses ftp: (only https:, mailto:, tel: and this site's pages)"),
        ("file:///etc/passwd", "uses file: (only https:, mailto:, tel: and this site's pages)"),
        ("https://[::1/", "is not a valid web address"),
        ("https://evil example/", "is not a valid web address"),
    ],
)
def test_other_refusals_say_why(value: str, reason: str) -> None:
    address = classify(value)
    assert (address.kind, address.reason) == (Kind.REFUSED, reason)


def test_fragments_and_paths_are_decoded_for_the_link_check() -> None:
    address = classify("../a%20b/#pins%20and%20needles", "/p/q/")
    assert (address.kind, address.path, address.fragment) == (Kind.SITE, "/p/a b/", "pins and needles")
    section = classify("#ice", "/p/q/")
    assert (section.kind, section.path, section.fragment) == (Kind.FRAGMENT, "/p/q/", "ice")


def render(body: str, base_path: str = "/", assets: dict[str, str] | None = None) -> str:
    result = BodyRenderer(base_path, assets).render(body, (), "a.md", 5)
    assert isinstance(result, RenderedBody)
    return result.html


def addresses(html: str) -> list[str]:
    """Every href and src in the HTML, decoded as the browser decodes attributes."""
    found: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value or "" for name, value in attrs if name in ("href", "src"))

    Collector().feed(html)
    return found


@pytest.mark.parametrize("value", OFF_SITE_TRICKS + SCRIPT_ADDRESSES)
def test_the_sanitiser_drops_what_the_classifier_refuses(value: str) -> None:
    attribute = value.replace("&", "&amp;").replace('"', "&quot;")
    raw = f'<a href="{attribute}">link</a> <img src="{attribute}" alt="pic">'
    kept = addresses(make_sanitizer("/")(raw))
    # The HTML parser turns NUL into U+FFFD, as a browser's does: that address no longer starts with a control.
    assert kept == [] if "\x00" not in value else all(classify(address).kind is Kind.SITE for address in kept)
    # Through Markdown first, tabs become spaces and NUL becomes U+FFFD: whatever is left stays on the site.
    for address in addresses(render(raw)):
        assert classify(address).kind is Kind.SITE, address


@pytest.mark.parametrize(
    "markdown",
    [
        "[a](/\\evil.example/)",
        "[a](\\\\\\\\evil.example)",  # four: Markdown reads each pair as one
        "![a](/\\evil.example/x.png)",
        "[a]: /\\evil.example/\n\n[x][a]",
        '<a href="/&#9;/evil.example/">x</a>',
        '<a href="/&#x0A;/evil.example/">x</a>',
        '<a href="/&#13;/evil.example/">x</a>',
        '<a href="/\n/evil.example/">x</a>',
        '<a href="&#1;//evil.example/">x</a>',
        "[x](java&#x09;script:alert(1))",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<img src="java&#x0A;script:alert(1)" alt="x">',
    ],
)
def test_markdown_and_raw_html_tricks_leave_no_address(markdown: str) -> None:
    html = render(f"Before.\n\n{markdown}\n\nAfter.")
    assert "href=" not in html and "src=" not in html and "evil" not in html


def test_site_addresses_are_written_as_the_browser_reads_them_under_the_base_path() -> None:
    html = render(
        "[a](/x/../y/?q=1#z) [b](\\x/) [c](/a\\b/) [d](y/) [e](%2f%2fx) ![i](/img/../img/a.png) ![j](//img/a.png)",
        base_path="/sub/",
        assets={"img/a.png": "/sub/img/a.1234.png"},
    )
    for href in ("/sub/y/?q=1#z", "/sub/x/", "/sub/a/b/", "y/", "%2f%2fx"):
        assert f'href="{href}"' in html
    assert html.count('src="/sub/img/a.1234.png"') == 1  # //img/a.png is another host, not our asset
    assert '<img alt="j">' in html


@pytest.mark.parametrize(("base_path", "written"), [("/", "/.//evil.example/"), ("/sub/", "/sub//evil.example/")])
def test_a_path_that_starts_with_two_slashes_is_not_written_as_a_host(base_path: str, written: str) -> None:
    """`/..//evil.example/` is the path //evil.example/ on this site (found by tests/test_fuzz_render.py)."""
    assert classify("/..//evil.example/").site_url == "//evil.example/"
    assert addresses(render("[a](/..//evil.example/) ![b](/..//evil.example/)", base_path)) == [written, written]
    assert classify(written, base_path).kind is Kind.SITE


def test_what_browsers_ignore_is_removed_from_the_written_address() -> None:
    """C0 controls and spaces at the ends, and tabs and line breaks anywhere, are not part of the address."""
    html = render('<a href="&#1; /x/&#9;">a</a> <a href="y&#9;/&#10;z">b</a> <a href="&#31;#ice">c</a>', "/sub/")
    assert addresses(html) == ["/sub/x/", "y/z", "#ice"]
    assert classify("\x01 #ice\t").kind is Kind.FRAGMENT


def test_images_come_from_this_site_only() -> None:
    html = render("![a](https://www.nhs.uk/a.png) ![b](mailto:a@example.org) ![c](#x) ![d](/img/d.png)")
    assert 'src="/img/d.png"' in html
    assert html.count("src=") == 1  # no third-party image: the site loads nothing from other websites


@needs_chromium
def test_chromium_agrees_which_addresses_stay_on_the_site() -> None:
    """Each address resolved by the real browser (`new URL(href, location)`) on an https page and on an http page."""
    from playwright.sync_api import sync_playwright

    values = (
        OFF_SITE_TRICKS
        + SCRIPT_ADDRESSES
        + list(SAME_SITE)
        + list(ALLOWED_ELSEWHERE)
        + ["https://www.nhs.uk@evil.example/", "#ice", "//127.0.0.1/", "\\\\127.0.0.1\\"]
    )
    script = """values => values.map(href => {
        try { const url = new URL(href, location.href);
              return [url.origin === location.origin, url.protocol, url.hostname]; }
        catch (error) { return [false, "invalid", ""]; } })"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            seen = {}
            for origin in ("https://a.site.invalid", "http://b.site.invalid"):
                # Serve an empty page at each origin from Playwright itself: nothing leaves the machine.
                page.route(f"{origin}/**", lambda route: route.fulfill(status=200, body="<!doctype html>"))
                page.goto(f"{origin}/p/q/")
                seen[origin] = page.evaluate(script, values)
        finally:
            browser.close()
    for index, value in enumerate(values):
        address = classify(value, "/p/q/")
        on_https, on_http = seen["https://a.site.invalid"][index], seen["http://b.site.invalid"][index]
        same_site = on_https[0] and on_http[0]
        assert (address.kind in (Kind.SITE, Kind.FRAGMENT)) == same_site, (json.dumps(value), on_https, on_http)
        if address.kind in (Kind.HTTPS, Kind.MAILTO, Kind.TEL):
            assert on_https[1] == on_http[1] == f"{address.kind.value}:", json.dumps(value)
        if address.kind is Kind.HTTPS:
            assert on_https[2] == on_http[2], json.dumps(value)


CHECK_BODY = (
    "Hands ache.[^a] Breaks help.[^b]\n"
    "\n"
    "See [a](/\\evil.example/) or [b](//evil.example/), not [ok](/wrist-pain/) or [also ok](/%2f%2fwrist-pain/).\n"
    "\n"
    '<a href="/&#9;/evil.example/">c</a> <a\n'
    'href="/\n'
    '/evil.example/">d</a> [e](http://www.nhs.uk/) [f](https://www.nhs.uk@evil.example/)\n'
    "\n"
    '![pic](/\\evil.example/x.png) <img src="\\\\evil.example\\x.png" alt="x"> <img src="/img/nowhere.png" alt="y">\n'
    "\n"
    "[g](javascript:alert(1)) [h](JaVaScRiPt&#58;alert) [i]( \t//evil.example/) [j](https:evil.example)\n"
    "\n"
    "![z](/%2fetc/passwd) ![z](/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd)\n"
)


def test_check_reports_each_refused_address_where_it_is_written(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(CHECK_BODY))
    result = run_check(site)
    lines = [line for line in result.stdout.splitlines() if line.startswith("content/case.md")]
    other_site = "which a browser opens as https://evil.example/ (another site)"
    assert lines == [
        f"content/case.md:20:9: error HTML001: links to /\\evil.example/, {other_site}",
        f"content/case.md:20:33: error HTML001: links to //evil.example/, {other_site}",
        "content/case.md:20:87: error LNK001: links to /%2f%2fwrist-pain/, which is not a page on this site",
        f"content/case.md:22:10: error HTML001: links to /\\t/evil.example/, {other_site}",
        f"content/case.md:23:7: error HTML001: links to /\\n/evil.example/, {other_site}",
        "content/case.md:24:27: error HTML001: links to http://www.nhs.uk/, which is an unencrypted http: address",
        "content/case.md:24:51: error HTML001: links to https://www.nhs.uk@evil.example/, which hides its real host, "
        "evil.example, behind a name and @",
        "content/case.md:26:8: error HTML001: shows the image /\\evil.example/x.png, which a browser opens as "
        "https://evil.example/x.png (another site)",
        "content/case.md:26:40: error HTML001: shows the image \\\\evil.example\\x.png, which a browser opens as "
        "https://evil.example/x.png (another site)",
        "content/case.md:26:81: error IMG001: shows the image /img/nowhere.png, which is not in static/",
        "content/case.md:28: error ESC001: contains the leftover escape '&#58;'",
        # `](javascript:` is reported by the unsafe-HTML line check, once.
        "content/case.md:28:5: error HTML001: contains a javascript: link, which is not allowed",
        "content/case.md:28:30: error HTML001: links to JaVaScRiPt:alert, which uses javascript: (only https:, "
        "mailto:, tel: and this site's pages)",
        f"content/case.md:28:58: error HTML001: links to //evil.example/, {other_site}",
        f"content/case.md:28:79: error HTML001: links to https:evil.example, {other_site}",
        # Decoded, these name files outside static/: the existence check must not look there.
        "content/case.md:30:6: error IMG001: shows the image /%2fetc/passwd, which is not in static/",
        "content/case.md:30:27: error IMG001: shows the image /..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f"
        "..%2f..%2fetc/passwd, which is not in static/",
    ]
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr


BAD_IMAGES = {
    "'/\\evil.example/x.png'": "is '/\\evil.example/x.png', which a browser opens as https://evil.example/x.png",
    '"/\\t/evil.example/x.png"': "is not in the expected form",
    "'//evil.example/x.png'": "is '//evil.example/x.png', which a browser opens as https://evil.example/x.png",
    "'http://www.nhs.uk/x.png'": "is 'http://www.nhs.uk/x.png', which is an unencrypted http: address",
    "'data:image/png;base64,AAAA'": "is 'data:image/png;base64,AAAA', which uses data:",
    "'mailto:a@example.org'": "is 'mailto:a@example.org', which is not on this site",
    "'#top'": "is '#top', which is not on this site",
    "'https://www.nhs.uk/x.png'": "is 'https://www.nhs.uk/x.png', which is not on this site",
}


def with_image(src: str) -> str:
    return page(topics=f"topics: [hands]\nimage: {{src: {src}, alt: A wrist splint}}")


def test_front_matter_image_must_be_on_the_site_or_https(tmp_path: Path) -> None:
    site = project(tmp_path)
    for number, src in enumerate(BAD_IMAGES):
        (site / "content" / f"image-{number}.md").write_text(with_image(src))
    result = run_check(site)
    for number, message in enumerate(BAD_IMAGES.values()):
        found = [line for line in result.stdout.splitlines() if line.startswith(f"content/image-{number}.md:")]
        assert len(found) == 1 and found[0].startswith(f"content/image-{number}.md:7: error FM001: image.src: ")
        assert message in found[0], found[0]
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("src", ["/img/splint.svg", "img/splint.svg"])
def test_front_matter_image_on_the_site_is_accepted(tmp_path: Path, src: str) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(with_image(src))
    result = run_check(site)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("piece", ["[", "[x", "![", "<a ", "<img src=", "[a](", "<x@y.z> ", "[q][r] "])
def test_finding_addresses_in_a_body_stays_linear(piece: str) -> None:
    """Unclosed brackets and tags used to make each scan run to the end: 40,000 "<a " took minutes. The checks
    now read addresses from the parse, each found again only inside its own block."""
    body = "\n\n".join([piece * 20] * 2000)  # 40,000 pieces in 2,000 paragraphs; quadratic work takes minutes
    started = time.perf_counter()
    rendered = BodyRenderer("/").render(body, (), "page.md", 1)
    # Unclosed tags are refused before parsing (the render budget); everything else is parsed and read.
    assert isinstance(rendered, RenderedBody) or "takes too long" in rendered.message, rendered
    assert time.perf_counter() - started < 20  # a few seconds when linear, even on a busy machine
