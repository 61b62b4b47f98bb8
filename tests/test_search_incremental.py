"""On an incremental build (`build.py` reusing the last build, sitegen/build/cache.py) only the search shards holding
the pages that changed are indexed again. On a FIXTURE site (the sample site plus the four guides of
test_search_shards.py: seven searchable pages) with two pages per shard (SITEGEN_SEARCH_SHARD_PAGES), so four shards:
after one page is edited, and after one is added, the other shards' files keep their bytes and modification times,
the new words are found by a real search in Chromium, and the results are those of a full build of the same files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sitegen.read.project import SHARD_PAGES_SETTING
from sitegen.write.search_index import SEARCH_BUNDLE_DIR, SHARDS_DIR, Shards, index_all, index_changes
from tests.chromium import needs_chromium
from tests.published_site import Served, serve_folder
from tests.sample_site import clean_env, make_project, run_build
from tests.test_search_shards import PAGE, PAGES, results

EDITED = "guides/wrist-splints/index.html"
ADDED = "guides/warm-water/index.html"
NEW_WORDS = "hammock"  # in no page of the fixture until the edit
ADDED_WORDS = "lavender"

Files = dict[str, tuple[bytes, int]]


@dataclass
class Builds:
    edited: Path  # the output after the incremental build that follows the edit
    edited_full: Path  # a full build of the same files
    added: Path
    added_full: Path
    before: dict[int, Files]  # each shard's files after the first build
    after_edit: dict[int, Files]
    after_add: dict[int, Files]
    shard_of_edited: int
    shard_of_added: int
    shards_after_add: list[list[str]]


def shard_files(site: Path) -> dict[int, Files]:
    """Each shard's bundle files (relative path -> bytes and modification time), by shard number."""
    bundle = site / SEARCH_BUNDLE_DIR
    shards: dict[int, Files] = {}
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).parts
        if not path.is_file() or relative == ("synonyms.json",):
            continue
        number = int(relative[1]) if relative[0] == SHARDS_DIR else 0
        named = path.relative_to(bundle).as_posix()
        shards.setdefault(number, {})[named] = (path.read_bytes(), path.stat().st_mtime_ns)
    return shards


def only_bytes(files: Files) -> dict[str, bytes]:
    return {name: data for name, (data, _) in files.items()}


def search_shards(project: Path) -> list[list[str]]:
    kept = json.loads((project / ".cache" / "sitegen" / "search.json").read_text(encoding="utf-8"))
    return [list(shard) for shard in kept["pages"]]


def shard_holding(project: Path, page: str) -> int:
    return next(number for number, pages in enumerate(search_shards(project)) if page in pages)


