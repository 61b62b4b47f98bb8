"""Our build side by side with Hugo, MkDocs, Eleventy and Pelican, through the shared harness, and the search
index's memory; writes the ratios to BENCHMARKS.md and a plot of time and memory against the number of articles.

    python benchmarks/peers.py run --sizes 1000,3000            # interleaved rounds: cold, warm, one change, serve
    python benchmarks/peers.py search SITE --shard-pages 1000   # Pagefind over a built site (--no-search output)
    python benchmarks/peers.py build PROJECT [--no-search]      # one cold build, the whole process tree measured
    python benchmarks/peers.py report [--also OTHER.json]       # BENCHMARKS.md section + benchmarks/peers.png

The harness is ../shared/bench/peers/side_by_side.py (set PEERBENCH_HARNESS to move it); the peers are installed by
its setup_peers.sh under the system temp folder's peerbench/ (PEERBENCH_DIR). Every record goes to
$PEERBENCH_RUN/sbs-results.json (default the peerbench folder). `report` needs matplotlib (`pip install -e .[bench]`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HARNESS = Path(os.environ.get("PEERBENCH_HARNESS") or REPO.parent / "shared" / "bench" / "peers" / "side_by_side.py")
RUN = Path(os.environ.get("PEERBENCH_RUN") or os.environ.get("PEERBENCH_DIR") or tempfile.gettempdir() + "/peerbench")
RESULTS = RUN / "sbs-results.json"
PLOT = REPO / "benchmarks" / "peers.png"
PEERS = ("hugo", "mkdocs", "eleventy", "pelican")
TOOLS = ("ours", "ours-nosearch", *PEERS)
SECTION = "Side by side with the peers"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

Record = dict[str, Any]


# ----------------------------------------------------------------------------------------------- run the harness
def harness_script() -> Path:
    """The harness, or a private copy laid out as its scripts expect when the shared folder is not: they look for
    the peers' settings in peers/<tool>/ beside them, and the shared folder keeps them beside the scripts."""
    shared = HARNESS.parent
    if (shared / "peers").is_dir():
        return HARNESS
    root = RUN / "harness"
    shutil.rmtree(root, ignore_errors=True)
    (root / "peers" / "peers").mkdir(parents=True)
    for name in ("side_by_side.py", "run_peers.py"):
        shutil.copy2(shared / name, root / "peers" / name)
    _patch_harness(root / "peers" / "side_by_side.py")
    shutil.copy2(shared.parent / "gen_corpus.py", root / "gen_corpus.py")
    for tool in PEERS:
        if (shared / tool).is_dir():
            shutil.copytree(shared / tool, root / "peers" / "peers" / tool)
    return root / "peers" / HARNESS.name


def _patch_harness(script: Path) -> None:
    """Two changes to the private copy, for the build cache we have now and the harness predates:
    - its cold build of ours removes only the output folder; our build also keeps rendered bodies in
      project/.cache (sitegen/build/body_cache.py), so a cold run must remove that too, or it measures a warm one;
    - `ours` and `ours-nosearch` share one project, so each warm run would start from the other's output (a
      different build option) and be a full build: `ours-nosearch` gets its own copy of the prepared project."""
    text = script.read_text(encoding="utf-8")
    patches = [
        (
            "        shutil.rmtree(self.out_dir(site), ignore_errors=True)\n",
            "        shutil.rmtree(self.out_dir(site), ignore_errors=True)\n"
            '        shutil.rmtree(site / "project" / ".cache", ignore_errors=True)\n',
        ),
        (
            '        return RUN / "sites" / f"ours-{n}"\n',
            '        return RUN / "sites" / f"{self.name}-{n}"\n',
        ),
        (
            '        if tool.name == "ours-nosearch":\n            continue\n',
            '        if tool.name == "ours-nosearch":\n'
            "            shutil.rmtree(tool.site(n), ignore_errors=True)\n"
            '            shutil.copytree(TOOLS["ours"].site(n), tool.site(n), symlinks=True)\n'
            "            continue\n",
        ),
    ]
    for old, new in patches:
        if old not in text:
            raise SystemExit(f"{script}: the harness changed; redo this patch by hand: {old.strip()}")
        text = text.replace(old, new, 1)
    script.write_text(text, encoding="utf-8")


def harness(script: Path, *args: str) -> None:
    command = [sys.executable, str(script), *args]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=REPO, env={**os.environ, "OURS_DIR": str(REPO)}, check=True)


def run(sizes: list[int], tools: list[str], reps: int, edits: int) -> None:
    peers = [tool for tool in tools if tool in PEERS]
    script = harness_script()
    for n in sizes:
        ours = ["ours", *(["ours-nosearch"] if "ours-nosearch" in tools else [])]
        harness(script, "prepare", str(n), "--tools", ",".join([*ours, *peers]))
        harness(script, "cold", str(n), "--reps", str(reps), "--tools", ",".join(tools))
        harness(script, "warm", str(n), "--reps", str(reps), "--tools", ",".join(tools))
        serve = [tool for tool in tools if tool in ("ours", "hugo", "mkdocs")]
        harness(script, "serve", str(n), "--edits", str(edits), "--tools", ",".join(serve))


