"""REV004: a clinical sign-off must be newer than the page's last clinical change. Fixture sites in temporary git
repositories with commits written on chosen days, checked by the real CLI. Signing off, retitling and retiring keep
`check` green; editing the text, a care card or a source after the sign-off does not."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from tests.published_site import copy_repo_site
from tests.sample_site import REPO, clean_env
from tests.test_check import project, run_check
from tests.test_review_labels import SIGN_OFF

PAGE = "content/wrist-pain.md"
OLD_REVIEWER = "reviewers: [{name: Sample Reviewer, credentials: MBBS, role: General practitioner, conflicts: none}]"


def signed(day: str) -> str:
    return OLD_REVIEWER.replace("conflicts: none}", f"conflicts: none, signed_off: {day}}}")


def commit(site: Path, day: str, message: str) -> None:
    """Commit everything as written on `day` (the author date, which a rebase keeps)."""
    stamp = f"{day}T12:00:00+00:00"
    env = clean_env(GIT_AUTHOR_NAME="Ed", GIT_AUTHOR_EMAIL="ed@example.org", GIT_AUTHOR_DATE=stamp)
    env.update(GIT_COMMITTER_NAME="Ed", GIT_COMMITTER_EMAIL="ed@example.org", GIT_COMMITTER_DATE=stamp)
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(site), *args], env=env, check=True, capture_output=True)


def edit(site: Path, old: str, new: str, path: str = PAGE) -> None:
    file = site / path
    text = file.read_text()
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1))


def signed_site(tmp_path: Path) -> Path:
    """The clean fixture, committed on 2025-01-10, its wrist page signed off on 2025-02-01 in a later commit."""
    site = project(tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    commit(site, "2025-01-10", "pages")
    edit(site, OLD_REVIEWER, signed("2025-02-01"))
    commit(site, "2025-02-01", "signed off")
    return site


def rev004(site: Path) -> list[str]:
    result = run_check(site)
    assert "Traceback" not in result.stderr
    return [line for line in result.stdout.splitlines() if "REV004" in line]


def test_signing_off_retitling_and_retiring_keep_check_green(tmp_path: Path) -> None:
    site = signed_site(tmp_path)
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"
    edit(site, "title: Wrist pain", "title: Painful wrists")
    edit(site, "related: [seeing-a-doctor]", "related: []")
    edit(site, "next_review_due: 2027-06-01", "next_review_due: 2027-05-01")
    commit(site, "2025-03-01", "retitled")
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"
    edit(site, "status: published", "status: retired\nreplaced_by: /guides/seeing-a-doctor/")
    # The links to it go too: both linking pages are signed off, and unlinking words changes nothing they say.
    edit(site, "[wrist pain](/wrist-pain/)", "wrist pain", "content/index.md")
    edit(site, "[wrist pain](../../wrist-pain/)", "wrist pain", "content/guides/seeing-a-doctor.md")
    commit(site, "2025-04-01", "retired")
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"


def test_an_edit_committed_after_the_sign_off_is_reported_at_the_reviewer(tmp_path: Path) -> None:
    site = signed_site(tmp_path)
    edit(site, "within a few weeks", "within a few days")
    commit(site, "2025-03-05", "body edit")
    result = run_check(site)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "content/wrist-pain.md:13: error REV004: signed_off: is 2025-02-01, but the page was changed on 2025-03-05: "
        "the clinical sign-off does not cover that change"
    )
    assert "ask a clinical reviewer to check the change; once they approve it, set their signed_off (under " in (
        result.stdout
    )
    edit(site, signed("2025-02-01"), signed("2025-03-06"))  # the reviewer approves the change
    commit(site, "2025-03-06", "signed off again")
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"


def test_a_sign_off_on_the_day_of_the_change_covers_it(tmp_path: Path) -> None:
    site = signed_site(tmp_path)
    edit(site, "within a few weeks", "within a few days")
    edit(site, signed("2025-02-01"), signed("2025-03-05"))
    commit(site, "2025-03-05", "edit and sign-off in one commit")
    assert rev004(site) == []


def test_uncommitted_edits_to_a_clinical_field_are_reported(tmp_path: Path) -> None:
    site = signed_site(tmp_path)
    edit(site, "[getting-weaker, ", "[")
    assert rev004(site) == [
        "content/wrist-pain.md:13: error REV004: signed_off: is 2025-02-01, but the page has changes not yet "
        "committed: the clinical sign-off does not cover that change"
    ]


def test_whitespace_and_non_clinical_fields_in_between_do_not_hide_an_older_change(tmp_path: Path) -> None:
    """The walk goes past commits that changed nothing a clinician signs off, to the real change behind them."""
    site = signed_site(tmp_path)
    edit(site, "accessed: 2024-05-01, kind: review}\n  - {id: b", "accessed: 2024-05-02, kind: review}\n  - {id: b")
    commit(site, "2025-03-01", "source re-checked")
    edit(site, "Resting the wrist and", "Resting  the wrist and")
    edit(site, "title: Wrist pain", "title: Sore wrists")
    commit(site, "2025-04-01", "spacing and title")
    assert rev004(site) == [
        "content/wrist-pain.md:13: error REV004: signed_off: is 2025-02-01, but the page was changed on 2025-03-01: "
        "the clinical sign-off does not cover that change"
    ]


def test_without_signed_off_last_reviewed_is_the_sign_off_and_renames_are_followed(tmp_path: Path) -> None:
    site = project(tmp_path)
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    commit(site, "2025-01-10", "pages")
    subprocess.run(["git", "-C", str(site), "mv", PAGE, "content/sore-wrist.md"], check=True)
    commit(site, "2025-01-20", "renamed")
    edit(site, "Wrist pain often", "Wrist pain usually", "content/sore-wrist.md")
    commit(site, "2025-02-01", "edit")
    problems = [line for line in run_check(site).stdout.splitlines() if "REV004" in line]
    assert problems == [
        "content/sore-wrist.md:16: error REV004: last_reviewed: is 2024-06-01, but the page was changed on "
        "2025-02-01: the clinical sign-off does not cover that change"
    ]


def test_a_page_only_added_since_its_sign_off_and_pages_outside_git_are_not_reported(tmp_path: Path) -> None:
    site = project(tmp_path)
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"  # outside git: nothing to compare with
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    commit(site, "2026-01-10", "a site moving here keeps its 2024 sign-offs")
    assert run_check(site).stdout == "Checked 3 files: no problems.\n"


def test_pending_pages_are_never_reported(tmp_path: Path) -> None:
    site = project(tmp_path)
    edit(site, "clinical_review: complete", "clinical_review: pending")
    edit(site, OLD_REVIEWER + "\n", "")
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    commit(site, "2025-01-10", "pages")
    edit(site, "within a few weeks", "within a few days")
    commit(site, "2025-03-05", "edit")
    assert rev004(site) == []


def errors(site: Path) -> set[str]:
    """The check's errors on a copy of the repository's own site, dated today as its content is."""
    env = clean_env()
    del env["SOURCE_DATE_EPOCH"]
    command = [sys.executable, str(REPO / "build.py"), "check", "--config", str(site / "site.yml")]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert "Traceback" not in result.stderr
    return {line for line in result.stdout.splitlines() if ": error " in line}


def test_signing_off_retitling_and_retiring_the_repositorys_own_pages_add_no_error(tmp_path: Path) -> None:
    """Whatever the live content says today, these three editorial changes must not turn its check red."""
    site = copy_repo_site(tmp_path / "site")
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    commit(site, "2025-01-10", "the site")
    before = errors(site)
    clinical = [
        path
        for path in sorted((site / "content").rglob("*.md"))
        if re.search(r"^type: (symptom|condition|guide)$", path.read_text(), re.M)
        and re.search(r"^status: published$", path.read_text(), re.M)
    ]
    signed, retitled, retired = clinical[0], clinical[1], clinical[2]
    today = dt.date.today().isoformat()
    sign_off = f"{SIGN_OFF[: -len('}')]}, signed_off: {today}}}"
    text = re.sub(r"^reviewers:\n(  .*\n)+", "", signed.read_text(), flags=re.M)
    signed.write_text(re.sub(r"^clinical_review: \w+$", sign_off, text, count=1, flags=re.M))
    commit(site, today, "signed off")
    retitled.write_text(re.sub(r"^title: .*$", "title: A new title", retitled.read_text(), count=1, flags=re.M))
    text = re.sub(r"^status: published$", "status: retired", retired.read_text(), count=1, flags=re.M)
    retired.write_text(text)
    address, slug = f"/{retired.relative_to(site / 'content').with_suffix('').as_posix()}/", retired.stem
    for page in (site / "content").rglob("*.md"):  # as CONTRIBUTING says: links and related entries to it go
        text = re.sub(rf"\[([^\]]*)\]\({re.escape(address)}[^)]*\)", r"\1", page.read_text())
        text = re.sub(rf"(?<=[\[ ]){slug}(, |(?=\]))", "", text).replace(", ]", "]")
        page.write_text(text)
    commit(site, today, "retitled and retired")
    after = errors(site)
    assert not [line for line in after if "REV004" in line]
    assert after <= before, after - before
