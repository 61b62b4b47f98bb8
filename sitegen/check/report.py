"""How `check` prints its problems: `text` for people, `github` for workflow annotations on the pull
request's changed lines, `json` for tools."""

from __future__ import annotations

import json

from sitegen.check.codes import CODES
from sitegen.errors import Problem, Severity, one_line

FORMATS = ("text", "github", "json")
NOTICES = frozenset({"REV003"})


def location(problem: Problem) -> str:
    parts = [problem.path]
    if problem.line:
        parts.append(str(problem.line))
        if problem.column:
            parts.append(str(problem.column))
    return ":".join(parts)


def format_text(problems: list[Problem], files: int) -> str:
    lines = []
    for problem in problems:
        label = f"{problem.field}: " if problem.field else ""
        hint = f"\n    how to fix: {one_line(problem.hint)}" if problem.hint else ""
        lines.append(
            one_line(f"{location(problem)}: {problem.severity} {problem.code}: {label}{problem.message}") + hint
        )
    lines.append(summary(problems, files))
    return "\n".join(lines) + "\n"


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if not problems:
        return f"Checked {files} files: no problems."
    return f"Checked {files} files: {_count(errors, 'error')}, {_count(warnings, 'warning')}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], files: int) -> str:
    """Workflow commands (docs.github.com, "Workflow commands for GitHub Actions"): one annotation each."""
    lines = []
    for problem in problems:
        properties = [f"file={_escape_property(problem.path)}"]
        if problem.line:
            properties.append(f"line={problem.line}")
            if problem.column:
                properties.append(f"col={problem.column}")
        title = f"{problem.code} {CODES[problem.code].title}" if problem.code in CODES else problem.code
        properties.append(f"title={_escape_property(title)}")
        label = f"{problem.field}: " if problem.field else ""
        end = "" if problem.hint.endswith(("?", ".")) else "."
        hint = f" How to fix: {problem.hint}{end}" if problem.hint else ""
        message = _escape_data(f"{label}{problem.message}.{hint}")
        lines.append(f"::{_level(problem)} {','.join(properties)}::{message}")
    lines.append(summary(problems, files))
    return "\n".join(lines) + "\n"


def _level(problem: Problem) -> str:
    """A pending clinical review is a notice: it is expected on most pull requests, and GitHub shows only 10
    warnings per step, which it would otherwise use up before the warnings an editor can act on."""
    return "notice" if problem.code in NOTICES and problem.severity is Severity.WARNING else str(problem.severity)


def format_json(problems: list[Problem], files: int) -> str:
    data = {
        "files": files,
        "errors": sum(1 for p in problems if p.severity is Severity.ERROR),
        "warnings": sum(1 for p in problems if p.severity is Severity.WARNING),
        "problems": [
            {
                "code": p.code,
                "severity": str(p.severity),
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "field": p.field,
                "message": p.message,
                "hint": p.hint,
            }
            for p in problems
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(problems: list[Problem], files: int, fmt: str) -> str:
    return {"text": format_text, "github": format_github, "json": format_json}[fmt](problems, files)
