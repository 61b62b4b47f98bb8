"""The GitHub workflow files: valid against GitHub's workflow schema (check-jsonschema's vendored copy; the
official actionlint wheel downloads its binary from GitHub at install time, which cannot work here), and
shaped as the security guide asks: pull requests run read-only without secrets, deploys come only from main."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sample_site import REPO

WORKFLOWS = REPO / ".github" / "workflows"
CHECKER = Path(sys.executable).parent / "check-jsonschema"


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def validate(*files: Path) -> subprocess.CompletedProcess[str]:
    command = [str(CHECKER), "--builtin-schema", "vendor.github-workflows", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_workflows_match_the_github_schema(tmp_path: Path) -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["deploy.yml", "pull-request.yml", "weekly.yml"]
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    assert validate(broken).returncode != 0, "the schema check must reject a broken workflow"


CURRENT_ACTIONS = {
    # Current majors, all on Node 24 (checked against each action's releases in November 2026).
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/upload-artifact": "v7",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/cache": "v5",
}


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml", "weekly.yml"])
def test_every_action_is_on_its_current_major_version(name: str) -> None:
    for step in steps(load(name)):
        if "uses" in step:
            action, version = step["uses"].split("@")
            assert CURRENT_ACTIONS.get(action) == version, step["uses"]


def job_runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_pull_requests_run_read_only_without_secrets() -> None:
    workflow = load("pull-request.yml")
    assert workflow["on"] == {"pull_request": None}
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    code = "\n".join(
        line for line in (WORKFLOWS / "pull-request.yml").read_text().splitlines() if not line.startswith("#")
    )
    assert "secrets." not in code and "pull_request_target" not in code and "always()" not in code
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False and step["with"]["fetch-depth"] == 0


def test_the_content_job_waits_for_nothing_and_fails_last() -> None:
    """The editor's job: no tests, no audit, no dependency on another job; the failing step is the last one."""
    jobs = load("pull-request.yml")["jobs"]
    content = jobs["content"]
    assert "needs" not in content and "if" not in content
    runs = job_runs(content)
    assert "make test" not in runs and "pip-audit" not in runs
    assert "--changed-since" in runs and "--format github" in runs and "--drafts --relative-links" in runs
    names = [step["name"] for step in content["steps"]]
    check = next(step for step in content["steps"] if step.get("id") == "check")
    assert check["continue-on-error"] is True
    summary = next(step for step in content["steps"] if "ci_summary" in step.get("run", ""))
    assert summary["if"] == "${{ !cancelled() }}" and "GITHUB_STEP_SUMMARY" in summary["run"]
    assert names[-1].startswith("Fail if") and "exit 1" in content["steps"][-1]["run"]
    upload = next(step["name"] for step in content["steps"] if step.get("uses", "").startswith("actions/upload"))
    assert names.index(summary["name"]) > names.index(upload)


def test_the_developers_job_runs_only_for_code_and_audits_the_projects_own_dependencies() -> None:
    jobs = load("pull-request.yml")["jobs"]
    assert jobs["code"]["needs"] == "changes" and jobs["code"]["if"] == "needs.changes.outputs.code == 'true'"
    runs = job_runs(jobs["code"])
    assert "make test PYTHON=python" in runs
    audit = next(step["run"] for step in jobs["code"]["steps"] if "pip-audit" in step.get("run", ""))
    assert ".venv/bin/python -m pip list --format=freeze --exclude-editable" in audit
    assert "--requirement" in audit and "--no-deps --disable-pip" in audit  # audits .venv's pins, installs nothing


