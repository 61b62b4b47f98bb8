"""Honest review labels. A copy of the repository's site in which one clinical page is signed off by a (fixture)
clinician: that page says who reviewed it and when, in the page and in its JSON-LD, while pages still pending say
so under their title, show only the editorial team's check, and claim no review to search engines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.published_site import copy_repo_site
from tests.sample_site import clean_env, run_build

REVIEWER = "Dr Fixture Reviewer"
SIGN_OFF = (
    "clinical_review: complete\n"
    f"reviewers:\n  - {{name: {REVIEWER}, credentials: MBBS MRCGP, role: General practitioner, conflicts: none}}"
)


def built_page(site: Path, content: Path, source: Path) -> str:
    relative = source.relative_to(content).with_suffix("")
    folder = relative.parent if relative.name == "index" else relative
    return (site / folder / "index.html").read_text(encoding="utf-8")


def json_ld(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    project = copy_repo_site(tmp_path_factory.mktemp("labels") / "project")
    content = project / "content"
    clinical = [
        path
        for path in sorted(content.rglob("*.md"))
        if re.search(r"^type: (symptom|condition|guide)$", path.read_text(), re.M)
        and re.search(r"^status: published$", path.read_text(), re.M)
    ]
    signed, pending = clinical[0], clinical[1]
    for path, replacement in ((signed, SIGN_OFF), (pending, "clinical_review: pending")):
        text = re.sub(r"^reviewers:\n(  .*\n)+", "", path.read_text(), flags=re.M)
        path.write_text(re.sub(r"^clinical_review: \w+$", replacement, text, count=1, flags=re.M))
    env = clean_env()
    del env["SOURCE_DATE_EPOCH"]  # the real content is dated today
    result = run_build(project, "--no-search", env=env)
    assert result.returncode == 0, result.stderr
    return project / "_site", content, signed, pending


def test_signed_off_page_names_its_reviewer_and_review_date(built: tuple[Path, Path, Path, Path]) -> None:
    site, content, signed, _ = built
    html = built_page(site, content, signed)
    head, body = html.split('<div class="body">', 1)
    assert f"Reviewed by {REVIEWER}, General practitioner." in head  # under the title
    shown = re.search(r'Page last reviewed</dt>\s*<dd><time datetime="([0-9-]+)">', body)
    assert shown is not None
    assert "Clinical review pending" not in html and "Checked by the editorial team" not in html
    data = json_ld(html)
    assert data["lastReviewed"] == shown.group(1)
    assert data["reviewedBy"] == [
        {"@type": "Person", "name": REVIEWER, "jobTitle": "General practitioner", "honorificSuffix": "MBBS MRCGP"}
    ]


def test_pending_page_says_so_and_claims_no_review(built: tuple[Path, Path, Path, Path]) -> None:
    site, content, _, pending = built
    html = built_page(site, content, pending)
    head, body = html.split('<div class="body">', 1)
    assert (
        "Clinical review pending:</strong> checked by our editorial team on" in head
    )  # under the title, before the reader starts
    assert re.search(r'Checked by the editorial team on</dt>\s*<dd><time datetime="[0-9-]+">', body)
    assert "Page last reviewed" not in html and "Reviewed by" not in html
    data = json_ld(html)
    assert "lastReviewed" not in data and "reviewedBy" not in data


def test_feed_is_not_called_reviewed(built: tuple[Path, Path, Path, Path]) -> None:
    site, content, _, pending = built
    assert "reviewed" not in (site / "feed.xml").read_text().lower()
    link = re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)"', built_page(site, content, pending)
    )
    assert link is not None and "reviewed" not in link.group(1).lower()
