"""Moved and retired pages: `redirect_from`, `status: retired` with `replaced_by`, the redirect pages, removed-page
stubs and `_redirects` the build writes, and `check`'s MOVE001-MOVE003, on fixture sites in temporary git
repositories (the real CLI as a subprocess)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sample_site import make_project, run_build
from tests.test_check import git, project, run_check


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def moved_sample(tmp_path: Path) -> Path:
    """The sample site with /numb-hands/ given two old addresses and /neck-pain/ retired in its favour."""
    site = make_project(tmp_path / "project")
    content = site / "content"
    edit(content / "numb-hands.md", "status: published\n", "status: published\nredirect_from: [/old-hands/, /x.html]\n")
    edit(content / "neck-pain.md", "status: published\n", "status: retired\nreplaced_by: /numb-hands/\n")
    for path in content.rglob("*.md"):  # nothing may still point at the retired page
        text = path.read_text()
        path.write_text(re.sub(r"related: \[[^\]]*\]", "related: []", text).replace("/neck-pain/", "/numb-hands/"))
    return site


def test_build_writes_redirect_pages_removed_page_and_redirects_file(tmp_path: Path) -> None:
    site = moved_sample(tmp_path)
    result = run_build(site, "--no-search")
    assert result.returncode == 0, result.stderr
    out = site / "_site"
    assert (out / "_redirects").read_text() == "/old-hands/ /numb-hands/ 301\n/x.html /numb-hands/ 301\n"
    for old in ("old-hands/index.html", "x.html"):
        page = (out / old).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/numb-hands/">' in page
        assert '<link rel="canonical" href="https://health.example/numb-hands/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert re.search(r'It is now at <a href="/numb-hands/">Numb hands', page)  # a link works without refresh
        assert "<script" not in page
    removed = (out / "neck-pain" / "index.html").read_text()
    assert "<h1>This page was removed</h1>" in removed
    assert re.search(r'Read <a href="/numb-hands/">Numb hands', removed)
    assert '<meta name="robots" content="noindex">' in removed
    assert "cervical" not in removed.lower()  # the old text is not published again
    sitemap = (out / "sitemap.xml").read_text()
    assert "neck-pain" not in sitemap and "old-hands" not in sitemap


def test_retired_page_without_replacement_links_home(tmp_path: Path) -> None:
    site = moved_sample(tmp_path)
    edit(site / "content" / "neck-pain.md", "replaced_by: /numb-hands/\n", "")
    assert run_build(site, "--no-search").returncode == 0
    removed = (site / "_site" / "neck-pain" / "index.html").read_text()
    assert 'Go to the <a href="/">home page</a>' in removed
    assert (site / "_site" / "_redirects").read_text() == "/old-hands/ /numb-hands/ 301\n/x.html /numb-hands/ 301\n"


def test_build_refuses_every_redirect_that_cannot_work_one_line_each(tmp_path: Path) -> None:
    """Problems are listed by file, line and message, as everywhere else."""
    site = moved_sample(tmp_path)
    content = site / "content"
    bad = "[/old-hands/, /guides/seeing-a-doctor/, /topics/hands/, old-hands, /shared/]"
    edit(content / "numb-hands.md", "[/old-hands/, /x.html]", bad)
    edit(content / "neck-pain.md", "replaced_by: /numb-hands/", "replaced_by: /numb-hand/")
    draft = content / "guides" / "draft-page.md"
    edit(draft, "status: draft\n", "status: retired\nreplaced_by: /old-hands/\nredirect_from: [/shared/]\n")
    result = run_build(site, "--no-search")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not (site / "_site").exists()
    assert result.stderr.splitlines() == [
        "content/guides/draft-page.md:5: replaced_by: /old-hands/ is an old address that now leads to /numb-hands/ "
        "(write /numb-hands/ instead)",
        "content/neck-pain.md:5: replaced_by: /numb-hand/ is not a page on this site (open the page that replaces "
        "this one and copy its address, e.g. /numbness-in-hands/)",
        "content/numb-hands.md:6: redirect_from: /guides/seeing-a-doctor/ is the address of another page, so it "
        "cannot also lead here (remove it from redirect_from, or move or retire the other page first)",
        "content/numb-hands.md:6: redirect_from: /shared/ is already listed as an old address of "
        "content/guides/draft-page.md (an old address can lead to one page only: remove it from one of the two "
        "pages)",
        "content/numb-hands.md:6: redirect_from: /topics/hands/ is one of the site's own addresses (remove it from "
        "redirect_from)",
        "content/numb-hands.md:6: redirect_from: must be a list of this page's old addresses, each starting with / "
        "(write the address as it appeared after the site's name, e.g. /numbness-in-hands/; for several: "
        "redirect_from: [/old-name/, /older-name/])",
        "Stopped: 6 problems to fix; nothing was written.",
    ]


def committed_check_site(tmp_path: Path) -> Path:
    site = project(tmp_path)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "start")
    return site


def moved_wrist_page(site: Path) -> None:
    """Rename wrist-pain.md to sore-wrist.md and update every link to it (but add no redirect)."""
    git(site, "mv", "content/wrist-pain.md", "content/sore-wrist.md")
    for name in ("index.md", "guides/seeing-a-doctor.md"):
        path = site / "content" / name
        path.write_text(path.read_text().replace("wrist-pain/", "sore-wrist/"))


def test_check_reports_a_renamed_page_without_redirect_until_one_is_added(tmp_path: Path) -> None:
    site = committed_check_site(tmp_path)
    moved_wrist_page(site)
    result = run_check(site)  # no --changed-since: compared with HEAD, so uncommitted changes count
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "content/sore-wrist.md:1: error MOVE001: the page's old address /wrist-pain/ now leads nowhere"
    )
    assert result.stdout.count("error ") == 1, result.stdout
    edit(
        site / "content" / "sore-wrist.md", "status: published\n", "status: published\nredirect_from: [/wrist-pain/]\n"
    )
    fixed = run_check(site)
    assert fixed.returncode == 0, fixed.stdout
    assert fixed.stdout == "Checked 3 files: no problems.\n"


def test_check_reports_a_deleted_page_since_a_commit_and_accepts_a_retired_one(tmp_path: Path) -> None:
    site = committed_check_site(tmp_path)
    git(site, "checkout", "-q", "-b", "edit")
    doctor = site / "content" / "guides" / "seeing-a-doctor.md"
    kept = doctor.read_text()
    for name in ("index.md", "wrist-pain.md"):  # links and related entries to the page go first
        path = site / "content" / name
        text = re.sub(r"\[seeing a doctor\]\([^)]*\)", "seeing a doctor", path.read_text())
        path.write_text(text.replace("related: [seeing-a-doctor]", "related: []"))
    git(site, "rm", "-q", "content/guides/seeing-a-doctor.md")
    git(site, "commit", "-q", "-am", "delete")
    since_main = run_check(site, "--changed-since", "main")
    assert since_main.returncode == 1
    assert since_main.stdout.splitlines()[0] == (
        "content/guides/seeing-a-doctor.md: error MOVE001: this file was deleted, so the page "
        "/guides/seeing-a-doctor/ has gone and nothing leads from its address"
    )
    assert run_check(site).returncode == 0  # committed: nothing changed since HEAD
    doctor.parent.mkdir()  # git removed the emptied folder
    doctor.write_text(kept.replace("status: published", "status: retired\nreplaced_by: /wrist-pain/"))
    retired = run_check(site, "--changed-since", "main")
    assert retired.returncode == 0, retired.stdout


def test_check_names_a_draft_replacement_and_a_missing_one(tmp_path: Path) -> None:
    site = committed_check_site(tmp_path)
    doctor = site / "content" / "guides" / "seeing-a-doctor.md"
    edit(doctor, "status: published", "status: draft")
    wrist = site / "content" / "wrist-pain.md"
    edit(wrist, "status: published", "status: retired\nreplaced_by: /guides/seeing-a-doctor/")
    result = run_check(site)
    assert "content/wrist-pain.md:5: error MOVE002: replaced_by: /guides/seeing-a-doctor/ is not published yet" in (
        result.stdout
    )
    assert "MOVE001: the page /guides/seeing-a-doctor/ was published, and is now a draft" in result.stdout


def test_a_page_that_fails_to_load_is_not_also_reported_as_gone(tmp_path: Path) -> None:
    site = committed_check_site(tmp_path)
    edit(site / "content" / "wrist-pain.md", "title: Wrist pain", "title: [Wrist pain")
    result = run_check(site)
    assert result.returncode == 1
    assert re.search(r"^content/wrist-pain\.md:\d+: error FM001: ", result.stdout, re.M), result.stdout
    assert "MOVE001" not in result.stdout