def build(project: Path, user_cache: Path, *args: str) -> str:
    env = clean_env(XDG_CACHE_HOME=str(user_cache), **{SHARD_PAGES_SETTING: "2"})
    result = run_build(project, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def full_copy(project: Path, target: Path, user_cache: Path) -> Path:
    """A full build of a copy of `project` (its output is what a build with no cache writes)."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("_site", ".cache"))
    assert build(target, user_cache, "--full").startswith("Built")
    return target / "_site"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    root = tmp_path_factory.mktemp("search-incremental")
    user_cache = root / "user-cache"
    project = make_project(root / "project")
    for slug, (title, topic, body) in PAGES.items():
        text = PAGE.format(title=title, topic=topic, body=body)
        (project / "content" / "guides" / f"{slug}.md").write_text(text, encoding="utf-8")
    assert build(project, user_cache).startswith("Built")
    before = shard_files(project / "_site")
    assert len(before) == 4, sorted(before)

    page = project / "content" / "guides" / "wrist-splints.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("while you sleep.", f"while you sleep in a {NEW_WORDS}."), encoding="utf-8")
    assert build(project, user_cache).startswith("Updated")
    edited = shutil.copytree(project / "_site", root / "edited")
    after_edit = shard_files(project / "_site")
    shard_of_edited = shard_holding(project, EDITED)
    edited_full = full_copy(project, root / "edited-full", user_cache)

    title, topic = "Warm water", "warm water"
    body = f"Soaking stiff hands in warm water with a drop of {ADDED_WORDS} oil can ease them."
    (project / "content" / "guides" / "warm-water.md").write_text(
        PAGE.format(title=title, topic=topic, body=body), encoding="utf-8"
    )
    assert build(project, user_cache).startswith("Updated")
    added = shutil.copytree(project / "_site", root / "added")
    return Builds(
        edited=edited,
        edited_full=edited_full,
        added=added,
        added_full=full_copy(project, root / "added-full", user_cache),
        before=before,
        after_edit=after_edit,
        after_add=shard_files(project / "_site"),
        shard_of_edited=shard_of_edited,
        shard_of_added=shard_holding(project, ADDED),
        shards_after_add=search_shards(project),
    )


def test_only_the_shard_of_the_edited_page_is_indexed_again(builds: Builds) -> None:
    assert sorted(builds.after_edit) == sorted(builds.before)
    for number, files in builds.before.items():
        if number == builds.shard_of_edited:
            assert only_bytes(builds.after_edit[number]) != only_bytes(files)
        else:
            assert builds.after_edit[number] == files, f"shard {number} was written again"  # bytes and times


def test_after_an_edit_the_index_is_byte_for_byte_a_full_builds(builds: Builds) -> None:
    for number, files in builds.after_edit.items():
        assert only_bytes(files) == only_bytes(shard_files(builds.edited_full)[number])
    synonyms = f"{SEARCH_BUNDLE_DIR}/synonyms.json"
    assert (builds.edited / synonyms).read_bytes() == (builds.edited_full / synonyms).read_bytes()


def test_a_new_page_joins_the_smallest_shard_and_only_that_one_is_indexed_again(builds: Builds) -> None:
    assert builds.shard_of_added == 3  # seven pages dealt two by two: the last shard had one
    assert [len(pages) for pages in builds.shards_after_add] == [2, 2, 2, 2]
    for number, files in builds.after_edit.items():
        if number != builds.shard_of_added:
            assert builds.after_add[number] == files, f"shard {number} was written again"
    assert only_bytes(builds.after_add[builds.shard_of_added]) != only_bytes(builds.after_edit[builds.shard_of_added])


@pytest.fixture(scope="module")
def served(builds: Builds) -> Iterator[dict[str, Served]]:
    folders = {
        "edited": builds.edited,
        "edited-full": builds.edited_full,
        "added": builds.added,
        "added-full": builds.added_full,
    }
    with (
        serve_folder(folders["edited"]) as edited,
        serve_folder(folders["edited-full"]) as edited_full,
        serve_folder(folders["added"]) as added,
        serve_folder(folders["added-full"]) as added_full,
    ):
        yield {"edited": edited, "edited-full": edited_full, "added": added, "added-full": added_full}


@needs_chromium
@pytest.mark.parametrize(
    ("site", "query", "first"),
    [
        ("edited", NEW_WORDS, "/guides/wrist-splints/"),
        ("edited", "gloves", "/guides/cold-weather/"),
        ("added", ADDED_WORDS, "/guides/warm-water/"),
        ("added", NEW_WORDS, "/guides/wrist-splints/"),
        ("added", "thick handles", "/guides/garden-tools/"),
    ],
)
def test_a_real_search_finds_the_new_words_as_after_a_full_build(
    browser: Browser, served: dict[str, Served], site: str, query: str, first: str
) -> None:
    status, hrefs = results(browser, served[site], query)
    full_status, full_hrefs = results(browser, served[f"{site}-full"], query)
    assert "found for" in status and hrefs, status
    assert hrefs[0].split("#")[0] == first, hrefs
    assert (status, hrefs) == (full_status, full_hrefs)


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same seven searchable pages, built without a search index."""
    project = make_project(tmp_path_factory.mktemp("search-changes") / "project")
    for slug, (title, topic, body) in PAGES.items():
        text = PAGE.format(title=title, topic=topic, body=body)
        (project / "content" / "guides" / f"{slug}.md").write_text(text, encoding="utf-8")
    result = run_build(project, "--no-search", env=clean_env())
    assert result.returncode == 0, result.stderr
    return project / "_site"


def indexed_copy(plain_site: Path, target: Path) -> tuple[Path, Shards]:
    site = shutil.copytree(plain_site, target)
    shards = index_all(site, shard_pages=2)
    assert isinstance(shards, Shards) and [len(pages) for pages in shards.pages] == [2, 2, 2, 1]
    return site, shards


def listed_shards(site: Path) -> list[str]:
    return list(json.loads((site / SEARCH_BUNDLE_DIR / "synonyms.json").read_text(encoding="utf-8"))["shards"])


def test_a_removal_that_leaves_fewer_shards_indexes_the_whole_site(plain_site: Path, tmp_path: Path) -> None:
    site, shards = indexed_copy(plain_site, tmp_path / "site")
    gone = shards.pages[1][0]  # from a shard of two: seven pages become six, three shards of two
    (site / gone).unlink()
    after = index_changes(site, shards, [gone], shard_pages=2)
    assert isinstance(after, Shards), after
    assert [len(pages) for pages in after.pages] == [2, 2, 2]
    assert listed_shards(site) == [f"{SHARDS_DIR}/1/", f"{SHARDS_DIR}/2/"]
    assert not (site / SEARCH_BUNDLE_DIR / SHARDS_DIR / "3").exists()


@pytest.mark.parametrize("case", ["no page marked", "no bundle", "a shard left empty"])
def test_what_a_few_shards_cannot_give_indexes_the_whole_site(plain_site: Path, tmp_path: Path, case: str) -> None:
    site, shards = indexed_copy(plain_site, tmp_path / "site")
    bundle = site / SEARCH_BUNDLE_DIR
    page = shards.pages[1][0]
    if case == "no page marked":
        shards = Shards(shards.pages, marked=False)  # every page was indexed: a change may unmark them all
    elif case == "no bundle":
        shutil.rmtree(bundle)
    else:  # after earlier builds added a page to one shard and removed the other pages of another
        extra = "guides/extra/index.html"
        (site / extra).parent.mkdir()
        (site / extra).write_text("<main data-pagefind-body><p>Extra page</p></main>", encoding="utf-8")
        every = sorted(p for pages in shards.pages for p in pages)
        shards = Shards([[every[0]], every[1:3], every[3:5], [*every[5:], extra]])
        page = every[0]
        (site / page).unlink()  # eight pages in four shards become seven, but one shard would have none
    before = {path: path.stat().st_mtime_ns for path in bundle.rglob("*") if path.is_file()}
    after = index_changes(site, shards, [page], shard_pages=2)
    assert isinstance(after, Shards), after
    assert [len(pages) for pages in after.pages] == [2, 2, 2, 1] and after.marked  # dealt again
    assert len(listed_shards(site)) == 3
    root = [path for path in before if path.parent == bundle and path.name != "synonyms.json"]
    assert not [path for path in root if path.exists() and path.stat().st_mtime_ns == before[path]], case
