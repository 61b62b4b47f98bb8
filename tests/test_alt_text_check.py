"""`check` on images written as HTML and on rules/search-synonyms.yml: the real CLI on the check fixture site."""

from __future__ import annotations

from pathlib import Path

from tests.test_check import BODY, page, project, run_check


def test_html_images_without_alt_text_are_errors_at_their_line_and_column(tmp_path: Path) -> None:
    site = project(tmp_path)
    body = (
        BODY
        + '\n\n<img src="/img/splint.svg">\n\nSee <img alt="" src="/img/splint.svg"> and '
        + "<img src='/img/splint.svg' alt='  '>.\n\n"
        + '<img src="/img/splint.svg" alt="A wrist in a soft splint">\n\n'
        + '```\n<img src="/img/splint.svg">\n```\n'
    )
    (site / "content" / "case.md").write_text(page(body))
    result = run_check(site)
    found = [line for line in result.stdout.splitlines() if " IMG002: " in line]
    message = "error IMG002: has an image without alt text (/img/splint.svg)"
    assert found == [f"content/case.md:{where}: {message}" for where in ("20:1", "22:5", "22:44")], result.stdout
    assert result.returncode == 1


def test_a_mistake_in_the_search_synonyms_file_is_reported_with_its_line(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "rules" / "search-synonyms.yml").write_text(
        "synonyms:\n  - [paraesthesia, paresthesia]\n  - [lonely]\nsuggestions:\n  - {title: Home, path: home}\n"
    )
    result = run_check(site)
    assert "rules/search-synonyms.yml:3: error SITE001: a synonym entry must list two or more words" in result.stdout
    assert result.returncode == 1
