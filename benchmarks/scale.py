"""Our build at 10,000 to 100,000 articles: peak memory of the whole process tree for a full build with search, and
the preview's start-up and edit-to-visible on the largest site.

    python benchmarks/scale.py corpus 100000 --out /tmp/scale            # projects of 10k, 30k, ... in /tmp/scale
    python benchmarks/scale.py build /tmp/scale/project-100000           # `build --full` with search, measured
    python benchmarks/scale.py serve /tmp/scale/project-100000           # first page served, one edit made visible

The shared generator (../shared/bench/gen_corpus.py) makes at most 14,016 distinct articles, so a large corpus is
made of batches of 10,000: batch k is generated with seed 42 + k (other prose, titles and dates), converted with
benchmarks/corpus.py and laid out under its own folder, content/articles/ for the first and content/articles-<k>/
for the others, its files renamed <slug>-b<k>.md (slugs are unique across a site) and its internal links pointing
at its own folder and slugs. Keep the corpus outside the repository.
Each measurement prints one JSON line; memory is sampled as in benchmarks/peers.py (the summed RSS of the process
tree every 50 ms, and GNU time's largest single process).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import corpus  # noqa: E402  (benchmarks/ must be importable first)
import peers  # noqa: E402

BATCH = 10_000
SEED = 42


def batch_folder(number: int) -> str:
    return "articles" if number == 0 else f"articles-{number}"


def make_batch(number: int, root: Path) -> Path:
    """Batch `number` converted into our content model, in root/batches/<folder>/ (reused when already there)."""
    folder = batch_folder(number)
    target = root / "batches" / folder
    if (target / ".done").exists():
        return target
    made = corpus.make_project(BATCH, root / "work", seed=SEED + number)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(made / "content" / "articles", target)
    relabel(target, number)
    if number == 0:
        shutil.rmtree(root / "base", ignore_errors=True)
        (made / "content" / "articles").mkdir()
        shutil.move(made, root / "base")  # the home page, templates, static files and site.yml
    shutil.rmtree(root / "work", ignore_errors=True)
    (target / ".done").touch()
    return target


def relabel(batch: Path, number: int) -> None:
    """Give batch `number` (> 0) slugs of its own (a slug must be unique across the site): <slug>-b<number>.md, and
    point its internal links, which the generator writes as /articles/<slug>/, at its own folder and slugs."""
    if number == 0:
        return
    folder = batch_folder(number)
    link = re.compile(r"\]\(/articles/([a-z0-9-]+)/\)")
    for path in sorted(batch.glob("*.md")):
        text = link.sub(lambda match: f"](/{folder}/{match[1]}-b{number}/)", path.read_text(encoding="utf-8"))
        path.with_name(f"{path.stem}-b{number}.md").write_text(text, encoding="utf-8")
        path.unlink()


def make_project(articles: int, root: Path) -> Path:
    """root/project-<articles>: the base project with the first articles // BATCH batches copied in."""
    batches = [make_batch(number, root) for number in range(max(1, articles // BATCH))]
    project = root / f"project-{articles}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(root / "base", project, ignore=shutil.ignore_patterns("_site", ".cache"))
    shutil.rmtree(project / "content" / "articles")
    for batch in batches:
        shutil.copytree(batch, project / "content" / batch.name, ignore=shutil.ignore_patterns(".done"))
    return project


def build(project: Path, search: bool = True) -> dict[str, object]:
    """One `build --full` through the CLI (the cache is not used), the whole process tree measured."""
    shutil.rmtree(project / "_site", ignore_errors=True)
    command = [sys.executable, str(REPO / "build.py"), "build", "--full", "--config", str(project / "site.yml")]
    if not search:
        command.append("--no-search")
    record: dict[str, object] = {"kind": "scale-build", "articles": _articles(project), "search": search}
    record |= peers.measure(command, {**os.environ, "PYTHONPATH": str(REPO)})
    record["command"] = " ".join(command)
    return record


def _articles(project: Path) -> int:
    return sum(1 for _ in (project / "content").rglob("*.md"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def serve(project: Path, edits: int = 5, timeout: float = 1800.0) -> dict[str, object]:
    """Start `build.py serve`, time the first page answered over HTTP, the first article's page and the end of the
    first build, then edit one article `edits` times and time from writing the file to its new text being served.
    The article is restored afterwards. Stops with an error if the preview ends or its first build does not."""
    port = _free_port()
    command = [sys.executable, str(REPO / "build.py"), "serve", "--config", str(project / "site.yml")]
    command += ["--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    article = sorted((project / "content" / "articles").glob("*.md"))[0]
    url = f"{base}/articles/{article.stem}/"
    original = article.read_bytes()
    log = Path(tempfile.gettempdir()) / "scale-serve.log"
    record: dict[str, object] = {"kind": "scale-serve", "articles": _articles(project), "command": " ".join(command)}
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=output, stderr=output)

        def until(condition: Callable[[], bool], since: float, limit: float) -> float:
            return _until(lambda: _running(process, log) and condition(), since, limit)

        try:
            record["first_page_s"] = until(lambda: _get(base + "/") is not None, started, timeout)
            record["article_page_s"] = until(lambda: _get(url) is not None, started, timeout)
            record["serve_main_rss_mb"] = round(peers._tree_rss_kb(process.pid) / 1024, 1)
            if edits:
                # Saves wait for the first build to finish (the preview then applies them one batch at a time).
                record["first_build_done_s"] = until(lambda: "Built " in log.read_text(), started, timeout)
                times = []
                for number in range(edits):
                    marker = f"Scale benchmark marker {number} {time.time_ns()}."
                    text = original.decode("utf-8").rstrip("\n") + f"\n\n{marker}\n"
                    written = time.perf_counter()
                    article.write_text(text, encoding="utf-8")
                    times.append(until(partial(_shows, url, marker), written, 60.0))
                record["edit_to_visible_ms"] = [round(seconds * 1000, 1) for seconds in times]
                record["serve_tree_rss_mb"] = round(peers._tree_rss_kb(process.pid) / 1024, 1)
        finally:
            article.write_bytes(original)
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return record


def _shows(url: str, text: str) -> bool:
    return text in (_get(url) or "")


def _running(process: subprocess.Popen[bytes], log: Path) -> bool:
    if process.poll() is not None:
        raise RuntimeError(f"the preview stopped (exit {process.returncode}); its output is in {log}")
    return True


def _until(condition: Callable[[], bool], started: float, timeout: float) -> float:
    """Seconds from `started` until `condition()` is true, polling every 5 ms (a benchmark, not a test)."""
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the preview did not answer in time")
        time.sleep(0.005)
    return round(time.perf_counter() - started, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("corpus", help="make projects of 10,000 articles and more")
    make.add_argument("sizes", help="comma-separated numbers of articles, multiples of 10,000")
    make.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "scale")
    measured = commands.add_parser("build", help="one measured `build --full`")
    measured.add_argument("project", type=Path)
    measured.add_argument("--no-search", action="store_true")
    preview = commands.add_parser("serve", help="the preview's start-up and edit-to-visible")
    preview.add_argument("project", type=Path)
    preview.add_argument("--edits", type=int, default=5, help="edits to time after the first build (0: none)")
    args = parser.parse_args(argv)
    if args.command == "corpus":
        for size in (int(size) for size in args.sizes.split(",")):
            print(make_project(size, args.out), flush=True)
        return 0
    record = build(args.project, not args.no_search) if args.command == "build" else serve(args.project, args.edits)
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