def test_deploys_only_from_main_and_only_the_deploy_job_can_publish() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["overdue-reviews"]["permissions"] == {"contents": "read", "issues": "write"}
    writers = [name for name, job in jobs.items() if "write" in job["permissions"].get("pages", "")]
    assert writers == ["deploy"] and [n for n, j in jobs.items() if "id-token" in j["permissions"]] == ["deploy"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["env"]["TZ"]
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert uses.index("actions/upload-pages-artifact@v5") < uses.index("actions/deploy-pages@v5")
    checkout = next(step for step in jobs["build"]["steps"] if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_weekly_job_opens_an_issue_and_keeps_itself_enabled() -> None:
    workflow = load("weekly.yml")
    assert "schedule" in workflow["on"] and workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["sources-and-reviews"]["permissions"] == {"contents": "read", "issues": "write"}
    assert jobs["keep-enabled"]["permissions"] == {"actions": "write"}
    runs = job_runs(jobs["sources-and-reviews"])
    assert "--external-links" in runs and "tell-editors.sh" in runs
    assert "SRC004" in runs and "REV001" in runs and "REV002" in runs
    assert "actions/workflows/weekly.yml/enable" in job_runs(jobs["keep-enabled"])
    assert "60 days" in (WORKFLOWS / "weekly.yml").read_text()


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml", "weekly.yml"])
def test_no_expression_is_pasted_into_a_shell_script(name: str) -> None:
    """`${{ ... }}` inside `run:` is script injection waiting to happen; values go through `env:` instead."""
    for step in steps(load(name)):
        assert not re.search(r"\$\{\{", step.get("run", "")), step


def cache_step(name: str, job: str) -> tuple[dict[str, Any], list[str]]:
    """The job's actions/cache step and the names of the job's steps, in order."""
    job_steps = load(name)["jobs"][job]["steps"]
    caches = [step for step in job_steps if step.get("uses", "").startswith("actions/cache@")]
    assert len(caches) == 1, caches
    return caches[0], [step["name"] for step in job_steps]


KEY_FILE = "~/.cache/sitegen/build-state.key"


@pytest.mark.parametrize(("name", "job", "build"), [("deploy.yml", "build", "Build the site"),
                                                    ("pull-request.yml", "content", "Build the preview")])  # fmt: skip
def test_the_build_cache_is_restored_before_the_build_and_keyed_on_its_inputs(name: str, job: str, build: str) -> None:
    step, names = cache_step(name, job)
    setup = next(n for n in names if n.startswith("Set up Python"))
    built = next(n for n in names if n.startswith(build))
    assert names.index(setup) < names.index(step["name"]) < names.index(built)
    assert ".cache/sitegen" in step["with"]["path"].split()
    key = step["with"]["key"]
    for part in ("${{ runner.os }}", "${{ steps.python.outputs.python-version }}", "hashFiles('sitegen/**'"):
        assert part in key, part
    assert "hashFiles('content/**', 'templates/**', 'static/**'" in key
    python = next(s for s in load(name)["jobs"][job]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert python["id"] == "python"
    fallbacks = step["with"]["restore-keys"].splitlines()
    assert len(fallbacks) == 2 and all(key.startswith(prefix) and prefix.endswith("-") for prefix in fallbacks)
    assert len(fallbacks[0]) > len(fallbacks[1])  # the same generator's last cache first, then any older one


def test_only_the_deploy_caches_the_key_that_signs_the_saved_site() -> None:
    """The deploy runs only on main, whose caches no pull request can write: its cache may carry the signing key.
    A pull request runs its author's code (a fork's too) and its cache is read back by its own later runs: it
    never caches the key, so a saved site it restores is never loaded, and it cannot restore the deploy's cache
    (another list of paths)."""
    deploy, _ = cache_step("deploy.yml", "build")
    assert deploy["with"]["path"].split() == [".cache/sitegen", "_site", KEY_FILE]
    pull_request, _ = cache_step("pull-request.yml", "content")
    assert pull_request["with"]["path"].split() == [".cache/sitegen"]
    code = [
        line for line in (WORKFLOWS / "pull-request.yml").read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    assert not [line for line in code if "build-state" in line or "~/.cache" in line]
    assert deploy["with"]["key"].startswith("sitegen-deploy-")
    assert pull_request["with"]["key"].startswith("sitegen-pull-request-")
    assert load("deploy.yml")["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}


def problem(path: str, severity: str = "error", line: int = 3, **extra: object) -> dict[str, object]:
    return {"path": path, "line": line, "severity": severity, "code": "FM001", "field": "summary",
            "message": "x | y", "hint": "fix", **extra}  # fmt: skip


def test_the_summary_links_changed_pages_and_lists_only_their_problems_by_field() -> None:
    from sitegen.check.ci_summary import summary

    data: dict[str, object] = {
        "problems": [
            problem("content/numbness-in-hands/index.md", "warning", 9),
            problem("content/numbness-in-hands/index.md", "error", 12),
            problem("content/other.md"),
        ]
    }
    changed = ["content/numbness-in-hands/index.md", "README.md"]
    text = summary(changed, data, "https://deploy-preview-3--x.netlify.app/", "https://example.org/zip")
    link = "[`/numbness-in-hands/`](https://deploy-preview-3--x.netlify.app/numbness-in-hands/)"
    assert f"| {link} | `content/numbness-in-hands/index.md` | `numbness-in-hands/index.html` |" in text
    rows = [line for line in text.splitlines() if line.startswith("| `content/")]
    assert rows == [
        "| `content/numbness-in-hands/index.md:12` | FM001 | **error**: summary: x \\| y | fix |",
        "| `content/numbness-in-hands/index.md:9` | FM001 | warning: summary: x \\| y | fix |",
    ]
    assert "1 more problem in files this pull request does not change" in text
    assert "README.md" not in text and "more not shown" not in text
    assert "[site preview zip](https://example.org/zip)" in text


def test_the_summary_says_when_annotations_are_cut_off() -> None:
    from sitegen.check.ci_summary import summary

    errors = [problem("content/a.md", line=n) for n in range(1, 13)]
    warnings = [problem("content/a.md", "warning", line=n) for n in range(1, 4)]
    text = summary(["content/a.md"], {"problems": errors + warnings})
    assert "GitHub shows at most 10 errors and 10 warnings beside the changed lines: 2 more not shown there." in text
    assert "more not shown" not in summary(["content/a.md"], {"problems": errors[:10] + warnings})


def test_the_summary_survives_a_missing_check_json_and_a_missing_preview(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sitegen.check.ci_summary", "--check-json", str(tmp_path / "check.json")]
    result = subprocess.run(
        [*command, "--changed-since", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "The content check did not finish" in result.stdout and result.stderr == ""
    (tmp_path / "check.json").write_text('{"problems": [')  # cut off half-way
    half = subprocess.run(
        [*command, "--changed-since", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert half.returncode == 0 and "The content check did not finish" in half.stdout


def test_the_summary_marks_removed_pages_and_says_when_there_is_no_zip() -> None:
    from sitegen.check.ci_summary import summary

    text = summary(["content/gone-for-good.md"], {"problems": []}, "https://p.example/", "")
    assert "| `/gone-for-good/` (removed) | `content/gone-for-good.md` | — |" in text
    assert "The site preview zip was not uploaded" in text
    assert "No problems in the files this pull request changes." in text


def test_codeowners_send_content_and_rules_to_clinical_reviewers_only() -> None:
    rules = []
    for line in (REPO / ".github" / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *names = line.split()
            rules.append((pattern, names))

    def owners(path: str) -> list[str]:  # the last matching line wins
        found: list[str] = []
        for pattern, names in rules:
            if pattern == "*" or path.startswith(pattern.lstrip("/")) or path == pattern.lstrip("/"):
                found = names
        return found

    clinical = ["@example-org/clinical-reviewers"]
    assert owners("content/numbness-in-hands/index.md") == clinical
    assert owners("rules/red-flags.yml") == clinical
    assert owners("sitegen/cli.py") == ["@example-org/site-engineers"]


def test_pre_commit_configuration_runs_ruff_and_check() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "content-check"} <= set(hooks)
    assert hooks["content-check"]["entry"].startswith(".venv/bin/python build.py check")
    assert shutil.which("git") is not None
