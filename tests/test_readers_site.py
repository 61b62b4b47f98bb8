"""The repository's own published site, checked file by file: security headers and markup (security guide
tests 38-40), metadata and JSON-LD, page anatomy and the W3C Nu HTML Checker. Every published page
is checked, whatever the content holds today; rules about what the content says belong to `check`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.read.config import load_config
from sitegen.render.security_policy import CONTENT_SECURITY_POLICY, HEADER_CONTENT_SECURITY_POLICY, REFERRER_POLICY
from tests.published_site import ARTICLES, build_repo_site, copy_repo_site
from tests.sample_site import REPO

# Every published article, as the content holds it today: "conditions/x/index.html" -> its page type.
ARTICLE_PAGES = {url.lstrip("/") + "index.html": kind for url, kind in ARTICLES.items() if url != "/"}
ABOUT_TYPES = {"symptom": "MedicalSymptom", "condition": "MedicalCondition"}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._in_script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("published") / "project")


def html_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*.html") if "pagefind" not in path.relative_to(site).parts)


def test_every_page_type_is_built(site: Path) -> None:
    for page in [*ARTICLE_PAGES, "index.html", "404.html", "search/index.html", "topics/index.html"]:
        assert (site / page).is_file(), page
    assert (site / "pagefind" / "pagefind.js").is_file()


# Security guide, test 38
def test_headers_file_carries_the_policy(site: Path) -> None:
    headers = (site / "_headers").read_text()
    assert headers.startswith("/*\n")
    assert f"  Content-Security-Policy: {HEADER_CONTENT_SECURITY_POLICY}\n" in headers
    assert f"  Referrer-Policy: {REFERRER_POLICY}\n" in headers
    assert "  X-Content-Type-Options: nosniff\n" in headers
    assert "frame-ancestors 'none'" in headers


def test_every_page_has_the_identical_policy_before_any_resource(site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) >= len(ARTICLES) + 3  # articles, search, 404 and the topic listings
    for page in pages:
        tags = parse(page).tags
        head = [tag for tag in tags if tag[0] in ("meta", "link", "script", "style", "base")]
        assert head[0] == ("meta", {"charset": "utf-8"}), page
        assert head[1] == ("meta", {"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY})
        assert head[2] == ("meta", {"name": "referrer", "content": REFERRER_POLICY}), page
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


# Security guide, test 39 (the browser half is in test_readers_browser.py)
def test_no_inline_script_style_or_handlers(site: Path) -> None:
    for page in html_pages(site):
        parsed = parse(page)
        for tag, attributes in parsed.tags:
            assert tag != "style", page
            assert "style" not in attributes, (page, tag)
            assert not [name for name in attributes if name.startswith("on")], (page, tag)
            if tag == "a":
                assert not attributes.get("href", "").lower().startswith("javascript:"), page
        for attributes, text in parsed.scripts:
            if "src" in attributes:
                assert text.strip() == "", page
            else:
                # A JSON-LD data block is never executed, so the CSP does not apply to it.
                assert attributes == {"type": "application/ld+json"}, page
                json.loads(text)


# Security guide, test 40
def test_external_links_are_noopener_noreferrer_and_assets_are_local(site: Path) -> None:
    external_links = 0
    for page in html_pages(site):
        for tag, attributes in parse(page).tags:
            href = attributes.get("href", "")
            if tag == "a" and re.match(r"https?://", href):
                external_links += 1
                assert {"noopener", "noreferrer"} <= set(attributes.get("rel", "").split()), (page, href)
            for name in ("src", "srcset", "poster", "data"):
                assert not re.match(r"(https?:)?//", attributes.get(name, "")), (page, tag, attributes)
            if tag == "link" and attributes.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
                assert href.startswith("/") and not href.startswith("//"), (page, href)
    assert external_links >= len(ARTICLE_PAGES) * 2  # every article lists 2+ sources, so the check really ran


def json_ld(page: Path) -> dict[str, object]:
    blocks = [text for attributes, text in parse(page).scripts if attributes.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert isinstance(data, dict)
    return data


def meta_content(page: Path, key: str, value: str) -> str:
    for tag, attributes in parse(page).tags:
        if tag == "meta" and attributes.get(key) == value:
            return attributes["content"]
    raise AssertionError(f"{page}: no meta {key}={value}")


@pytest.mark.parametrize(("page", "page_type"), ARTICLE_PAGES.items())
def test_metadata_restates_what_the_page_shows(site: Path, page: str, page_type: str) -> None:
    path = site / page
    html = path.read_text()
    data = json_ld(path)
    summary = re.search(r'<p class="summary">(.*?)</p>', html)
    assert summary is not None
    assert meta_content(path, "name", "description") == data["description"]
    url = "https://example.org/" + page.removesuffix("index.html")
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta_content(path, "property", "og:url") == url
    assert data["@type"] == "MedicalWebPage" and data["url"] == url
    if page_type in ABOUT_TYPES:
        about = data["about"]
        assert isinstance(about, dict) and about["@type"] == ABOUT_TYPES[page_type]
    else:
        assert "about" not in data
    reviewed = re.search(r'Page last reviewed</dt>\s*<dd><time datetime="([0-9-]+)">', html)
    if reviewed is None:  # no clinician has signed the page off: nothing may claim a review
        assert "Clinical review pending" in html and "Checked by the editorial team on" in html
        assert "lastReviewed" not in data and "reviewedBy" not in data
    else:
        assert data["lastReviewed"] == reviewed.group(1) and data["reviewedBy"]
    shown_sources = re.findall(r'<li id="source-[^"]+">[^<]*<a href="([^"]+)"', html)
    citation = data["citation"]
    assert isinstance(citation, list) and [item["url"] for item in citation] == shown_sources
    breadcrumb = data["breadcrumb"]
    assert isinstance(breadcrumb, dict) and breadcrumb["itemListElement"][-1]["item"] == url


@pytest.mark.parametrize("page", list(ARTICLE_PAGES))
def test_page_anatomy(site: Path, page: str) -> None:
    html = (site / page).read_text()
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert html.count("<h1") == 1
    assert '<p class="summary">' in html
    cited = set(re.findall(r'href="#(source-[^"]+)"', html))
    listed = set(re.findall(r'<li id="(source-[^"]+)"', html))
    assert len(listed) >= 2 and cited == listed, "every source is cited and every marker links to a source"
    for backlink in re.findall(r'class="backlink" href="#([^"]+)"', html):
        assert f'id="{backlink}"' in html
    assert ("Page last reviewed" in html) != ("Checked by the editorial team on" in html)
    assert "Next review due" in html and "Page history" in html
    assert re.search(r'href="https://github.com/[^"]+/edit/main/content/[^"]+\.md"', html)
    assert 'class="disclaimer"' in html and "Tell us what is wrong or missing on this page" in html


def test_every_page_has_disclaimer_feedback_and_trust_links(site: Path) -> None:
    links = [f"/{link.path}" for link in load_config(REPO / "site.yml", "site.yml").footer_links]
    assert links
    for page in html_pages(site):
        html = page.read_text()
        assert "This site gives general information, not a diagnosis." in html, page
        for path in links:
            assert f'href="{path}"' in html, (page, path)


def test_not_found_page_helps(site: Path) -> None:
    html = (site / "404.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    emergency = load_config(REPO / "site.yml", "site.yml").emergency.phone
    assert 'action="/search/"' in html and f'href="tel:{emergency}"' in html and 'href="/"' in html


def test_internal_links_resolve(site: Path) -> None:
    for page in html_pages(site):
        for tag, attributes in parse(page).tags:
            href = attributes.get("href", "") if tag in ("a", "link") else attributes.get("src", "")
            if href.startswith("/") and not href.startswith("//"):
                target = site / href.split("#")[0].split("?")[0].lstrip("/")
                assert target.is_file() or (target / "index.html").is_file(), (page, href)


VNU = REPO / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.skipif(not VNU.is_file() or shutil.which("java") is None, reason="run `make tools` for vnu-jar and Java")
def test_every_page_passes_the_nu_html_checker(site: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.html").write_text("<!doctype html><html lang=en><title>x</title><p><div></span>")
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html"]
    control = subprocess.run([*command, str(broken)], capture_output=True, text=True, timeout=300, check=False)
    assert json.loads(control.stderr)["messages"], "the checker must report a page that is known to be broken"
    pages = [str(path) for path in html_pages(site)]
    result = subprocess.run([*command, *pages], capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr)["messages"]
    assert [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert result.returncode == 0


def test_copy_of_the_site_builds_without_search(tmp_path: Path) -> None:
    """--no-search leaves the Pagefind index out (for quick local builds)."""
    project = copy_repo_site(tmp_path / "project")
    from tests.sample_site import clean_env, run_build

    env = clean_env()
    del env["SOURCE_DATE_EPOCH"]
    result = run_build(project, "--no-search", env=env)
    assert result.returncode == 0, result.stderr
    assert not (project / "_site" / "pagefind").exists()


def test_every_in_page_link_has_its_target(site: Path) -> None:
    checked = 0
    for page in html_pages(site):
        tags = parse(page).tags
        ids = {attributes["id"] for _, attributes in tags if "id" in attributes}
        for tag, attributes in tags:
            href = attributes.get("href", "")
            if tag == "a" and href.startswith("#"):
                checked += 1
                assert href[1:] in ids, (page, href)
    assert checked >= len(ARTICLE_PAGES)  # every article links to its sources
