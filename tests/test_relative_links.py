"""`build --relative-links`: the pull request's zip preview opens by double-clicking index.html, with no server.
The fixture site is built by the real CLI and opened over file:// in Debian's chromium."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser

from sitegen.write.relative_links import make_links_relative, relative_address
from tests.chromium import needs_chromium
from tests.sample_site import make_project, run_build

ADDRESS = re.compile(r'\s(?:href|src|action)="([^"]*)"')


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("relative") / "project")
    result = run_build(project, "--relative-links", "--drafts", "--no-search")
    assert result.returncode == 0, result.stderr
    return project / "_site"


def internal_targets(site: Path) -> list[tuple[Path, str, Path]]:
    """(page, address as written, the file it points at) for every link, asset and form action to this site."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for address in ADDRESS.findall(page.read_text(encoding="utf-8")):
            if address.startswith(("#", "mailto:", "tel:")) or urlsplit(address).scheme:
                continue
            found.append((page, address, (page.parent / unquote(urlsplit(address).path)).resolve()))
    return found


def test_every_internal_address_is_relative_and_names_a_file(relative_site: Path) -> None:
    targets = internal_targets(relative_site)
    assert len(targets) > 50
    for page, address, target in targets:
        assert not address.startswith("/"), f"{page}: {address} starts at the root of the disk"
        assert target.is_file(), f"{page}: {address} opens {target}, which is not a file"
        assert target.is_relative_to(relative_site.resolve()), f"{page}: {address} leaves the site"


def test_without_the_option_links_start_at_the_site_root(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    assert run_build(project, "--no-search").returncode == 0
    home = (project / "_site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/numb-hands/"' in home and 'href="numb-hands/index.html"' not in home


def test_addresses_under_a_base_path_folder_links_and_suffixes(tmp_path: Path) -> None:
    (tmp_path / "guides" / "seeing").mkdir(parents=True)
    assert relative_address("/health/", "index.html", tmp_path, "/health/") == "index.html"
    assert (
        relative_address("/health/a/?q=1#top", "b/c/index.html", tmp_path, "/health/") == "../../a/index.html?q=1#top"
    )
    assert relative_address("/health/guides/seeing", "index.html", tmp_path, "/health/") == "guides/seeing/index.html"
    assert relative_address("/health/assets/x.css", "a/index.html", tmp_path, "/health/") == "../assets/x.css"
    for outside in ("/elsewhere/", "//cdn.example/x.js", "https://nhs.uk/", "#main", "mailto:a@b.c", "x/"):
        assert relative_address(outside, "a/index.html", tmp_path, "/health/") == outside


def test_stylesheet_urls_and_srcset_are_rewritten(tmp_path: Path) -> None:
    (tmp_path / "assets" / "css").mkdir(parents=True)
    (tmp_path / "assets" / "css" / "site.css").write_text("a { background: url('/assets/img/a.svg'); }")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.html").write_text('<img srcset="/assets/a.png 1x, /assets/b.png 2x" src="/a.png">')
    assert make_links_relative(tmp_path) == 2
    assert "url('../img/a.svg')" in (tmp_path / "assets" / "css" / "site.css").read_text()
    html = (tmp_path / "p" / "index.html").read_text()
    assert 'srcset="../assets/a.png 1x, ../assets/b.png 2x" src="../a.png"' in html
    assert make_links_relative(tmp_path) == 0, "a second pass must change nothing"


@needs_chromium
def test_the_site_opens_over_file_and_links_and_styles_work(browser: Browser, relative_site: Path) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.goto((relative_site / "index.html").as_uri())
    styled = "() => [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null)"
    accent = "() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    assert page.evaluate(styled) and page.evaluate(accent) == "#005eb8"
    page.click("main a[href$='numb-hands/index.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/numb-hands/index.html")
    assert page.evaluate(styled) and page.evaluate(accent) == "#005eb8"
    page.click("header a.site-name")
    page.wait_for_load_state("load")
    assert page.url == (relative_site / "index.html").as_uri()
    assert errors == []
    page.close()


def test_a_moved_pages_redirect_leads_to_the_file_of_its_new_address(tmp_path: Path) -> None:
    (tmp_path / "new-page").mkdir()
    (tmp_path / "old" / "page").mkdir(parents=True)
    redirect = tmp_path / "old" / "page" / "index.html"
    redirect.write_text('<meta http-equiv="refresh" content="0; url=/new-page/"><a href="/new-page/">here</a>')
    assert make_links_relative(tmp_path) == 1
    assert redirect.read_text() == (
        '<meta http-equiv="refresh" content="0; url=../../new-page/index.html">'
        '<a href="../../new-page/index.html">here</a>'
    )
