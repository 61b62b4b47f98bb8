"""The reader's page as built (issue 14), on the reader fixture site through the real CLI: the chooser's targets are
checked, the home page's title and links, the "When to get help" section and contents entry, the trimmed "About this
page" panel, and table cells labelled with their column heading for phones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.render.tables import label_cells
from tests.reader_site import make_reader_project
from tests.sample_site import run_build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_reader_project(tmp_path_factory.mktemp("reader-build") / "project")
    result = run_build(project, "--no-search")
    assert result.returncode == 0, result.stderr
    return project / "_site"


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('link: "conditions/elbow/"', 'link: "conditions/knee/"', "'conditions/knee/' is not a page of this site"),
        (
            'link: "numb/#cause-6"',
            'link: "numb/#cause-60"',
            "'numb/#cause-60': the page has no section called '#cause-60'",
        ),
        (
            'link: "numb/temporary/#pressure-and-position"',
            'link: "numb/emergency/#pressure-and-position"',
            "'numb/emergency/#pressure-and-position': the page has no section called '#pressure-and-position'",
        ),
    ],
)
def test_a_chooser_choice_that_leads_nowhere_stops_the_build(tmp_path: Path, old: str, new: str, message: str) -> None:
    project = make_reader_project(tmp_path / "project")
    config = project / "site.yml"
    text = config.read_text().replace(old, new)
    config.write_text(text)
    result = run_build(project, "--no-search")
    assert result.returncode == 1
    assert f"site.yml:{_line_of(text, new)}: chooser: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "_site").exists()


def test_a_chooser_link_must_be_an_address_inside_the_site(tmp_path: Path) -> None:
    project = make_reader_project(tmp_path / "project")
    config = project / "site.yml"
    text = config.read_text().replace('link: "conditions/elbow/"', 'link: "https://elsewhere.example/"')
    config.write_text(text)
    result = run_build(project, "--no-search")
    assert result.returncode == 1
    assert f"site.yml:{_line_of(text, 'https://elsewhere')}: link of the 5th entry in chooser:" in result.stderr
    assert "a page's address inside the site" in result.stderr


def test_a_page_with_care_cards_cannot_have_its_own_when_to_get_help_heading(tmp_path: Path) -> None:
    project = make_reader_project(tmp_path / "project")
    page = project / "content" / "conditions" / "wrist.md"
    page.write_text(page.read_text().replace("## Symptoms", "## When to get help"))
    result = run_build(project, "--no-search")
    assert result.returncode == 1
    assert "content/conditions/wrist.md:" in result.stderr
    assert "has its own 'When to get help' heading" in result.stderr


def test_home_page_title_chooser_and_no_repeated_links(built: Path) -> None:
    html = (built / "index.html").read_text()
    assert "<title>Reader test site</title>" in html
    chooser = html[html.index('<nav class="chooser"') : html.index("</nav>", html.index('<nav class="chooser"'))]
    targets = re.findall(r'href="([^"]+)"', chooser)
    assert targets[:2] == ["/numb/emergency/", "/numb/emergency/#signs-of-a-stroke"]  # emergency signs first
    assert "/numb/#when-to-get-help" in targets  # a section the template makes is a valid target
    assert 'class="topic-section"' not in html  # the chooser replaces the per-topic listings
    main = html[html.index("<main") : html.index("</main>")]
    for target in targets:
        assert main.count(f'href="{target}"') == 1, target


def test_care_pages_put_when_to_get_help_first_in_the_contents(built: Path) -> None:
    html = (built / "numb" / "index.html").read_text()
    toc = re.findall(r'<li><a href="#([^"]+)">', html[html.index('class="toc"') :])
    assert toc[0] == "when-to-get-help"
    order = [html.index(marker) for marker in ('id="when-to-get-help"', 'class="toc"', '<div class="body">')]
    assert order == sorted(order)
    section = html[html.index('id="when-to-get-help"') : html.index('class="toc"')]
    assert re.findall(r'<h3 id="care-(\w+)-heading">', section) == ["emergency", "urgent", "non_urgent"]
    assert 'href="tel:999">Call 999</a>' in section and 'href="tel:111">Call 111</a>' in section


def test_about_this_page_keeps_to_review_dates_and_the_edit_link(built: Path) -> None:
    html = (built / "numb" / "index.html").read_text()
    panel = html[html.index('id="review-heading"') : html.index("</section>", html.index('id="review-heading"'))]
    assert "Next review due" in panel and "Edit this page" in panel
    assert "<dt>Written by" not in panel and "<dt>First published" not in panel
    assert "<details" in panel and "Page history" in panel


def test_table_cells_carry_their_column_heading(built: Path) -> None:
    html = (built / "numb" / "index.html").read_text()
    assert html.count('<td data-label="What you notice">') == 10
    assert html.count('<td data-label="A likely cause">') == 10


def test_label_cells_escapes_headings_and_leaves_headless_tables_alone() -> None:
    table = (
        '<table>\n<thead>\n<tr>\n<th align="left">Say "<em>this</em>" &amp; that</th>\n<th></th>\n</tr>\n</thead>\n'
        '<tbody>\n<tr>\n<td align="left">a</td>\n<td>b</td>\n</tr>\n</tbody>\n</table>'
    )
    labelled = label_cells(table)
    assert '<td align="left" data-label="Say &quot;this&quot; &amp; that">a</td>' in labelled
    assert "<td>b</td>" in labelled  # an empty heading gives no label
    assert label_cells("<table><tr><td>x</td></tr></table>") == "<table><tr><td>x</td></tr></table>"


# What a reader on a phone downloads for one page: its HTML and the stylesheet (the search script loads only on the
# search page). Measured on this fixture's symptom page, shaped like the longest real page, so a change to the
# templates or the stylesheet that bloats every page fails here; the weight of the real pages, which depends on what
# editors write, is reported by `python benchmarks/page_weight.py`.
BUDGET_BYTES = 60 * 1024


def test_a_long_page_with_its_stylesheet_is_under_the_weight_budget(built: Path) -> None:
    stylesheet = next((built / "assets" / "css").glob("site.*.css")).stat().st_size
    for page in ["index.html", "numb/index.html", "conditions/wrist/index.html"]:
        weight = (built / page).stat().st_size + stylesheet
        assert weight < BUDGET_BYTES, f"{page}: {weight} bytes"
