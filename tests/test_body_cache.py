"""The content-addressed body cache (sitegen/build/body_cache.py): a full build that reuses the bodies an earlier
build rendered and checked writes exactly the bytes of a build without the cache, after each kind of edit; an
entry is used only for the body it was made from; a damaged entry is rendered again; a failed build changes no
entry. All through the real CLI on the sample site."""

from __future__ import annotations

import json
import os
import shutil
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sample_site import clean_env, make_project, run_build

BODIES = Path(".cache") / "sitegen" / "bodies"
Edit = Callable[[Path], None]


def build(site: Path, tmp_path: Path, *args: str) -> None:
    result = run_build(site, "--no-search", "--full", *args, env=clean_env(XDG_CACHE_HOME=str(tmp_path / "key")))
    assert result.returncode == 0, result.stdout + result.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(site: Path) -> dict[str, bytes]:
    return tree(site / BODIES)


def replace_in(relative: str, old: str, new: str) -> Edit:
    def edit(site: Path) -> None:
        path = site / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def without_cache(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build of the same files writes with no cache at all."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".cache", "_site"))
    build(fresh, tmp_path)
    return tree(fresh / "_site")


EDITS: dict[str, Edit] = {
    "the text of one page": replace_in("content/numb-hands.md", "## ", "## Also\n\nA new line of plain text.\n\n## "),
    "the order of source markers": replace_in(
        "content/neck-pain.md",
        "common.[^b] Most neck pain gets better by itself.[^a]",
        "common.[^a] It gets better.[^b]",
    ),
    "a page's title": replace_in("content/neck-pain.md", "title: Neck pain", "title: Pain in the neck"),
    "the article template": replace_in("templates/article.html", "{% block", "{# edited #}{% block"),
    "the site's address": replace_in("site.yml", "https://health.example/", "https://example.org/sub/"),
    "a diagram's drawing": replace_in(
        "templates/partials/hand-map.html",
        "<",
        "<!-- edited --><",
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_a_build_from_the_cache_equals_a_build_without_it(tmp_path: Path, kind: str) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    assert entries(site), "the first build fills the cache"
    EDITS[kind](site)
    build(site, tmp_path)
    assert tree(site / "_site") == without_cache(site, tmp_path)


def _poison(site: Path, word: str) -> str:
    """Change the HTML of the cached body that holds `word`; returns the word put in its place."""
    for path in (site / BODIES).rglob("*"):
        if path.is_file():
            data = json.loads(zlib.decompress(path.read_bytes()))
            if word in data["html"]:
                data["html"] = data["html"].replace(word, "CACHED-COPY")
                path.write_bytes(zlib.compress(json.dumps(data).encode()))
                return "CACHED-COPY"
    raise AssertionError(f"no cached body holds {word!r}")


def test_unchanged_bodies_come_from_the_cache_and_an_edited_one_does_not(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    count = len(entries(site))
    marker = _poison(site, "Neck pain is common")
    build(site, tmp_path)
    assert marker in (site / "_site" / "neck-pain" / "index.html").read_text(encoding="utf-8")
    replace_in("content/neck-pain.md", "Most neck pain", "Most pain in the neck")(site)
    build(site, tmp_path)
    page = (site / "_site" / "neck-pain" / "index.html").read_text(encoding="utf-8")
    assert marker not in page and "Neck pain is common" in page
    assert len(entries(site)) == count, "the edited body's old entry is removed"


def test_a_damaged_entry_is_rendered_again(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    for number, path in enumerate(sorted((site / BODIES).rglob("*"))):
        if path.is_file():
            path.write_bytes([b"", b"not zlib", zlib.compress(b"{}"), zlib.compress(b"[1, 2]")][number % 4])
    build(site, tmp_path)
    assert tree(site / "_site") == without_cache(site, tmp_path)


def test_a_failed_build_changes_no_entry(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    before = entries(site)
    replace_in("content/numb-hands.md", "## ", "## Also\n\nA new line [^no-such-source].\n\n## ")(site)
    replace_in("content/neck-pain.md", "Neck pain is common", "Neck pain is very common")(site)
    result = run_build(site, "--no-search", "--full", env=clean_env(XDG_CACHE_HOME=str(tmp_path / "key")))
    assert result.returncode == 1 and "[^no-such-source]" in result.stdout + result.stderr
    assert entries(site) == before


def test_a_failed_first_build_leaves_no_cache_folder(tmp_path: Path) -> None:
    """New entries wait in a pending folder made for this build; a build that fails removes it and the folders
    made to hold it."""
    site = make_project(tmp_path / "site")
    replace_in("content/numb-hands.md", "## ", "## Also\n\nA new line [^no-such-source].\n\n## ")(site)
    result = run_build(site, "--no-search", "--full", env=clean_env(XDG_CACHE_HOME=str(tmp_path / "key")))
    assert result.returncode == 1
    assert not (site / ".cache").exists()


def test_a_killed_build_s_pending_entries_are_removed_later_and_a_running_one_s_are_not(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    killed, running = site / BODIES / ".pending-killed", site / BODIES / ".pending-running"
    for folder in (killed, running):
        folder.mkdir()
        (folder / ("0" * 64)).write_bytes(b"half-made")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(killed, (two_days_ago, two_days_ago))
    build(site, tmp_path)
    assert not killed.exists()
    assert running.is_dir()
    assert not [path for path in (site / BODIES).iterdir() if path.name.startswith(".") and path != running]