# ------------------------------------------------------------------------------------- search index memory alone
def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _tree_rss_kb(root: int) -> int:
    """The summed resident memory of `root` and its descendants. A child that shares its parent's address space
    (subprocess starts programs with vfork: until the exec the child reports the parent's memory as its own) is
    counted once: without this, a build starting Pagefind was measured at exactly twice its own size."""
    total = 0
    pending: list[tuple[int, tuple[int, int] | None]] = [(root, None)]
    while pending:
        pid, parent = pending.pop()
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "time":
                pending += [(child, None) for child in _children(pid)]
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            memory = (int(fields[20]), int(fields[21]))  # vsize in bytes, resident pages
        except (OSError, IndexError, ValueError):
            continue
        pending += [(child, memory) for child in _children(pid)]
        if memory != parent:
            total += memory[1] * PAGE_KB
    return total


def measure(command: list[str], env: dict[str, str]) -> Record:
    """Wall time, the peak summed RSS of the process tree (sampled every 50 ms) and GNU time's largest process;
    the command's output goes to $PEERBENCH_RUN/logs/peers-measure.log."""
    log = RUN / "logs" / "peers-measure.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".time") as report, log.open("a") as output:
        output.write(f"$ {' '.join(command)}\n")
        output.flush()
        started = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-v", "-o", report.name, *command], env=env, stdout=output, stderr=subprocess.STDOUT
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(process.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
        wall = time.perf_counter() - started
        text = Path(report.name).read_text()
    largest = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user, system = (re.search(rf"{kind} time \(seconds\): ([\d.]+)", text) for kind in ("User", "System"))
    return {
        "rc": code,
        "wall_s": round(wall, 2),
        "tree_peak_rss_mb": round(peak / 1024, 1),
        "time_maxrss_mb": round(int(largest.group(1)) / 1024, 1) if largest else None,
        "user_s": float(user.group(1)) if user else None,
        "sys_s": float(system.group(1)) if system else None,
        "loadavg_before": Path("/proc/loadavg").read_text().strip(),
    }


def search(site: Path, shard_pages: list[int]) -> None:
    """Index a built site (made with --no-search) as the build does, once per shard size; the old bundle is removed
    first. A shard size above the number of pages is one Pagefind run over the whole site, as before shards."""
    pages = sum(1 for _ in site.rglob("*.html"))
    for size in shard_pages:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        code = (
            "from pathlib import Path; from sitegen.write.search_index import index_site; "
            f"print(index_site(Path({str(site)!r}), shard_pages={size}))"
        )
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        record = {"kind": "search-index", "html_files": pages, "shard_pages": size, "site": str(site)}
        record |= measure([sys.executable, "-c", code], env)
        record["shards"] = 1 + len(list((site / "pagefind" / "shards").glob("*")))
        save(record)
        print(json.dumps(record), flush=True)


def build(project: Path, search: bool) -> None:
    """One cold build of a prepared project (benchmarks/corpus.py) through the CLI, the whole process tree measured."""
    shutil.rmtree(project / "_site", ignore_errors=True)
    command = [sys.executable, str(REPO / "build.py"), "build", "--config", str(project / "site.yml")]
    articles = sum(1 for _ in (project / "content").rglob("*.md"))
    record = {"kind": "build-tree", "articles": articles, "search": search, "project": str(project)}
    record |= measure(command + ([] if search else ["--no-search"]), {**os.environ, "PYTHONPATH": str(REPO)})
    save(record)
    print(json.dumps(record), flush=True)


def save(record: Record) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    record.setdefault("when", time.strftime("%Y-%m-%d %H:%M:%S"))
    data.append(record)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=1))


# ------------------------------------------------------------------------------------------------------- report
def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(ours: list[Record], peer: list[Record], key: str, pair_by: str = "rep") -> str:
    """The median of per-round ratios (adjacent runs in one round), with the range."""
    ratios = []
    for record in ours:
        other = next((r for r in peer if r.get(pair_by) == record.get(pair_by)), None)
        mine, theirs = (_value(r, key) if r is not None else None for r in (record, other))
        if mine and theirs:
            ratios.append(mine / theirs)
    if not ratios:
        return "-"
    if len(ratios) == 1:
        return f"{ratios[0]:.2f}"
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def _value(record: Record, key: str) -> float | None:
    if key == "cpu_s":  # processor time of the whole tree: moves less than wall time when the machine is busy
        user, system = record.get("user_s"), record.get("sys_s")
        return None if user is None or system is None else float(user) + float(system)
    value = record.get(key)
    return None if value is None else float(value)


