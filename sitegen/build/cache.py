"""Incremental builds from the command line: the second `build` with nothing changed does nothing, and one with a
few pages changed updates only what those changes touch, using the preview's dependency tracking (LiveSite).

After each build the cache folder (`.cache/sitegen/` in the project, safe to delete, ignored by git) keeps:

- `inputs.json`: a digest of everything that is not tracked page by page (the generator's own code, the build
  options, the build date, site.yml, rules/, static/, the git dates), a digest of each content file and template,
  and each output file's size and modification time, so an output folder someone changed is rebuilt in full;
- `site.pickle` and `site-changes.pickle`: the loaded site and its render settings, so unchanged pages are neither
  read nor checked again (sitegen/build/site_state.py: a full build writes the first, an incremental build only
  the second);
- `search.json` (with search): which page is in which search shard, so that an incremental build indexes again only
  the shards holding the pages it rewrote, added or removed (sitegen/write/search_index.py, `index_changes`).
A pickle can run code when loaded, so the site files are signed with a key kept outside the project (in the user's
cache folder): a file committed to the repository or restored from another machine is ignored, never loaded.

Anything unexpected (no cache, another generator version, a changed setting, a moved or retired page, a changed
stylesheet or image, an output folder that is not as the last build left it) makes a full build, which is always
correct. A build that fails leaves the output as it was, so the record still describes it; one that stops half
way through writing leaves files the record does not describe, so the next build is a full one. Nothing in the
cache is changed by a build that fails.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.build.inputs import Inputs, Stamps, changed_files, read_inputs
from sitegen.errors import Problem, Severity, SiteError
from sitegen.read.project import BuildOptions, Paths

if TYPE_CHECKING:  # the build itself is imported only when something changed: a no-change build starts quickly
    from sitegen.build.pipeline import BuildResult, ProgressCallback
    from sitegen.build.site_state import Loaded, State
    from sitegen.write.search_index import Shards

CACHE_DIR = Path(".cache") / "sitegen"


@dataclass(frozen=True)
class Outcome:
    kind: str  # "full", "unchanged" or "incremental"
    pages: int
    files: int
    seconds: float
    out_dir: str
    warnings: list[Problem]
    pages_written: int = 0
    result: BuildResult | None = None  # None when nothing was built


def build(paths: Paths, options: BuildOptions, progress: ProgressCallback | None = None) -> Outcome:
    """Build the site, reusing the last build where nothing it depends on changed."""
    started = time.perf_counter()
    cache = _Cache(paths.project_root / CACHE_DIR)
    data = cache.last_record()
    inputs = read_inputs(paths, options, Stamps.from_record(data))
    record = cache.record_for(data, inputs.key, paths.out_dir)
    if record is None:
        return _full(paths, options, progress, cache, inputs)
    changed = changed_files(paths, record.inputs, inputs)
    if not changed:
        remove_leftovers_beside(paths.out_dir)
        seconds = time.perf_counter() - started
        return Outcome("unchanged", record.pages, record.files, seconds, record.out_dir, record.warnings)
    last = cache.site(record)
    if last is None:
        return _full(paths, options, progress, cache, inputs)
    return _incremental(paths, options, cache, inputs, record, last, changed, started)


def _incremental(
    paths: Paths,
    options: BuildOptions,
    cache: _Cache,
    inputs: Inputs,
    record: _Record,
    last: Loaded,
    changed: list[Path],
    started: float,
) -> Outcome:
    from sitegen.build.incremental import LiveSite
    from sitegen.write.writer import check_writable, remove_leftovers

    # As a full build would: a read-only output is refused before any change (its folders are the record's).
    check_writable(paths.out_dir, _folders_of(record.outputs))
    remove_leftovers(paths.out_dir)  # staging folders of a build that was killed
    live = LiveSite.resume(paths, options, last.result)
    update = live.apply(changed)
    assert live.result is not None
    if update.full:
        cache.save(inputs, live.result, paths.out_dir, _shards(paths, options))
        return _outcome("full", live.result, live.result.files)
    shards = _index_changes(paths, cache, record) if options.search else None
    # Warnings about the changed files are the last build's no longer; near-duplicates across pages are found
    # again by the next full build and by `check`.
    edited = {paths.shown(path) for path in changed}
    kept = [warning for warning in record.warnings if warning.path not in edited]
    result = replace(live.result, seconds=time.perf_counter() - started, warnings=kept)
    # Without search only the files this build wrote or removed differ from the record (any it missed would make
    # the next build a full one); the search index rewrites shards, so that output is listed again.
    outputs = None if options.search else _outputs_after(record.outputs, paths.out_dir, live.touched)
    cache.save(inputs, result, paths.out_dir, shards, last, outputs)
    return _outcome("incremental", result, update.pages)


def _full(
    paths: Paths, options: BuildOptions, progress: ProgressCallback | None, cache: _Cache, inputs: Inputs
) -> Outcome:
    from sitegen.build.pipeline import build_site

    result = build_site(paths, options, progress, history=inputs.history)
    cache.save(inputs, result, paths.out_dir, _shards(paths, options))
    return _outcome("full", result, result.files)


def _outcome(kind: str, result: BuildResult, written: int) -> Outcome:
    return Outcome(kind, result.pages, result.files, result.seconds, result.out_dir, result.warnings, written, result)


def remove_leftovers_beside(out_dir: Path) -> None:
    """A killed build's staging folders (cheap to look for: a glob beside the output)."""
    if any(out_dir.parent.glob(f".{out_dir.name}.staging-*")):
        from sitegen.write.writer import remove_leftovers

        remove_leftovers(out_dir)


