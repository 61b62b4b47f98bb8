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


def test_pull_requests_run_read_only_without_secrets() -> None:
    workflow = load("pull-request.yml")
    assert workflow["on"] == {"pull_request": None}
    assert workflow["permissions"] == {"contents": "read"}
    code = "\n".join(
        line for line in (WORKFLOWS / "pull-request.yml").read_text().splitlines() if not line.startswith("#")
    )
    assert "secrets." not in code and "pull_request_target" not in code
    names = [step.get("run", "") for step in steps(workflow)]
    assert any("pip-audit" in run for run in names)
    assert any("check --format github" in run for run in names)
    assert any(run.startswith("make test") for run in names)
    assert any("python build.py" in run and "check" not in run for run in names)
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert "actions/upload-artifact@v4" in uses
    assert any("GITHUB_STEP_SUMMARY" in run and "ci_summary" in run for run in names)
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False and checkout["with"]["fetch-depth"] == 0


def test_deploys_only_from_main_to_pages() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["env"]["TZ"]
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert uses.index("actions/upload-pages-artifact@v3") < uses.index("actions/deploy-pages@v4")
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_weekly_job_checks_sources_and_fails_loudly() -> None:
    workflow = load("weekly.yml")
    assert "schedule" in workflow["on"] and workflow["permissions"] == {"contents": "read"}
    (run,) = [step["run"] for step in steps(workflow) if "run" in step and "build.py check" in step["run"]]
    assert "--external-links" in run and 'exit "$status"' in run


@pytest.mark.parametrize("name", ["pull-request.yml", "deploy.yml", "weekly.yml"])
def test_no_expression_is_pasted_into_a_shell_script(name: str) -> None:
    """`${{ ... }}` inside `run:` is script injection waiting to happen; values go through `env:` instead."""
    for step in steps(load(name)):
        assert not re.search(r"\$\{\{", step.get("run", "")), step


def test_the_summary_lists_changed_pages_and_problems() -> None:
    from sitegen.ci_summary import summary

    problems: list[dict[str, object]] = [
        {"path": "content/a.md", "line": 3, "severity": "error", "code": "FM001", "message": "x | y", "hint": "fix"}
    ]
    text = summary(["content/numbness-in-hands/index.md", "README.md"], problems, "https://example.org/run/1")
    assert "| `/numbness-in-hands/` | `content/numbness-in-hands/index.md` | `numbness-in-hands/index.html` |" in text
    assert "| `content/a.md:3` | FM001 | **error**: x \\| y | fix |" in text
    assert "README.md" not in text


def test_pre_commit_configuration_runs_ruff_and_check() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "content-check"} <= set(hooks)
    assert hooks["content-check"]["entry"].startswith(".venv/bin/python build.py check")
    assert shutil.which("git") is not None
