"""The pull request's job summary: a link to each page it changes (on the deploy preview, and inside the zip
preview), then the problems `check` found in the files it changes, errors first, each with its field name.
Written as Markdown to stdout (the workflow appends it to $GITHUB_STEP_SUMMARY). It never fails for want of
input: a missing or broken check.json, or no deploy preview, is said in words.

Usage: python -m sitegen.check.ci_summary --check-json check.json --changed-since REF [--preview-url URL]
       [--artifact-url URL]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from sitegen.read.gitinfo import changed_files

REPO = Path(__file__).resolve().parents[2]  # sitegen/check/ci_summary.py -> the repository
# GitHub shows at most this many error and this many warning annotations from one step; the rest are dropped
# without a word (actions/toolkit, docs/problem-matchers.md, "Limitations").
ANNOTATIONS_PER_STEP = 10
_SLUG = re.compile(r"^slug:\s*['\"]?([a-z0-9-]+)['\"]?\s*$", re.MULTILINE)

Problem = dict[str, object]


def page_path(content_relative: str, slug: str = "") -> str:
    """content/a/b.md -> /a/b/, with a front-matter `slug` replacing the file name, as the build does it."""
    parts = content_relative.removesuffix(".md").split("/")
    if parts[-1] == "index":
        parts = parts[:-1]
    elif slug:
        parts[-1] = slug
    return "/" + "/".join(parts) + ("/" if parts else "")


def front_matter_slug(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    if not text.startswith("---"):
        return ""
    match = _SLUG.search(text.split("\n---", 1)[0])
    return match[1] if match else ""


@dataclass(frozen=True)
class ChangedPage:
    file: str  # content/a/b.md
    address: str  # /a/b/
    removed: bool


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _join(base: str, address: str) -> str:
    return base.rstrip("/") + address


def preview_section(pages: list[ChangedPage], preview_url: str, artifact_url: str) -> list[str]:
    lines = ["## Site preview", ""]
    if not pages:
        return [*lines, "This pull request changes no article pages."]
    if preview_url:
        lines += [f"Open the changed pages on the [preview site]({preview_url}) (drafts included, marked):", ""]
    else:
        lines += ["No preview site is set up for this repository; use the zip below.", ""]
    lines += ["| Page | File | In the zip |", "|---|---|---|"]
    for page in pages:
        inside = page.address.lstrip("/") + "index.html"
        if page.removed:
            lines.append(f"| `{page.address}` (removed) | `{page.file}` | — |")
        elif preview_url:
            lines.append(f"| [`{page.address}`]({_join(preview_url, page.address)}) | `{page.file}` | `{inside}` |")
        else:
            lines.append(f"| `{page.address}` | `{page.file}` | `{inside}` |")
    lines.append("")
    if artifact_url:
        lines.append(
            f"No link above, or the preview is still building? Download the [site preview zip]({artifact_url}), "
            "unzip it and double-click `index.html` (no other program needed), then open the file from the last "
            "column."
        )
    else:
        lines.append("The site preview zip was not uploaded: the build stopped before it (see the step log).")
    return lines


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p["severity"] != "error", str(p["path"]), int(str(p["line"] or 0))))


def _problem_row(problem: Problem) -> str:
    """One problem as a row of the table: where, code, what is wrong, how to fix it."""
    where = f"{problem['path']}:{problem['line']}" if problem.get("line") else str(problem["path"])
    level = "**error**" if problem.get("severity") == "error" else "warning"
    field = f"{problem['field']}: " if problem.get("field") else ""
    message = f"{level}: {field}{problem.get('message', '')}"
    hint = str(problem.get("hint") or "")
    return f"| `{where}` | {problem.get('code', '')} | {_cell(message)} | {_cell(hint)} |"


def problems_section(data: dict[str, object] | None, changed: set[str]) -> list[str]:
    lines = ["## Problems found by `python build.py check`", ""]
    if data is None:
        return [
            *lines,
            "The content check did not finish, so there is no list here. Open the step "
            "**Check the content** in this job's log to see why.",
        ]
    raw = data.get("problems")
    problems: list[Problem] = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
    mine = _sorted([p for p in problems if p.get("path") in changed])
    others = len(problems) - len(mine)
    hidden = sum(
        max(0, sum(1 for p in problems if p.get("severity") == level) - ANNOTATIONS_PER_STEP)
        for level in ("error", "warning")
    )
    if not mine:
        lines.append("No problems in the files this pull request changes. :white_check_mark:")
    else:
        lines += ["| Where | Code | Problem | How to fix |", "|---|---|---|---|"]
        lines += [_problem_row(problem) for problem in mine]
    if hidden:
        lines += [
            "",
            f"GitHub shows at most {ANNOTATIONS_PER_STEP} errors and {ANNOTATIONS_PER_STEP} warnings beside the "
            f"changed lines: {hidden} more not shown there. Every problem is in this list or in the step log.",
        ]
    if others:
        lines += [
            "",
            f"{others} more problem{'s' if others != 1 else ''} in files this pull request does not change "
            "(for example a link to a page it moved): see the step **Check the content** in the log.",
        ]
    return lines


def summary(changed: list[str], data: dict[str, object] | None, preview_url: str = "", artifact_url: str = "") -> str:
    pages = [
        ChangedPage(path, page_path(path.removeprefix("content/"), front_matter_slug(REPO / path)), removed)
        for path in sorted(changed)
        if path.startswith("content/") and path.endswith(".md")
        for removed in [not (REPO / path).exists()]
    ]
    lines = [*preview_section(pages, preview_url, artifact_url), "", *problems_section(data, set(changed))]
    return "\n".join(lines) + "\n"


def read_check_json(path: Path) -> dict[str, object] | None:
    """The `check --format json` output, or None when the check never wrote it (or wrote half of it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("problems"), list) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check-json", type=Path, required=True)
    parser.add_argument("--changed-since", required=True)
    parser.add_argument("--preview-url", default="", help="the deploy preview's address, if there is one")
    parser.add_argument("--artifact-url", default="", help="the uploaded zip's address, if it was uploaded")
    options = parser.parse_args(argv)
    changed = changed_files(REPO, options.changed_since)
    if changed is None:
        sys.stdout.write(f"The job could not compare this pull request with `{options.changed_since}`.\n")
        print(f"error: cannot compare with {options.changed_since}", file=sys.stderr)
        return 2
    relative = [path.relative_to(REPO).as_posix() for path in changed if path.is_relative_to(REPO)]
    data = read_check_json(options.check_json)
    sys.stdout.write(summary(relative, data, options.preview_url, options.artifact_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
