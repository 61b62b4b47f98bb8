"""The last build's loaded site, kept between command-line builds so an incremental build neither reads nor checks
unchanged pages again.

Pickling 10,000 articles takes about half a second each way, so an incremental build does not write them all
again: a full build writes the whole site (`site.pickle`); each incremental build after it writes only its own
settings and every article that differs from that base (`site-changes.pickle`, usually a handful). A pickle can
run code when loaded, so both files are signed with a key kept outside the project: a file from anywhere else is
never loaded. The build's record names the signatures of the two files it was made with, so a base and changes
from different builds (or a build stopped between writing them) are never combined: the next build is a full one.
"""

from __future__ import annotations

import hmac
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.build.pipeline import BuildResult
from sitegen.model import Article

BASE_FILE = "site.pickle"
CHANGES_FILE = "site-changes.pickle"
State = tuple[str, str]  # the signatures of the base and of the changes ("" for none), as the record keeps them


@dataclass(frozen=True)
class Loaded:
    result: BuildResult
    base: dict[str, Article]  # the base's articles by source path: what the changes are counted from
    base_signature: str


@dataclass(frozen=True)
class _Changes:
    result: BuildResult  # with no articles: they are `order` and `articles` with the base's
    order: tuple[str, ...]  # every article's source path, in the site's order
    articles: dict[str, Article]  # those not in the base, or not the base's


def load(folder: Path, key: bytes, state: State) -> Loaded | None:
    """The site the recorded build left, or None when its files are missing, not signed here, or not the ones the
    record names."""
    base = _read_signed(folder / BASE_FILE, key, state[0])
    if base is None:
        return None
    result = pickle.loads(base)  # signed by this machine's key: written by a build here, not by anyone else
    if not isinstance(result, BuildResult):
        return None
    articles = {article.source_path: article for article in result.site.articles}
    if state[1]:
        data = _read_signed(folder / CHANGES_FILE, key, state[1])
        changes = pickle.loads(data) if data is not None else None  # signed, as above
        if not isinstance(changes, _Changes):
            return None
        merged = articles | changes.articles
        site = replace(changes.result.site, articles=tuple(merged[path] for path in changes.order))
        return Loaded(replace(changes.result, site=site), articles, state[0])
    return Loaded(result, articles, state[0])


def save_full(folder: Path, key: bytes, result: BuildResult) -> State:
    (folder / CHANGES_FILE).unlink(missing_ok=True)
    return _write_signed(folder / BASE_FILE, key, result), ""


def save_changes(folder: Path, key: bytes, result: BuildResult, last: Loaded) -> State:
    """After an incremental build: the articles that differ from the base (unchanged ones are the same objects)."""
    site = result.site
    articles = {a.source_path: a for a in site.articles if last.base.get(a.source_path) is not a}
    bare = replace(result, site=replace(site, articles=()))
    changes = _Changes(bare, tuple(article.source_path for article in site.articles), articles)
    return last.base_signature, _write_signed(folder / CHANGES_FILE, key, changes)


def _read_signed(path: Path, key: bytes, signature: str) -> memoryview | None:
    try:
        signed = memoryview(path.read_bytes())  # slices of a view are not copies: 660 MB at 100,000 articles
    except OSError:
        return None
    data = signed[32:]
    expected = hmac.digest(key, data, "sha256")
    if not hmac.compare_digest(signed[:32], expected) or not hmac.compare_digest(expected.hex(), signature):
        return None
    return data


def _write_signed(path: Path, key: bytes, value: object) -> str:
    """Pickle `value` straight into the file (never as one bytes object in memory), then sign what was written:
    the signature goes into the 32 bytes kept for it at the start. Written beside the file, then renamed over it."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("w+b") as file:
            file.write(bytes(32))
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(32)
            mac = hmac.new(key, digestmod="sha256")
            while chunk := file.read(1 << 20):
                mac.update(chunk)
            signature = mac.digest()
            file.seek(0)
            file.write(signature)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return signature.hex()
