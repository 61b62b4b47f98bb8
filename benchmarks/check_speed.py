"""Time `python build.py check` (the whole first half of a build plus every content check, writing nothing) on
this repository's site and on the shared synthetic corpus.

Usage: python benchmarks/check_speed.py [--sizes 1000] [--runs 3]
Targets (issue 7): the site under 2 s, 1,000 corpus articles under 15 s. Medians of --runs cold runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # a sibling script, not a package
import report

WORK = Path(__file__).resolve().parent / ".work"


def timed_check(config: Path) -> tuple[float, str]:
    command = [sys.executable, str(corpus.REPO / "build.py"), "check", "--config", str(config)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    return seconds, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    targets = [("this repository's site", corpus.REPO / "site.yml")]
    for size in args.sizes:
        project = WORK / f"check-{size}" / "project"
        if not (project / "site.yml").exists():
            project = corpus.make_project(size, WORK / f"check-{size}")
        targets.append((f"{size:,} corpus articles", project / "site.yml"))
    rows = ["| Site | Median | Runs | Result |", "|---|---:|---|---|"]
    for label, config in targets:
        runs = [timed_check(config) for _ in range(args.runs)]
        times = [seconds for seconds, _ in runs]
        row = f"| {label} | {statistics.median(times):.2f} s | {', '.join(f'{t:.2f}' for t in times)} | {runs[-1][1]} |"
        print(row, flush=True)
        rows.append(row)
    report.update_section(
        "Check speed",
        "Command: `python benchmarks/check_speed.py` (`python build.py check`, cold processes, medians). Targets: "
        "the site under 2 s; 1,000 corpus articles under 15 s.\n\n" + "\n".join(rows),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
