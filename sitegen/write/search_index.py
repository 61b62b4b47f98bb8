"""The site's search index, written by Pagefind (a Rust binary shipped in the `pagefind-bin` wheel) into
the staging folder, so search works offline and under the CSP: no server and no other origin.

Beside it goes `synonyms.json`, from `rules/search-synonyms.yml`: readers' words that should also find the words
our pages use (paresthesia, paraesthesia), and the pages offered when nothing is found. The search page reads it.

Pagefind holds every page it indexes in memory until it writes the index (about 0.3 MB per page, 3 GB for 10,000
pages), so a large site is indexed in shards: one Pagefind run per `shard_pages` searchable pages, each writing its
own bundle (the first at `pagefind/`, the others at `pagefind/shards/<n>/`), which the search page merges in the
browser with Pagefind's `mergeIndex`. Peak memory then depends on the shard size, not on the size of the site.
A site with no more searchable pages than one shard is indexed exactly as before: one run over the whole folder.
The shard size is SHARD_PAGES unless the environment sets SITEGEN_SEARCH_SHARD_PAGES (tests use tiny shards).

After an incremental build (sitegen/build/cache.py) only the shards holding the pages that changed are indexed
again (`index_changes`): the cache keeps which page went to which shard (`Shards`), a new page joins the smallest
shard, and every other shard's files are left as they are. A change that would alter the number of shards, empty
a shard, or that concerns a site where no page is marked, indexes the whole site again, as a full build does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitegen.errors import Problem
from sitegen.model import OutputFile
from sitegen.read.project import SHARD_PAGES_SETTING
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


@dataclass(frozen=True)
class Shards:
    """Which searchable page went into which shard (the first is the bundle at `pagefind/`); `marked` is False
    when no page is marked `data-pagefind-body` and so every page was indexed."""

    pages: list[list[str]]
    marked: bool = True

    def to_json(self) -> dict[str, object]:
        return {"pages": self.pages, "marked": self.marked}

    @classmethod
    def from_json(cls, data: object) -> Shards | None:
        if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
            return None
        pages = data["pages"]
        if not all(isinstance(shard, list) and all(isinstance(page, str) for page in shard) for shard in pages):
            return None
        return cls([list(shard) for shard in pages], bool(data.get("marked", True)))


def shard_size() -> int:
    """Searchable pages per Pagefind run: SHARD_PAGES, or the SITEGEN_SEARCH_SHARD_PAGES setting."""
    value = os.environ.get(SHARD_PAGES_SETTING, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else SHARD_PAGES


def index_site(
    site_dir: Path, synonyms_file: Path | None = None, shown: str = SYNONYMS_FILE, shard_pages: int | None = None
) -> Problem | None:
    """Index every page marked `data-pagefind-body` in `site_dir`, `shard_pages` pages per Pagefind run; a Problem
    if Pagefind is missing or fails, or if the synonyms file has a mistake."""
    indexed = index_all(site_dir, synonyms_file, shown, shard_pages)
    return indexed if isinstance(indexed, Problem) else None


def index_all(
    site_dir: Path, synonyms_file: Path | None = None, shown: str = SYNONYMS_FILE, shard_pages: int | None = None
) -> Shards | Problem:
    """index_site, returning which page went into which shard."""
    search_data: dict[str, object] = {"synonyms": [], "suggestions": []}
    if synonyms_file is not None and synonyms_file.is_file():
        read = read_synonyms(synonyms_file, shown)
        if isinstance(read, Problem):
            return read
        search_data = read
    binary = pagefind_binary()
    if binary is None:
        return _missing()
    shards = plan_shards(site_dir, shard_pages or shard_size())
    bundle = site_dir / SEARCH_BUNDLE_DIR
    problem = (
        _run_pagefind(binary, site_dir, bundle) if len(shards.pages) == 1 else _index_shards(binary, site_dir, shards)
    )
    if problem is not None:
        return problem
    search_data["shards"] = [f"{SHARDS_DIR}/{number}/" for number in range(1, len(shards.pages))]
    data = json.dumps(search_data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    write_file(site_dir, OutputFile(f"{SEARCH_BUNDLE_DIR}/{SYNONYMS_JSON}", data))
    return shards


def plan_shards(site_dir: Path, shard_pages: int) -> Shards:
    """The searchable pages dealt into ceil(pages / shard_pages) shards. Round-robin, not in runs of neighbours, so
    that each shard has a mix of the site's pages and ranks them with word statistics close to the whole site's
    (each shard scores its own pages)."""
    every = sorted(path.relative_to(site_dir).as_posix() for path in _html_files(site_dir))
    marked = [page for page in every if _BODY_MARK in (site_dir / page).read_bytes()]
    pages = marked or every
    count = max(1, -(-len(pages) // max(1, shard_pages)))
    return Shards([pages[number::count] for number in range(count)], bool(marked))


def index_changes(
    site_dir: Path,
    shards: Shards | None,
    changed: Iterable[str],
    synonyms_file: Path | None = None,
    shown: str = SYNONYMS_FILE,
    shard_pages: int | None = None,
) -> Shards | Problem:
    """Index again only the shards holding the `changed` pages (paths relative to `site_dir`: edited, added or
    removed), given the last index's `shards`; the whole site when that cannot give what a full index would."""
    size = shard_pages or shard_size()
    updated = None if shards is None else _updated_shards(site_dir, shards, changed, size)
    if updated is None:
        shutil.rmtree(site_dir / SEARCH_BUNDLE_DIR, ignore_errors=True)
        return index_all(site_dir, synonyms_file, shown, size)
    plan, affected = updated
    binary = pagefind_binary()
    if binary is None:
        return _missing()
    for number in sorted(affected):
        problem = _index_shard(binary, site_dir, plan.pages[number], _bundle(site_dir, number), replace=True)
        if problem is not None:
            return problem
    return plan


