"""Lighthouse scores (performance, accessibility, best practices, SEO) for the home page and an article.

Usage: make lighthouse   (installs npm lighthouse@12.2.3 into .tools/lighthouse, then runs this script)
       python benchmarks/lighthouse.py [--runs N]
Builds the repository's site, serves it on 127.0.0.1 and runs Lighthouse with Debian's chromium, N times per
page (median reported), then writes the table to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # a sibling script, not a package
from repo_site import build_repo_site

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work" / "lighthouse"
LIGHTHOUSE = REPO / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = {"Home": "/", "Article (numbness in hands)": "/numbness-in-hands/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def run_lighthouse(url: str, out: Path) -> dict[str, int]:
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
    data = json.loads(out.read_text())
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `make lighthouse`", file=sys.stderr)
        return 2
    site = build_repo_site(WORK)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    rows = ["| Page | Performance | Accessibility | Best practices | SEO |", "|---|---:|---:|---:|---:|"]
    try:
        for label, path in PAGES.items():
            runs = [run_lighthouse(origin + path, WORK / f"report-{i}.json") for i in range(args.runs)]
            medians = {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}
            row = f"| {label} | " + " | ".join(f"{medians[name]:.0f}" for name in CATEGORIES) + " |"
            print(row, flush=True)
            rows.append(row)
    finally:
        server.shutdown()
    report.update_section(
        "Lighthouse",
        f"Command: `make lighthouse` (npm lighthouse@12.2.3, Debian chromium, default mobile settings, medians of "
        f"{args.runs} runs per page, site served from 127.0.0.1 by Python's http.server without compression).\n\n"
        + "\n".join(rows),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
