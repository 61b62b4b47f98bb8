"""Reading grades of every published page in content/: SMOG and Flesch-Kincaid on the rendered body.

Usage: python benchmarks/readability.py [--project DIR]
Prints one row per page, then writes the table to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # a sibling script, not a package

from sitegen.build.site_readability import PageGrade, grade_project


def table(grades: list[PageGrade]) -> str:
    rows = ["| Page | Sentences | SMOG | Flesch-Kincaid | Longest sentence (words) |", "|---|---:|---:|---:|---:|"]
    for grade in grades:
        score = grade.readability
        rows.append(
            f"| `{grade.path}` | {score.sentences} | {score.smog:.1f} | {score.fkgl:.1f} | "
            f"{score.longest_sentence_words} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    grades = grade_project(args.project)
    text = table(grades)
    print(text)
    if not args.no_write:
        report.update_section(
            "Readability",
            "Command: `python benchmarks/readability.py`. Gate (health-content guide 2.3): warn above SMOG 8 or "
            "FKGL 6, fail above SMOG 10 or FKGL 8 or any sentence over 30 words. textstat 0.7.8 on the rendered "
            "body (headings, code, care-card headings and the source list left out).\n\n" + text,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
