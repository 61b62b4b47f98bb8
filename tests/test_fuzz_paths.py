"""Fuzzing output paths (issue 12, item 6): whatever a contributor names a folder, a file or a slug, and whatever
path reaches the writer, nothing is written outside the output folder.

A bounded run is part of the suite; a longer one: HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_paths.py
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build.pipeline import build_site
from sitegen.errors import SiteError, UsageError
from sitegen.model import OutputFile
from sitegen.read.project import BuildOptions, Paths
from sitegen.write.writer import MARKER, write_file
from tests.sample_site import FIXTURE, make_project

settings.register_profile("long", max_examples=2000, deadline=None)
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 2000 if LONG else 40
BUILDS = 500 if LONG else 25

# Names as an attacker or a careless editor would write them: dots, separators of every system, encoded
# separators, spaces, non-ASCII and control characters.
TRICKY = ["..", ".", "/", "\\", "%2e%2e", "%2f", "~", " ", "\t", "\n", "é", "\u202e", "\u200b", "ＮＵＬ", "con"]
part = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=12),
)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under `root` except `skip`, with its type, size and (files only) modification time: a folder's
    time changes when the build makes and removes its staging folder in it."""
    found = {}
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        dirnames[:] = [d for d in dirnames if here / d != skip]
        for name in dirnames + filenames:
            info = (here / name).lstat()
            mtime = 0 if (here / name).is_dir() else info.st_mtime_ns
            found[str((here / name).relative_to(root))] = (info.st_mode, info.st_size, mtime)
    return found


def inside(folder: Path) -> bool:
    """Every entry under `folder` is a real file or folder that resolves inside it."""
    top = folder.resolve()
    return all(not path.is_symlink() and path.resolve().is_relative_to(top) for path in folder.rglob("*"))


@pytest.mark.parametrize("path", ["../escape.html", "a/../../escape.html", "a/..", "..", "/tmp/escape.html", ""])
def test_write_file_refuses_paths_that_leave_the_folder(tmp_path: Path, path: str) -> None:
    stage = tmp_path / "deep" / "stage"
    stage.mkdir(parents=True)
    before = snapshot(tmp_path, stage)
    with pytest.raises(ValueError, match="refusing to write outside the output folder"):
        write_file(stage, OutputFile(path, b"x"))
    assert snapshot(tmp_path, stage) == before
    assert not any(stage.iterdir())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(part, min_size=1, max_size=5).map("/".join))
def test_write_file_never_writes_outside_the_folder(path: str) -> None:
    with tempfile.TemporaryDirectory() as top:
        stage = Path(top) / "deep" / "stage"
        stage.mkdir(parents=True)
        before = snapshot(Path(top), stage)
        try:
            write_file(stage, OutputFile(path, b"x"))
        except ValueError as exc:
            assert "refusing to write outside the output folder" in str(exc)
        except UsageError as exc:  # a name the file system refuses (too long, ...): one line, nothing written
            assert "cannot write" in str(exc)
        assert snapshot(Path(top), stage) == before
        assert inside(stage)


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    top = Path(tempfile.mkdtemp(prefix="sitegen-fuzz-"))
    make_project(top / "project")
    yield top
    shutil.rmtree(top)


ARTICLE = (FIXTURE / "content" / "guides" / "seeing-a-doctor.md").read_text(encoding="utf-8")
name = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(codec="utf-8"), min_size=1, max_size=10))


@settings(
    max_examples=BUILDS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(folders=st.lists(name, max_size=3), stem=name, slug=st.one_of(st.none(), name))
def test_a_build_never_writes_outside_its_output_folder(
    site: Path, folders: list[str], stem: str, slug: str | None
) -> None:
    project = site / "project"
    out = project / "_site"
    content = project / "content"
    text = ARTICLE.replace("title: Seeing a doctor", "title: Fuzzed page")
    if slug is not None:
        text = text.replace("title: Fuzzed page", f"title: Fuzzed page\nslug: {json.dumps(slug)}")
    try:
        article = content.joinpath("fuzz", *folders, f"{stem}.md")
        if not article.resolve().is_relative_to(content.resolve() / "fuzz"):
            return  # a name such as ".." that the file system itself resolves: not a file an editor can make
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text(text, encoding="utf-8")
    except (OSError, ValueError):
        shutil.rmtree(content / "fuzz", ignore_errors=True)
        return  # a name this file system refuses
    before = snapshot(site, out)
    built = True
    try:
        build_site(Paths.for_project(project), BuildOptions(search=False))
    except SiteError:
        built = False  # refused with problems to fix: also fine, as long as nothing was written anywhere
    finally:
        shutil.rmtree(content / "fuzz")
    after = snapshot(site, out)
    # A build that succeeds may also update its cache folder (.cache/sitegen, documented); one that fails may not.
    kept = ("project/content", "project/.cache") if built else ("project/content",)
    assert {path: info for path, info in after.items() if not path.startswith(kept)} == {
        path: info for path, info in before.items() if not path.startswith(kept)
    }
    assert not list(project.glob("._site.staging-*"))
    if out.exists():
        assert (out / MARKER).is_file() and inside(out)
