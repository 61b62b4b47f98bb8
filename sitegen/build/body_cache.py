"""A content-addressed cache of each article's rendered and checked body, so a full build (in CI, after a fresh
checkout) parses and checks only the articles whose bodies changed.

An entry is keyed by a digest of everything its result depends on: the body's bytes and first line, the page's
path and sources, whether it has care cards, and one digest of the generator's own code, the site's address, the
asset names and the diagram templates. It holds the body's HTML, contents, citation counts and numbers, its
problems and its fingerprint for the site-wide duplicate search: plain JSON (compressed), never code, so a cache
restored from anywhere can at worst be wrong about a page, never run anything, and a wrong one is sanitised HTML.

Entries live in `.cache/sitegen/bodies/` (safe to delete). Workers read them, and write the bodies they render
into this build's own pending folder beside them (so the main process never holds them: 400 MB at 100,000 pages);
after the build has succeeded the main process moves those in and removes the entries this build did not use.
A failed build removes its pending folder (and any folder made for it), so it changes nothing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import shutil
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import sitegen
from sitegen.check.duplicates import ArticlePrint
from sitegen.dedupe.site_index import PERMUTATIONS
from sitegen.errors import Problem, Severity
from sitegen.model import Article
from sitegen.render.markdown import DIAGRAMS, RenderedBody, TocEntry
from sitegen.render.parsed import ParsedBody

BODIES_DIR = Path(".cache") / "sitegen" / "bodies"
FORMAT = 1  # bump when what an entry holds changes shape
_ABANDONED_AFTER_S = 24 * 3600  # a pending folder this old is a killed build's
_NO_FACTS = ParsedBody((), (), (), ())  # the build's pages need the body's HTML, not its parse facts


@dataclass(frozen=True)
class CachedBody:
    rendered: RenderedBody
    problems: list[Problem]
    print: ArticlePrint


@dataclass(frozen=True)
class BodyCache:
    """Where the entries are and the digest of everything every entry depends on (set once per build)."""

    folder: Path
    digest: str
    pending: Path  # this build's new entries, until it has succeeded

    @classmethod
    def for_build(
        cls, project_root: Path, templates_dir: Path, base_path: str, assets: tuple[tuple[str, str], ...]
    ) -> BodyCache:
        whole = hashlib.sha256(f"format {FORMAT}\0{base_path}\0{assets!r}\0".encode())
        code = Path(sitegen.__file__).parent
        for path in sorted(code.rglob("*")):
            if path.suffix in (".py", ".txt") and "__pycache__" not in path.parts:
                whole.update(f"{path.relative_to(code)}\0".encode() + path.read_bytes())
        for template in sorted(DIAGRAMS.values()):
            drawing = templates_dir / template
            whole.update(drawing.read_bytes() if drawing.is_file() else b"-")
        folder = project_root / BODIES_DIR
        return cls(folder, whole.hexdigest(), folder / f".pending-{secrets.token_hex(8)}")

    def open(self) -> list[Path]:
        """Make the pending folder; returns the folders made for it, deepest first, for `discard`. One that cannot
        be made (a read-only project) is left out: the build goes on, and its bodies are rendered again next time."""
        missing: list[Path] = []
        folder = self.pending
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        try:
            self.pending.mkdir(parents=True)
        except OSError:
            return []
        return missing

    def put(self, key: str, entry: CachedBody) -> bool:
        """Keep a new entry in the pending folder (in a worker process); False if it cannot be written."""
        try:
            (self.pending / key).write_bytes(encode(entry))
        except OSError:
            return False
        return True

    def discard(self, made: list[Path]) -> None:
        """The build failed: remove its pending entries and the folders made for them."""
        shutil.rmtree(self.pending, ignore_errors=True)
        for folder in made[1:]:
            try:
                folder.rmdir()
            except OSError:
                return

    def key(self, article: Article, shown: str) -> str:
        parts = (
            self.digest,
            shown,
            str(article.body_line),
            repr([source.id for source in article.meta.sources]),
            str(article.meta.care is not None),
            article.body,
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str) -> CachedBody | None:
        try:
            data = (self.folder / key[:2] / key).read_bytes()
            return _decode(json.loads(zlib.decompress(data)))
        except (OSError, ValueError, KeyError, TypeError, zlib.error):
            return None  # missing or unreadable: render it again

    def save(self, new: set[str], used: set[str]) -> None:
        """Move the new entries in, and remove the ones this build did not use, this build's pending folder and
        any left a day ago by a build that was killed (not those of a build running beside this one). A cache that
        cannot be written is skipped: the next build renders those bodies again."""
        try:
            for key in new:
                target = self.folder / key[:2] / key
                target.parent.mkdir(exist_ok=True)
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile: rendered again next time
                    (self.pending / key).replace(target)  # an atomic rename: readers see the whole entry or none
            shutil.rmtree(self.pending, ignore_errors=True)
            for shard in self.folder.iterdir() if self.folder.is_dir() else ():
                if shard.name.startswith("."):
                    if shard.stat().st_mtime < time.time() - _ABANDONED_AFTER_S:
                        shutil.rmtree(shard, ignore_errors=True)
                    continue
                for entry in shard.iterdir():
                    if entry.name not in used and entry.name not in new:
                        entry.unlink()
        except OSError:
            return


def encode(entry: CachedBody) -> bytes:
    rendered = entry.rendered
    signatures = entry.print.signatures
    data = {
        "html": rendered.html,
        "toc": [[toc.level, toc.id, toc.title] for toc in rendered.toc],
        "citations": [list(pair) for pair in rendered.citations],
        "numbers": rendered.numbers,
        "problems": [asdict(problem) for problem in entry.problems],
        "lines": list(entry.print.lines),
        "signatures": base64.b64encode(np.ascontiguousarray(signatures, dtype="<u2").tobytes()).decode(),
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 1)


def _decode(data: dict[str, object]) -> CachedBody:
    raw = base64.b64decode(str(data["signatures"]))
    signatures = np.frombuffer(raw, dtype="<u2").astype(np.uint16).reshape(-1, PERMUTATIONS)
    lines = tuple(int(line) for line in _list(data["lines"]))
    if len(lines) != len(signatures):
        raise ValueError("the fingerprint does not match its lines")
    rendered = RenderedBody(
        html=str(data["html"]),
        toc=tuple(TocEntry(int(level), str(id_), str(title)) for level, id_, title in _list(data["toc"])),
        citations=tuple((str(source), int(count)) for source, count in _list(data["citations"])),
        numbers={str(source): int(number) for source, number in dict(data["numbers"]).items()},  # type: ignore[call-overload]
        parsed=_NO_FACTS,
    )
    problems = [_problem(fields) for fields in _list(data["problems"])]
    return CachedBody(rendered, problems, ArticlePrint(lines, signatures))


def _problem(fields: dict[str, object]) -> Problem:
    return Problem(
        path=str(fields["path"]),
        line=int(fields["line"]),  # type: ignore[call-overload]
        field=str(fields["field"]),
        message=str(fields["message"]),
        hint=str(fields["hint"]),
        severity=Severity(str(fields["severity"])),
        code=str(fields["code"]),
        column=int(fields["column"]),  # type: ignore[call-overload]
    )


def _list(value: object) -> list:  # type: ignore[type-arg]
    if not isinstance(value, list):
        raise TypeError("a list was expected")
    return value
