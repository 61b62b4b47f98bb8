"""The site's search index, written by Pagefind (a Rust binary shipped in the `pagefind-bin` wheel) into
the staging folder, so search works offline and under the CSP: no server and no other origin.

Beside it goes `synonyms.json`, from `rules/search-synonyms.yml`: readers' words that should also find the words
our pages use (paresthesia, paraesthesia), and the pages offered when nothing is found. The search page reads it.

Pagefind holds every page it indexes in memory until it writes the index (about 0.3 MB per page, 3 GB for 10,000
pages), so a large site is indexed in shards: one Pagefind run per `shard_pages` searchable pages, each writing its
own bundle (the first at `pagefind/`, the others at `pagefind/shards/<n>/`), which the search page merges in the
browser with Pagefind's `mergeIndex`. Peak memory then depends on the shard size, not on the size of the site.
A site with no more searchable pages than one shard is indexed exactly as before: one run over the whole folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from sitegen.errors import Problem
from sitegen.model import OutputFile
from sitegen.write.writer import write_file

SEARCH_BUNDLE_DIR = "pagefind"
SYNONYMS_FILE = "rules/search-synonyms.yml"
SYNONYMS_JSON = "synonyms.json"
SHARDS_DIR = "shards"
# Searchable pages per Pagefind run: about 300 MB of Pagefind's memory, and one more bundle for the browser to merge
# per 1,000 pages.
SHARD_PAGES = 1_000
_BODY_MARK = b"data-pagefind-body"
_PHRASE = re.compile(r"[a-z0-9][a-z0-9' -]*")
_PATH = re.compile(r"/(?:[a-z0-9-]+/)*")


def pagefind_binary() -> Path | None:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def index_site(
    site_dir: Path, synonyms_file: Path | None = None, shown: str = SYNONYMS_FILE, shard_pages: int = SHARD_PAGES
) -> Problem | None:
    """Index every page marked `data-pagefind-body` in `site_dir`, `shard_pages` pages per Pagefind run; a Problem
    if Pagefind is missing or fails, or if the synonyms file has a mistake."""
    search_data: dict[str, object] = {"synonyms": [], "suggestions": []}
    if synonyms_file is not None and synonyms_file.is_file():
        read = read_synonyms(synonyms_file, shown)
        if isinstance(read, Problem):
            return read
        search_data = read
    binary = pagefind_binary()
    if binary is None:
        return Problem(
            "pagefind", 0, "", "is not installed", "run `pip install -e .` (it needs pagefind-bin), or use --no-search"
        )
    pages = searchable_pages(site_dir)
    bundle = site_dir / SEARCH_BUNDLE_DIR
    count = max(1, -(-len(pages) // max(1, shard_pages)))
    # Dealt round-robin, not in runs of neighbours, so that each shard has a mix of the site's pages and ranks them
    # with word statistics close to the whole site's (each shard scores its own pages).
    shards = [pages[number::count] for number in range(count)]
    problem = _run_pagefind(binary, site_dir, bundle) if count == 1 else _index_shards(binary, site_dir, shards)
    if problem is not None:
        return problem
    search_data["shards"] = [f"{SHARDS_DIR}/{number}/" for number in range(1, len(shards))]
    data = json.dumps(search_data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    write_file(site_dir, OutputFile(f"{SEARCH_BUNDLE_DIR}/{SYNONYMS_JSON}", data))
    return None


def searchable_pages(site_dir: Path) -> list[str]:
    """The pages Pagefind would index, as sorted paths relative to `site_dir`: those marked `data-pagefind-body`,
    or every page when none is marked (Pagefind's own rule)."""
    every = sorted(path.relative_to(site_dir).as_posix() for path in _html_files(site_dir))
    marked = [page for page in every if _BODY_MARK in (site_dir / page).read_bytes()]
    return marked or every


def _html_files(site_dir: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = [name for name in dirnames if not name.startswith(".") and name != SEARCH_BUNDLE_DIR]
        for name in filenames:
            if name.endswith(".html"):
                yield Path(folder) / name


def _index_shards(binary: Path, site_dir: Path, shards: list[list[str]]) -> Problem | None:
    """One Pagefind run per shard, over a hidden folder of hard links to the shard's pages (at the same paths, so
    the addresses in the index are the pages' own); the first bundle goes where an unsharded one would."""
    for number, pages in enumerate(shards):
        output = site_dir / SEARCH_BUNDLE_DIR
        if number:
            output = output / SHARDS_DIR / str(number)
        tree = Path(tempfile.mkdtemp(prefix=".search-shard-", dir=site_dir))
        try:
            for page in pages:
                _link(site_dir / page, tree / page)
            problem = _run_pagefind(binary, tree, output)
        finally:
            shutil.rmtree(tree, ignore_errors=True)
        if problem is not None:
            return problem
    return None


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.hardlink_to(source)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _run_pagefind(binary: Path, site_dir: Path, output: Path) -> Problem | None:
    result = subprocess.run(
        [str(binary), "--site", str(site_dir), "--output-path", str(output), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        return Problem("pagefind", 0, "", f"could not build the search index ({detail})", "run the build again")
    return None


def read_synonyms(path: Path, shown: str) -> dict[str, object] | Problem:
    """`rules/search-synonyms.yml` as the search page's data, or the first mistake in it with its line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        return _problem(shown, line, f"cannot be read ({exc.problem})", "compare the line with the entries around it")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return _problem(shown, 0, f"cannot be read ({type(exc).__name__})", "save it as UTF-8 YAML")
    lines = _entry_lines(path)
    if not isinstance(data, dict) or set(data) - {"synonyms", "suggestions"}:
        return _problem(shown, 1, "must have only `synonyms:` and `suggestions:`", "compare it with the example")
    groups = _read_groups(data.get("synonyms") or [], lines["synonyms"], shown)
    if isinstance(groups, Problem):
        return groups
    suggestions = _read_suggestions(data.get("suggestions") or [], lines["suggestions"], shown)
    if isinstance(suggestions, Problem):
        return suggestions
    return {"synonyms": groups, "suggestions": suggestions}


def _read_groups(entries: list[object], lines: list[int], shown: str) -> list[list[str]] | Problem:
    """The `synonyms:` groups, lower-cased, or the first entry that is not a list of plain words."""
    groups: list[list[str]] = []
    for index, group in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        if not isinstance(group, list) or len(group) < 2:
            return _problem(shown, line, "a synonym entry must list two or more words", "write [word, other word]")
        words = [str(word).strip().lower() for word in group]
        bad = next((word for word in words if not _PHRASE.fullmatch(word)), None)
        if bad is not None:
            return _problem(shown, line, f"'{bad}' is not a plain word or phrase", "use letters, digits and spaces")
        groups.append(words)
    return groups


def _read_suggestions(entries: list[object], lines: list[int], shown: str) -> list[dict[str, str]] | Problem:
    """The `suggestions:` entries, or the first one without a title and an address on this site."""
    suggestions: list[dict[str, str]] = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        if not isinstance(entry, dict) or set(entry) != {"title", "path"}:
            return _problem(shown, line, "a suggestion needs `title` and `path`", "write {title: ..., path: /page/}")
        if not _PATH.fullmatch(str(entry["path"])):
            return _problem(
                shown, line, f"'{entry['path']}' is not an address on this site", "write it like /numbness-in-hands/"
            )
        suggestions.append({"title": str(entry["title"]), "path": str(entry["path"])})
    return suggestions


def _entry_lines(path: Path) -> dict[str, list[int]]:
    """The line of each list entry under `synonyms:` and `suggestions:` (for messages)."""
    found: dict[str, list[int]] = {"synonyms": [], "suggestions": []}
    section = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"^[a-z_]+:", line):
            section = line.split(":", 1)[0]
        elif section in found and re.match(r"^\s+- ", line):
            found[section].append(number)
    return found


def _problem(shown: str, line: int, message: str, hint: str) -> Problem:
    return Problem(shown, line, "", message, hint, code="SITE001")
