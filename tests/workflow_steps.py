"""Run a GitHub workflow job's steps on this machine, in order, as GitHub's runner would: each `run:` step in
bash -eo pipefail with the step's env, `if:` conditions, continue-on-error, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
and RUNNER_TEMP as files. The few `uses:` steps are stood in for by what they leave behind (checkout: the clone
is already there; setup-python: this interpreter is `python`; upload-artifact: the folder is copied and its
address is a file: URL; cache: a miss), because the real actions download from GitHub."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepResult:
    name: str
    ran: bool
    outcome: str = "skipped"  # success, failure or skipped, as steps.<id>.outcome
    conclusion: str = "skipped"  # after continue-on-error
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""


def load_workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` ... `DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        outputs[name] = value
        i += 1
    return outputs


class JobRunner:
    def __init__(self, workflow: dict[Any, Any], job: str, workdir: Path, context: dict[str, str]) -> None:
        self.workflow = workflow
        self.job = workflow["jobs"][job]
        self.workdir = workdir
        self.context = context  # e.g. {"github.base_ref": "main", "github.event.pull_request.number": "7"}
        self.temp = workdir.parent / f"runner-temp-{job}"
        self.temp.mkdir(exist_ok=True)
        self.summary = self.temp / "step-summary.md"
        self.artifacts = workdir.parent / f"artifacts-{job}"
        self.bin = self.temp / "bin"
        self.bin.mkdir(exist_ok=True)
        self.results: dict[str, StepResult] = {}
        self.order: list[StepResult] = []

    def value(self, expression: str) -> str:
        """A context value such as steps.address.outputs.url or github.base_ref ('' when unset)."""
        parts = expression.split(".")
        if parts[0] == "steps":
            result = self.results.get(parts[1])
            if result is None:
                return ""
            return result.outputs.get(parts[3], "") if parts[2] == "outputs" else getattr(result, parts[2])
        return self.context.get(expression, "")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda match: self.value(match[1]), str(text))

    def condition(self, step: dict[str, Any]) -> bool:
        text = str(step.get("if", "success()"))
        text = EXPRESSION.sub(lambda match: match[1], text).strip()
        if "success()" not in text and "cancelled()" not in text and "always()" not in text:
            text = f"success() && ({text})"  # GitHub adds success() when a condition names none of them
        failed = any(result.conclusion == "failure" for result in self.order)
        python = re.sub(r"(steps|github|needs)(\.[\w-]+)+", lambda match: repr(self.value(match[0])), text)
        python = python.replace("&&", " and ").replace("||", " or ")
        python = re.sub(r"!(?!=)", " not ", python)
        python = python.replace("success()", str(not failed)).replace("failure()", str(failed))
        python = python.replace("cancelled()", "False").replace("always()", "True")
        return bool(eval(python, {"__builtins__": {}}, {}))

    def environment(self, step: dict[str, Any], output: Path) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "GITHUB_"))}
        for scope in (self.workflow.get("env", {}), self.job.get("env", {}), step.get("env", {})):
            env.update({key: self.substitute(value) for key, value in scope.items()})
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_REPOSITORY="example-org/site",
            GITHUB_RUN_ID="1",
            RUNNER_TEMP=str(self.temp),
            CI="true",
        )
        return env

    def run(self, stand_ins: dict[str, str] | None = None, only: str = "") -> list[StepResult]:
        """Run every step (or, with `only`, the steps whose name starts with it). `stand_ins` maps a step name to
        a shell script run instead of it (for the install step, which needs the network)."""
        for number, step in enumerate(self.job["steps"]):
            result = StepResult(step.get("name", f"step {number}"), ran=False)
            self.order.append(result)
            if "id" in step:
                self.results[step["id"]] = result
            if not result.name.startswith(only) or not self.condition(step):
                continue
            result.ran = True
            output = self.temp / f"output-{number}"
            env = self.environment(step, output)
            ok = self._uses(step, result) if "uses" in step else self._run(step, env, result, stand_ins or {})
            result.outputs.update(read_outputs(output))
            result.outcome = "success" if ok else "failure"
            result.conclusion = "success" if ok or step.get("continue-on-error") else "failure"
        return self.order

    def _run(self, step: dict[str, Any], env: dict[str, str], result: StepResult, stand_ins: dict[str, str]) -> bool:
        script = stand_ins.get(result.name, step["run"])
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
        done = subprocess.run(command, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=300)
        result.stdout, result.stderr = done.stdout, done.stderr
        return done.returncode == 0

    def _uses(self, step: dict[str, Any], result: StepResult) -> bool:
        action = step["uses"].split("@", 1)[0]
        if action == "actions/checkout":
            return (self.workdir / ".git").is_dir()
        if action == "actions/setup-python":
            python = self.bin / "python"  # a wrapper, not a symlink: a venv's python finds its packages by path
            python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
            python.chmod(0o755)
            return True
        if action == "actions/upload-artifact":
            source = self.workdir / self.substitute(step["with"]["path"])
            target = self.artifacts / self.substitute(step["with"]["name"])
            shutil.copytree(source, target)
            result.outputs["artifact-url"] = target.as_uri()
            return True
        if action == "actions/cache":  # a first run: nothing to restore, so the build is a full one
            result.outputs["cache-hit"] = "false"
            return True
        raise AssertionError(f"no stand-in for {step['uses']}")
