"""Incremental builds from the command line: after each kind of edit, the second build (which reuses the first)
writes exactly the bytes a full build of the same files writes; nothing changed means nothing done; the cache is
never trusted when it could be wrong (an output folder changed by hand, a cache file from elsewhere)."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.build.inputs import RACY_NS, Stamps, read_inputs
from sitegen.read.project import BuildOptions, Paths
from tests.sample_site import REPO, clean_env, make_project, run_build

Edit = Callable[[Path], None]


def env(tmp_path: Path) -> dict[str, str]:
    """The real CLI with its signing key in a folder of this test's own."""
    return clean_env(XDG_CACHE_HOME=str(tmp_path / "user-cache"))


def build(site: Path, tmp_path: Path, *args: str) -> str:
    result = run_build(site, "--no-search", *args, env=env(tmp_path))
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def replace_in(relative: str, old: str, new: str) -> Edit:
    def edit(site: Path) -> None:
        path = site / relative
        text = path.read_text()
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1))

    return edit


def add_page(site: Path, name: str = "neck-pain-2.md") -> None:
    text = (site / "content" / "neck-pain.md").read_text()
    (site / "content" / name).parent.mkdir(parents=True, exist_ok=True)
    (site / "content" / name).write_text(text.replace("title: Neck pain", "title: Neck pain again", 1))


def remove_page(site: Path) -> None:
    (site / "content" / "guides" / "draft-page.md").unlink()


