"""The deploy and weekly workflows' own scripts, run as GitHub runs them (tests/workflow_steps.py) on the clean
check fixture: an overdue review on one page warns and lists the page but never stops the deploy, any other error
does; the issue for editors is opened, updated or closed as the check says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sample_site import FIXED_EPOCH, REPO
from tests.workflow_steps import JobRunner, load_workflow

CLEAN_SITE = REPO / "tests" / "fixtures" / "check_site"
WORKFLOWS = REPO / ".github" / "workflows"
LONG = " ".join(["word"] * 40) + "."


def project(root: Path) -> Path:
    """The clean check fixture as a repository checkout: build.py and sitegen/ beside its site.yml."""
    target = root / "checkout"
    shutil.copytree(CLEAN_SITE, target)
    shutil.copy(REPO / "rules" / "misleading-claims.yml", target / "rules")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static", dirs_exist_ok=True)
    shutil.copy2(REPO / "build.py", target / "build.py")
    shutil.copytree(REPO / "sitegen", target / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / ".github", target / ".github")
    (target / ".git").mkdir()  # what checkout leaves; this check needs no history
    return target


def overdue(site: Path) -> None:
    page = site / "content" / "wrist-pain.md"
    page.write_text(page.read_text().replace("next_review_due: 2027-06-01", "next_review_due: 2025-01-01"))


def deploy_check(site: Path) -> JobRunner:
    workflow = load_workflow(WORKFLOWS / "deploy.yml")
    workflow["env"]["SOURCE_DATE_EPOCH"] = FIXED_EPOCH  # "today" is 2025-03-01
    runner = JobRunner(workflow, "build", site, {})
    runner.run(only="Set up Python")
    runner.order.clear()
    runner.run(only="Check the content")
    return runner


def test_an_overdue_review_warns_and_lists_the_page_but_the_deploy_goes_on(tmp_path: Path) -> None:
    site = project(tmp_path)
    overdue(site)
    result = deploy_check(site).results["check"]
    assert result.outcome == "success", result.stdout + result.stderr
    assert result.outputs["overdue"] == "1"
    assert result.outputs["overdue-pages"].startswith("- `content/wrist-pain.md:17`: next_review_due: ")
    assert "::warning title=Reviews overdue::1 page(s) are past their review date" in result.stdout


def test_any_other_error_still_stops_the_deploy(tmp_path: Path) -> None:
    site = project(tmp_path)
    overdue(site)
    index = site / "content" / "index.md"
    index.write_text(index.read_text() + f"\n{LONG}\n")
    result = deploy_check(site).results["check"]
    assert result.outcome == "failure"
    assert "::error title=Content errors::1 error(s) other than overdue reviews" in result.stdout


def test_a_clean_site_reports_no_overdue_pages(tmp_path: Path) -> None:
    result = deploy_check(project(tmp_path)).results["check"]
    assert result.outcome == "success" and result.outputs["overdue"] == "0"
    assert result.outputs["overdue-pages"] == ""


# `gh` needs GitHub, which this machine cannot reach: a stand-in records each call and answers `issue list`
# with the open issue number in OPEN_ISSUE (or nothing).
GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "issue list") [ -n "$OPEN_ISSUE" ] && echo "$OPEN_ISSUE" ;;
esac
exit 0
"""


@pytest.mark.parametrize(
    ("open_issue", "with_body", "expected"),
    [
        ("", True, ["issue create --title Sources broken or reviews due --body-file"]),
        ("12", True, ["issue edit 12 --body-file", "issue comment 12 --body Still needs attention"]),
        ("12", False, ["issue close 12 --comment All clear"]),
        ("", False, []),
    ],
)
def test_one_issue_is_opened_updated_or_closed(
    tmp_path: Path, open_issue: str, with_body: bool, expected: list[str]
) -> None:
    import subprocess

    (tmp_path / "bin").mkdir()
    gh = tmp_path / "bin" / "gh"
    gh.write_text(GH)
    gh.chmod(0o755)
    body = tmp_path / "issue.md"
    body.write_text("- `content/a.md:3` SRC004: ...\n")
    log = tmp_path / "gh.log"
    env = {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "GH_LOG": str(log),
        "OPEN_ISSUE": open_issue,
        "GH_REPO": "example-org/site",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "5",
    }
    args = ["sh", str(REPO / ".github" / "scripts" / "tell-editors.sh"), "Sources broken or reviews due"]
    done = subprocess.run(
        [*args, str(body)] if with_body else args, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("issue list --state open --search in:title Sources broken or reviews due")
    assert len(calls[1:]) == len(expected)
    for call, start in zip(calls[1:], expected, strict=True):
        assert call.startswith(start), calls