def _updated_shards(
    site_dir: Path, shards: Shards, changed: Iterable[str], size: int
) -> tuple[Shards, set[int]] | None:
    """The shards after the changes and the numbers of those that changed; None when the whole site must be indexed
    again (no bundle, no marked pages, a shard left empty, or another number of shards than a full index makes)."""
    if not shards.marked or not (site_dir / SEARCH_BUNDLE_DIR).is_dir():
        return None
    pages = [list(shard) for shard in shards.pages]
    where = {page: number for number, shard in enumerate(pages) for page in shard}
    affected: set[int] = set()
    for page in sorted(set(changed)):
        path = site_dir / page
        searchable = path.is_file() and _BODY_MARK in path.read_bytes()
        number = where.get(page)
        if number is not None:
            affected.add(number)
            if not searchable:
                pages[number].remove(page)
        elif searchable:
            number = min(range(len(pages)), key=lambda shard: (len(pages[shard]), shard))
            pages[number] = sorted([*pages[number], page])
            where[page] = number
            affected.add(number)
    total = sum(len(shard) for shard in pages)
    if not all(pages) or max(1, -(-total // max(1, size))) != len(pages):
        return None
    return Shards(pages, marked=True), affected


def _missing() -> Problem:
    return Problem(
        "pagefind", 0, "", "is not installed", "run `pip install -e .` (it needs pagefind-bin), or use --no-search"
    )


def searchable_pages(site_dir: Path) -> list[str]:
    """The pages Pagefind would index, as sorted paths relative to `site_dir`: those marked `data-pagefind-body`,
    or every page when none is marked (Pagefind's own rule)."""
    return sorted(page for shard in plan_shards(site_dir, 1 << 62).pages for page in shard)


def _html_files(site_dir: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(site_dir):
        dirnames[:] = [name for name in dirnames if not name.startswith(".") and name != SEARCH_BUNDLE_DIR]
        for name in filenames:
            if name.endswith(".html"):
                yield Path(folder) / name


def _bundle(site_dir: Path, number: int) -> Path:
    """Where shard `number`'s bundle goes: the first where an unsharded one would."""
    bundle = site_dir / SEARCH_BUNDLE_DIR
    return bundle / SHARDS_DIR / str(number) if number else bundle


def _index_shards(binary: Path, site_dir: Path, shards: Shards) -> Problem | None:
    for number, pages in enumerate(shards.pages):
        problem = _index_shard(binary, site_dir, pages, _bundle(site_dir, number))
        if problem is not None:
            return problem
    return None


def _index_shard(binary: Path, site_dir: Path, pages: list[str], output: Path, replace: bool = False) -> Problem | None:
    """One Pagefind run over a hidden folder of hard links to the shard's pages (at the same paths, so the addresses
    in the index are the pages' own). With `replace`, the bundle is written beside `output` first and then put in
    place of the old one (Pagefind adds to a folder and would leave the old bundle's files in it)."""
    tree = Path(tempfile.mkdtemp(prefix=".search-shard-", dir=site_dir))
    written = tree.with_name(tree.name + "-bundle") if replace else output
    try:
        for page in pages:
            _link(site_dir / page, tree / page)
        problem = _run_pagefind(binary, tree, written)
        if problem is None and replace:
            _put_in_place(written, output)
        return problem
    finally:
        shutil.rmtree(tree, ignore_errors=True)
        if replace:
            shutil.rmtree(written, ignore_errors=True)


def _put_in_place(new: Path, bundle: Path) -> None:
    """Make the bundle's own files those of `new`: a file with the same bytes is left as it is (its time too), the
    others are moved in and the old bundle's other files removed. The other shards' bundles and the search data
    inside the first one (`shards/`, `synonyms.json`) are kept."""
    kept = {SHARDS_DIR, SYNONYMS_JSON} if bundle.name == SEARCH_BUNDLE_DIR else set()
    fresh = {path.relative_to(new).as_posix(): path for path in new.rglob("*") if path.is_file()}
    for path in sorted(bundle.rglob("*"), reverse=True) if bundle.is_dir() else []:
        relative = path.relative_to(bundle)
        if relative.parts[0] in kept:
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative.as_posix() not in fresh:
            path.unlink()
    for name, source in sorted(fresh.items()):
        target = bundle / name
        if target.is_file() and target.read_bytes() == source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)


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