EDITS: dict[str, tuple[Edit, str]] = {
    "text of one page": (
        replace_in("content/numb-hands.md", "## ", "## Also\n\nA new line of plain text.\n\n## "),
        "Updated",
    ),
    "title of a page": (replace_in("content/neck-pain.md", "title: Neck pain", "title: Pain in the neck"), "Updated"),
    "a page added": (add_page, "Updated"),
    "a draft removed": (remove_page, "Updated"),
    "a site page template": (replace_in("templates/home.html", "{% block", "{# edited #}{% block"), "Updated"),
    "the article template": (replace_in("templates/article.html", "{% block", "{# edited #}{% block"), "Built"),
    "a stylesheet": (
        replace_in(
            "static/css/site.css",
            "{",
            "{ /* edited */",
        ),
        "Built",
    ),
    "site.yml": (replace_in("site.yml", "title:", "title: New"), "Built"),
    "a new content folder": (lambda site: add_page(site, "guides/more/extra.md"), "Built"),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_after_each_kind_of_edit_the_reused_build_equals_a_full_build(tmp_path: Path, kind: str) -> None:
    edit, expected = EDITS[kind]
    site = make_project(tmp_path / "site")
    shutil.copytree(REPO / "admin", site / "admin")  # the form editor, whose settings list the content folders
    assert build(site, tmp_path).startswith("Built ")
    edit(site)
    assert build(site, tmp_path).startswith(expected)
    reused = tree(site / "_site")
    assert build(site, tmp_path, "--full", "--out", str(site / "_full")).startswith("Built ")
    assert reused == tree(site / "_full")


def test_nothing_changed_means_nothing_written(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*")}
    assert build(site, tmp_path).startswith("Nothing changed since the last build: _site/ is up to date (")
    assert {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*")} == before


def test_an_output_folder_changed_by_hand_is_built_again_in_full(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    good = tree(site / "_site")
    (site / "_site" / "neck-pain" / "index.html").write_text("changed by hand")
    (site / "_site" / "sitemap.xml").unlink()
    assert build(site, tmp_path).startswith("Built ")
    assert tree(site / "_site") == good


class Planted:
    """What a malicious cache file would run when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_cached_site_not_signed_on_this_machine_is_never_loaded(tmp_path: Path) -> None:
    """A pickle runs code when loaded: one committed to the repository or restored from another machine must be
    ignored, and the build be a full one."""
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    marker = tmp_path / "planted-code-ran"
    cached = site / ".cache" / "sitegen" / "site.pickle"
    data = pickle.dumps(Planted(marker))
    cached.write_bytes(b"\0" * 32 + data)
    replace_in("content/numb-hands.md", "## ", "## Also\n\nMore.\n\n## ")(site)
    assert build(site, tmp_path).startswith("Built ")
    assert not marker.exists()


def test_another_machine_key_means_a_full_build(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    shutil.rmtree(tmp_path / "user-cache")  # a new machine: the cache restored, the key not
    replace_in("content/numb-hands.md", "## ", "## Also\n\nMore.\n\n## ")(site)
    assert build(site, tmp_path).startswith("Built ")


def test_a_failed_build_changes_nothing_and_the_next_one_carries_on(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    good, cache = tree(site / "_site"), tree(site / ".cache")
    broken = replace_in("content/neck-pain.md", "title: Neck pain", "title: [Neck pain")
    broken(site)
    result = run_build(site, "--no-search", env=env(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert tree(site / "_site") == good
    assert tree(site / ".cache") == cache
    replace_in("content/neck-pain.md", "title: [Neck pain", "title: Neck pain")(site)
    assert build(site, tmp_path).startswith("Nothing changed")  # the output is still the last good build
    assert tree(site / "_site") == good


def test_a_run_of_incremental_builds_writes_only_the_changes_and_equals_a_full_build(tmp_path: Path) -> None:
    """Each incremental build starts from the one before; the whole site's file stays the full build's, and only
    the articles changed since are written (site-changes.pickle)."""
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    base = site / ".cache" / "sitegen" / "site.pickle"
    written = base.read_bytes()
    edits = [
        replace_in("content/numb-hands.md", "## ", "## Also\n\nA new line of plain text.\n\n## "),
        replace_in("content/neck-pain.md", "title: Neck pain", "title: Pain in the neck"),
        add_page,
        remove_page,
        lambda site: (site / "content" / "neck-pain-2.md").unlink(),  # the page added above: its output goes
        replace_in("templates/home.html", "{% block", "{# edited #}{% block"),
        replace_in("content/numb-hands.md", "A new line of plain text.", "Another line of plain text."),
    ]
    for edit in edits:
        edit(site)
        assert build(site, tmp_path).startswith("Updated")
        assert base.read_bytes() == written
        # The record lists exactly the files written or removed (one it missed would make this a full build).
        assert build(site, tmp_path).startswith("Nothing changed")
    assert (site / ".cache" / "sitegen" / "site-changes.pickle").is_file()
    reused = tree(site / "_site")
    assert build(site, tmp_path, "--full", "--out", str(site / "_full")).startswith("Built ")
    assert reused == tree(site / "_full")


def test_site_files_from_different_builds_are_never_combined(tmp_path: Path) -> None:
    """A changes file signed here but left by another build than the one recorded (restored from a backup, or a
    build stopped between its files) is not loaded: the build is a full one."""
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    changes = site / ".cache" / "sitegen" / "site-changes.pickle"
    replace_in("content/numb-hands.md", "## ", "## Also\n\nFirst.\n\n## ")(site)
    assert build(site, tmp_path).startswith("Updated")
    older = changes.read_bytes()
    replace_in("content/neck-pain.md", "title: Neck pain", "title: Pain in the neck")(site)
    assert build(site, tmp_path).startswith("Updated")
    changes.write_bytes(older)
    replace_in("content/numb-hands.md", "First.", "Second.")(site)
    assert build(site, tmp_path).startswith("Built ")
    assert "Pain in the neck" in (site / "_site" / "neck-pain" / "index.html").read_text()


def test_a_content_file_is_read_again_only_when_its_stamp_moved(tmp_path: Path) -> None:
    """The digest of a file whose size, times and inode are as the last build saw them (well before it read them)
    is taken from the record; a file changed since, or changed just before the last build read it, is read."""
    site = make_project(tmp_path / "site")
    paths, options = Paths.for_project(site), BuildOptions(search=False)
    first = read_inputs(paths, options, Stamps())
    assert first.stamps is not None
    seen = first.stamps.seen
    planted = {name: [*stamp[:4], "planted"] for name, stamp in seen.items()}
    long_after = max(int(stamp[2]) for stamp in seen.values()) + 10 * RACY_NS
    trusted = read_inputs(paths, options, Stamps(planted, long_after))
    assert set(trusted.content.values()) == {"planted"}  # not one file read again
    just_after = max(int(stamp[2]) for stamp in seen.values()) + RACY_NS // 2
    racy = read_inputs(paths, options, Stamps(planted, just_after))
    assert racy.content == first.content  # changed too close to that read: every file read again
    page = site / "content" / "neck-pain.md"
    times = page.stat()
    page.write_text(page.read_text().replace("Neck pain is common.", "Neck pain is usual!!"))  # same size
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))  # and the same modification time
    edited = read_inputs(paths, options, Stamps(planted, long_after))
    assert edited.content["neck-pain.md"] not in ("planted", first.content["neck-pain.md"])


def test_a_same_size_edit_with_its_old_time_restored_is_still_built(tmp_path: Path) -> None:
    site = make_project(tmp_path / "site")
    build(site, tmp_path)
    page = site / "content" / "neck-pain.md"
    times = page.stat()
    page.write_text(page.read_text().replace("Neck pain is common.", "Neck pain is usual!!"))
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert build(site, tmp_path).startswith("Updated")
    assert "Neck pain is usual!!" in (site / "_site" / "neck-pain" / "index.html").read_text()
