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
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.build.pipeline import BuildResult
from sitegen.model import Article, OutputFile
from sitegen.write.writer import write_file

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


def _read_signed(path: Path, key: bytes, signature: str) -> bytes | None:
    try:
        signed = path.read_bytes()
    except OSError:
        return None
    data = signed[32:]
    expected = hmac.digest(key, data, "sha256")
    if not hmac.compare_digest(signed[:32], expected) or not hmac.compare_digest(expected.hex(), signature):
        return None
    return data


def _write_signed(path: Path, key: bytes, value: object) -> str:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    signature = hmac.digest(key, data, "sha256")
    write_file(path.parent, OutputFile(path.name, signature + data))
    return signature.hex()