def _shards(paths: Paths, options: BuildOptions) -> Shards | None:
    """Which page a full build put in which search shard (the same deal as index_site's, from the same pages)."""
    from sitegen.write.search_index import plan_shards, shard_size

    return plan_shards(paths.out_dir, shard_size()) if options.search else None


def _index_changes(paths: Paths, cache: _Cache, record: _Record) -> Shards:
    """Index again the search shards holding the pages this build wrote, added or removed."""
    from sitegen.write.search_index import SEARCH_BUNDLE_DIR, SYNONYMS_FILE, index_changes

    now = _outputs(paths.out_dir)
    changed = [
        name
        for name in sorted(record.outputs.keys() | now.keys())
        if name.endswith(".html")
        and not name.startswith(SEARCH_BUNDLE_DIR + "/")
        and not any(part.startswith(".") for part in name.split("/"))
        and record.outputs.get(name) != now.get(name)
    ]
    synonyms = paths.project_root / SYNONYMS_FILE
    shards = index_changes(paths.out_dir, cache.shards(), changed, synonyms, paths.shown(synonyms))
    if isinstance(shards, Problem):
        raise SiteError([shards])
    return shards


@dataclass(frozen=True)
class _Record:
    inputs: Inputs
    pages: int
    files: int
    out_dir: str
    warnings: list[Problem]
    outputs: dict[str, list[int]]  # each output file's size and modification time after that build
    state: State  # the signatures of the site files it left (sitegen/build/site_state.py)