def _load(records: list[Record]) -> str:
    values = [float(r["loadavg_before"].split()[0]) for r in records if r.get("loadavg_before")]
    return f"{min(values):.1f}-{max(values):.1f}" if values else "-"


def _rounds(data: list[Record], n: int) -> int:
    return len({r.get("rep") for r in data if r.get("kind") == "cold" and r.get("n") == n})


def _runs(data: list[Record], kind: str, n: int, tool: str, **match: str) -> list[Record]:
    return [
        r
        for r in data
        if r.get("kind") == kind
        and r.get("n") == n
        and r.get("tool") == tool
        and r.get("rc", 0) == 0
        and all(r.get(k) == v for k, v in match.items())
    ]


def _edits(data: list[Record], n: int, tool: str) -> list[Record]:
    return [r for r in data if r.get("kind") == "serve-edit" and r.get("n") == n and r.get("tool") == tool]


def _warm_ratio(data: list[Record], n: int, ours: str, peer: str, variant: str) -> str:
    return _ratio(
        _runs(data, "warm", n, ours, variant=variant), _runs(data, "warm", n, peer, variant=variant), "wall_s"
    )


def _fmt(value: float | None, unit: str, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def tables(data: list[Record]) -> str:
    sizes = sorted({r["n"] for r in data if r.get("kind") == "cold"})
    lines = [
        "Command: "
        + "; ".join(f"`python benchmarks/peers.py run --sizes {n} --reps {_rounds(data, n)}`" for n in sizes)
        + "; then `python benchmarks/peers.py report`, on 2 cores shared with other work (the load column); the"
        " shared harness"
        " (`../shared/bench/peers/side_by_side.py`) interleaves the tools round by round, and each ratio is the"
        " median of per-round ratios (adjacent runs), range in brackets. `ours` builds the search index,"
        " `ours-nosearch` does not; the peers build none. Memory is the peak summed RSS of the whole process tree."
        " Warm runs rebuild into the existing output with the same command: ours are incremental builds from the"
        " build cache (`.cache/sitegen`, which the cold runs remove); Hugo has no incremental mode, so its warm"
        " runs are full builds; MkDocs uses `build --dirty`. Edit-to-visible: the preview server, from saving one"
        " article to the new text being served.",
        "",
    ]
    for n in sizes:
        lines += [
            f"### {n:,} articles",
            "",
            "| Tool | Cold build | Cold, CPU | Warm, no change | Warm, one change | Peak memory | Edit-to-visible "
            "| Load before cold runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for tool in TOOLS:
            cold = _runs(data, "cold", n, tool)
            if not cold:
                continue
            nochange = _runs(data, "warm", n, tool, variant="nochange")
            onechange = _runs(data, "warm", n, tool, variant="onechange")
            edits = _edits(data, n, tool)
            latency = _median([r["latency_ms"] for r in edits if r.get("latency_ms")])
            lines.append(
                f"| {tool} | {_fmt(_median([r['wall_s'] for r in cold]), ' s')} "
                f"| {_fmt(_median([v for r in cold if (v := _value(r, 'cpu_s')) is not None]), ' s', 1)} "
                f"| {_fmt(_median([r['wall_s'] for r in nochange]), ' s')} "
                f"| {_fmt(_median([r['wall_s'] for r in onechange]), ' s')} "
                f"| {_fmt(_median([r['tree_peak_rss_mb'] for r in cold]), ' MB', 0)} "
                f"| {_fmt(latency, ' ms', 0)} | {_load(cold)} |"
            )
        lines += ["", "Ratios, ours / peer (below 1: we are faster or smaller):", ""]
        lines += [
            "| Ours / peer | Cold | Cold, CPU | Warm, no change | Warm, one change | Peak memory | Edit-to-visible |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for ours in ("ours", "ours-nosearch"):
            for peer in PEERS:
                mine, theirs = _runs(data, "cold", n, ours), _runs(data, "cold", n, peer)
                if not mine or not theirs:
                    continue
                edits_mine = _edits(data, n, "ours")
                edits_peer = _edits(data, n, peer)
                lines.append(
                    f"| {ours} / {peer} | {_ratio(mine, theirs, 'wall_s')} | {_ratio(mine, theirs, 'cpu_s')} "
                    f"| {_warm_ratio(data, n, ours, peer, 'nochange')} "
                    f"| {_warm_ratio(data, n, ours, peer, 'onechange')} "
                    f"| {_ratio(mine, theirs, 'tree_peak_rss_mb')} "
                    f"| {_ratio(edits_mine, edits_peer, 'latency_ms') if ours == 'ours' else '-'} |"
                )
        lines.append("")
    index = [r for r in data if r.get("kind") == "search-index" and r.get("rc") == 0]
    if index:
        lines += [
            "### Search index alone",
            "",
            "Command: `python benchmarks/peers.py search SITE --shard-pages N` over a site built with `--no-search`"
            " (the generated corpus; the shared generator makes at most 14,016 articles, so the 30,000- and"
            " 100,000-page sites are the 10,000-article site hard-linked into 3 and 10 folders); one shard is"
            " Pagefind over the whole site, as before shards. Peak memory depends on the shard size, not on the site.",
            "",
            "| Pages | Pages per shard | Shards | Time | CPU | Peak memory (tree) | Largest process | Load before |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in sorted(index, key=lambda r: (r["html_files"], -r["shard_pages"])):
            lines.append(
                f"| {r['html_files']:,} | {r['shard_pages']:,} | {r['shards']} | {r['wall_s']:.1f} s "
                f"| {_fmt(_value(r, 'cpu_s'), ' s', 1)} | {r['tree_peak_rss_mb']:.0f} MB "
                f"| {r['time_maxrss_mb']:.0f} MB | {_load([r])} |"
            )
        lines.append("")
    builds = [r for r in data if r.get("kind") == "build-tree" and r.get("rc") == 0]
    if builds:
        lines += [
            "### Whole build with the search index",
            "",
            "Command: `python benchmarks/peers.py build PROJECT` (a project from `benchmarks/corpus.py`); times are"
            " only as good as the load column (other work shared the 2 cores), memory does not depend on it.",
            "",
            "| Articles | Search | Time | Peak memory (tree) | Largest process | Load before |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for r in sorted(builds, key=lambda r: (r["articles"], not r["search"])):
            lines.append(
                f"| {r['articles']:,} | {'yes' if r['search'] else 'no'} | {r['wall_s']:.0f} s "
                f"| {r['tree_peak_rss_mb']:.0f} MB | {r['time_maxrss_mb']:.0f} MB | {_load([r])} |"
            )
        lines.append("")
    lines.append(f"![Cold build time and peak memory against articles]({PLOT.name})")
    return "\n".join(lines)


def plot(data: list[Record]) -> None:
    matplotlib = importlib.import_module("matplotlib")  # the `bench` extra; not needed for the other commands
    matplotlib.use("Agg")
    pyplot = importlib.import_module("matplotlib.pyplot")

    figure, (left, right) = pyplot.subplots(1, 2, figsize=(11, 4.2))
    for tool in TOOLS:
        points = defaultdict(list)
        for r in data:
            if r.get("kind") == "cold" and r.get("tool") == tool and r.get("rc") == 0:
                points[r["n"]].append(r)
        if not points:
            continue
        sizes = sorted(points)
        left.plot(sizes, [statistics.median(x["wall_s"] for x in points[n]) for n in sizes], marker="o", label=tool)
        right.plot(
            sizes, [statistics.median(x["tree_peak_rss_mb"] for x in points[n]) for n in sizes], marker="o", label=tool
        )
    left.set(xlabel="articles", ylabel="cold build, seconds (median)", title="Time")
    right.set(xlabel="articles", ylabel="peak memory of the process tree, MB", title="Memory")
    for axes in (left, right):
        axes.grid(alpha=0.3)
    left.legend()
    figure.tight_layout()
    figure.savefig(PLOT, dpi=110)


def report(also: list[Path]) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from report import update_section

    data: list[Record] = json.loads(RESULTS.read_text())
    for path in also:  # runs kept apart (another PEERBENCH_RUN): only their search-index and whole-build records,
        # so side-by-side rounds from different runs are never mixed into one median
        data += [r for r in json.loads(path.read_text()) if r.get("kind") in ("search-index", "build-tree")]
    plot(data)
    update_section(SECTION, tables(data))
    print(f"wrote the '{SECTION}' section of BENCHMARKS.md and {PLOT.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--sizes", default="1000,3000")
    run_parser.add_argument("--tools", default=",".join(TOOLS))
    run_parser.add_argument("--reps", type=int, default=3)
    run_parser.add_argument("--edits", type=int, default=5)
    search_parser = commands.add_parser("search")
    search_parser.add_argument("site", type=Path)
    search_parser.add_argument("--shard-pages", type=int, action="append", required=True)
    build_parser = commands.add_parser("build")
    build_parser.add_argument("project", type=Path)
    build_parser.add_argument("--no-search", action="store_true")
    report_parser = commands.add_parser("report")
    report_parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another sbs-results.json (its search-index and whole-build records)",
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        run([int(n) for n in args.sizes.split(",")], args.tools.split(","), args.reps, args.edits)
    elif args.command == "search":
        search(args.site, args.shard_pages)
    elif args.command == "build":
        build(args.project, not args.no_search)
    else:
        report(args.also)
    return 0


if __name__ == "__main__":
    sys.exit(main())
