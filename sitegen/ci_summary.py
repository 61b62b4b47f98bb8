"""The pull request's job summary: the pages it changes, with where to find them in the preview artifact,
and every problem `check` found. Written as Markdown to stdout (the workflow appends it to
$GITHUB_STEP_SUMMARY).

Usage: python -m sitegen.ci_summary --check-json check.json --changed-since REF --artifact-url URL
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sitegen.gitinfo import changed_files

REPO = Path(__file__).resolve().parent.parent


def page_path(content_relative: str) -> str:
    """content/a/b.md -> /a/b/ (front-matter slugs aside, as the build does it)."""
    parts = content_relative.removesuffix(".md").split("/")
    if parts[-1] == "index":
        parts = parts[:-1]
    return "/" + "/".join(parts) + ("/" if parts else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(changed: list[str], problems: list[dict[str, object]], artifact_url: str) -> str:
    lines = ["## Site preview", ""]
    pages = sorted(path for path in changed if path.startswith("content/") and path.endswith(".md"))
    if pages:
        lines += [
            f"This pull request changes {len(pages)} page(s). Download the [site preview artifact]({artifact_url}), "
            "unzip it, run `python -m http.server -d site-preview 8000` and open the addresses below on "
            "http://127.0.0.1:8000.",
            "",
            "| Page | File | In the artifact |",
            "|---|---|---|",
        ]
        for path in pages:
            address = page_path(path.removeprefix("content/"))
            inside = address.lstrip("/") + "index.html"
            lines.append(f"| `{address}` | `{path}` | `{inside}` |")
    else:
        lines.append("This pull request changes no article pages.")
    lines += ["", "## Problems found by `python build.py check`", ""]
    if not problems:
        lines.append("No problems. :white_check_mark:")
    else:
        lines += ["| Where | Code | Problem | How to fix |", "|---|---|---|---|"]
        for problem in problems:
            where = f"{problem['path']}:{problem['line']}" if problem["line"] else str(problem["path"])
            level = "**error**" if problem["severity"] == "error" else "warning"
            message = f"{level}: {problem['message']}"
            lines.append(f"| `{where}` | {problem['code']} | {_cell(message)} | {_cell(str(problem['hint']))} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check-json", type=Path, required=True)
    parser.add_argument("--changed-since", required=True)
    parser.add_argument("--artifact-url", required=True)
    options = parser.parse_args(argv)
    data = json.loads(options.check_json.read_text(encoding="utf-8"))
    changed = changed_files(REPO, options.changed_since)
    if changed is None:
        print(f"error: cannot compare with {options.changed_since}", file=sys.stderr)
        return 2
    relative = [path.relative_to(REPO).as_posix() for path in changed if path.is_relative_to(REPO)]
    sys.stdout.write(summary(relative, data["problems"], options.artifact_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