class _Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.record = folder / "inputs.json"
        self.shards_file = folder / "search.json"

    def last_record(self) -> dict[str, Any]:
        try:
            data = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def record_for(self, data: dict[str, Any], key: str, out_dir: Path) -> _Record | None:
        """The last build's record, if it was made from the same settings and the output is as it left it."""
        try:
            if data.get("key") != key or data.get("outputs") != _outputs(out_dir):
                return None
            warnings = [Problem(**dict(w, severity=Severity(w["severity"]))) for w in data["warnings"]]
            inputs = Inputs(key, data["content"], data["templates"])
            outputs, (base, changes) = data["outputs"], data["state"]
            pages, files, out = int(data["pages"]), int(data["files"]), str(data["out_dir"])
            return _Record(inputs, pages, files, out, warnings, outputs, (str(base), str(changes)))
        except (ValueError, KeyError, TypeError):
            return None

    def site(self, record: _Record) -> Loaded | None:
        """The site the recorded build left, if its files are the ones it wrote and were signed here."""
        from sitegen.build import site_state

        secret = _secret()
        return None if secret is None else site_state.load(self.folder, secret, record.state)

    def shards(self) -> Shards | None:
        """Which page the last build put in which search shard, if it kept that."""
        from sitegen.write.search_index import Shards

        try:
            return Shards.from_json(json.loads(self.shards_file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def save(
        self,
        inputs: Inputs,
        result: BuildResult,
        out_dir: Path,
        shards: Shards | None,
        last: Loaded | None = None,
        outputs: dict[str, list[int]] | None = None,
    ) -> None:
        """Record this build; `last` is the site an incremental build started from (only the changes are written),
        `outputs` the output files' sizes and times when the caller knows them (else the output folder is listed).
        A cache that cannot be written (a full disk, a read-only folder) is skipped: the next build is a full one."""
        from sitegen.write.writer import OutputError

        secret = _secret()
        if secret is None:
            return
        try:
            self._save(secret, inputs, result, out_dir, shards, last, outputs)
        except (OSError, OutputError):
            return

    def _save(
        self,
        secret: bytes,
        inputs: Inputs,
        result: BuildResult,
        out_dir: Path,
        shards: Shards | None,
        last: Loaded | None,
        outputs: dict[str, list[int]] | None,
    ) -> None:
        from sitegen.build import site_state
        from sitegen.model import OutputFile
        from sitegen.write.writer import write_file

        self.folder.mkdir(parents=True, exist_ok=True)
        self.record.unlink(missing_ok=True)  # until the new one is written, no build trusts these files
        self.shards_file.unlink(missing_ok=True)
        if shards is not None:
            write_file(self.folder, OutputFile(self.shards_file.name, json.dumps(shards.to_json()).encode()))
        if last is None:
            state = site_state.save_full(self.folder, secret, result)
        else:
            state = site_state.save_changes(self.folder, secret, result, last)
        record = {
            "key": inputs.key,
            "content": inputs.content,
            "templates": inputs.templates,
            "pages": result.pages,
            "files": result.files,
            "out_dir": result.out_dir,
            "warnings": [asdict(warning) for warning in result.warnings],
            "outputs": _outputs(out_dir) if outputs is None else outputs,
            "state": state,
            "stamps": inputs.stamps.seen if inputs.stamps else {},
            "read_ns": inputs.stamps.read_ns if inputs.stamps else 0,
        }
        write_file(self.folder, OutputFile(self.record.name, json.dumps(record).encode()))


def _outputs(out_dir: Path) -> dict[str, list[int]]:
    """Every output file's size and modification time: an output folder changed by anyone else is rebuilt."""
    found: dict[str, list[int]] = {}
    _scan(str(out_dir), "", found)
    return found


def _outputs_after(before: dict[str, list[int]], out_dir: Path, touched: set[str]) -> dict[str, list[int]]:
    """The record's list of output files, updated for the files an incremental build wrote or removed."""
    outputs = dict(before)
    for name in touched:
        try:
            stat = (out_dir / name).stat()
        except FileNotFoundError:
            outputs.pop(name, None)
        else:
            outputs[name] = [stat.st_size, stat.st_mtime_ns]
    return outputs


def _folders_of(outputs: dict[str, list[int]]) -> set[str]:
    """The folders holding these output files and every folder above them ("" for the output folder)."""
    folders = {""}
    for name in outputs:
        folder = name.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _scan(folder: str, prefix: str, found: dict[str, list[int]]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, f"{prefix}{entry.name}/", found)
        else:
            stat = entry.stat(follow_symlinks=False)
            found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]


def _secret() -> bytes | None:
    """This machine's key for signing the cached site, kept in the user's cache folder, outside any project."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitegen"
    key_file = home / "build-state.key"
    try:
        return key_file.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(os.urandom(32))
        return key_file.read_bytes()
    except FileExistsError:
        return key_file.read_bytes()
    except OSError:
        return None
