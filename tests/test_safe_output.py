"""A failed or killed build leaves the previous output untouched; unsafe output folders are refused
before anything is deleted (security guide, section 3 and tests 33-35)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sample_site import FIXTURE, REPO, clean_env, run_build
from tests.waiting import wait_for_paths


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def add_articles(project: Path, count: int) -> None:
    template = (FIXTURE / "content" / "guides" / "seeing-a-doctor.md").read_text(encoding="utf-8")
    folder = project / "content" / "many"
    folder.mkdir()
    for number in range(count):
        text = template.replace("title: Seeing a doctor", f"title: Generated page {number}")
        extra = "".join(f"\nParagraph {n} of generated page {number} adds words.\n" for n in range(50))
        (folder / f"page-{number}.md").write_text(text + extra, encoding="utf-8")


def test_content_error_leaves_previous_output_identical(project: Path) -> None:
    assert run_build(project).returncode == 0
    before = tree_hash(project / "_site")
    (project / "content" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert tree_hash(project / "_site") == before
    assert not list(project.glob("._site.staging-*"))


def test_template_error_names_template_and_line_and_keeps_output(project: Path) -> None:
    assert run_build(project).returncode == 0
    before = tree_hash(project / "_site")
    article = project / "templates" / "article.html"
    article.write_text(article.read_text().replace("{{ page.summary }}</p>", "{{ page.sumary }}</p>"))
    result = run_build(project)
    assert result.returncode == 1
    line = next(n for n, text in enumerate(article.read_text().splitlines(), 1) if "page.sumary" in text)
    assert (
        result.stderr.splitlines()[0]
        == f"templates/article.html:{line}: 'dict object' has no attribute 'sumary' (fix the template)"
    )
    assert "Traceback" not in result.stderr
    assert tree_hash(project / "_site") == before


def test_template_syntax_error_is_one_line(project: Path) -> None:
    (project / "templates" / "404.html").write_text("{% block main %}\n{% if %}\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.startswith("templates/404.html:2: ")
    assert "Traceback" not in result.stderr


def test_killed_build_leaves_output_and_next_build_cleans_up(project: Path) -> None:
    assert run_build(project).returncode == 0
    before = tree_hash(project / "_site")
    add_articles(project, 400)
    command = [sys.executable, str(REPO / "build.py"), "--full", "--config", str(project / "site.yml")]
    process = subprocess.Popen(
        command, env=clean_env(), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_paths(project, "._site.staging-*/many", "the build to render pages")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert list(project.glob("._site.staging-*")), "the build should have been killed while writing"
    assert tree_hash(project / "_site") == before
    assert run_build(project).returncode == 0
    assert not list(project.glob("._site.staging-*"))
    assert (project / "_site" / "many" / "page-399" / "index.html").is_file()


def test_deleted_article_disappears_everywhere(project: Path) -> None:
    assert run_build(project).returncode == 0
    (project / "content" / "numb-hands.md").unlink()
    (project / "content" / "index.md").write_text(
        (project / "content" / "index.md").read_text().replace("[numb hands](/numb-hands/)", "numb hands")
    )
    assert run_build(project).returncode == 0
    site = project / "_site"
    assert not (site / "numb-hands").exists()
    for name in ("sitemap.xml", "feed.xml", "topics/hands/index.html", "index.html"):
        assert "/numb-hands/" not in (site / name).read_text(), name


CONTAINS_PROJECT = "is or contains the project folder; choose a folder such as _site"
NOT_OURS = (
    "holds files sitegen did not make (no .sitegen-output marker); choose an empty or new folder, or empty it yourself"
)


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", CONTAINS_PROJECT),
        ("..", CONTAINS_PROJECT),
        ("/", CONTAINS_PROJECT),
        ("content", "overlaps content/; choose a folder such as _site"),
        ("templates", "overlaps templates/; choose a folder such as _site"),
        ("static", "overlaps static/; choose a folder such as _site"),
        ("content/sub", "overlaps content/; choose a folder such as _site"),
        ("static/../content", "overlaps content/; choose a folder such as _site"),
        ("{home_link}", "is a symbolic link; choose a real folder"),
        ("{unmarked}", NOT_OURS),
        ("{outside}", "is outside the project; add --force if you really mean it"),
        ("sentinel.txt", "is a file; choose a folder"),
    ],
)
def test_unsafe_output_folders_are_refused_before_any_deletion(project: Path, out: str, message: str) -> None:
    """Relative folders are given from the project (run_build does not run in it), so each case reaches the
    rule it is about, and the message says which rule refused it."""
    sentinels = [project / "sentinel.txt", project.parent / "sentinel.txt", project / "content" / "sentinel.md~"]
    for sentinel in sentinels:
        sentinel.write_text("keep me")
    (project / "home-link").symlink_to(Path.home())
    unmarked = project / "somebody-elses"
    unmarked.mkdir()
    (unmarked / "notes.txt").write_text("mine")
    out = out.format(home_link=project / "home-link", unmarked=unmarked, outside=project.parent / "elsewhere")
    folder = out if out.startswith("/") else str(project / out)
    result = run_build(project, "--out", folder)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: output folder {folder} {message}\n"
    assert all(sentinel.read_text() == "keep me" for sentinel in sentinels)
    assert (unmarked / "notes.txt").read_text() == "mine"
    assert not (project.parent / "elsewhere").exists()


def test_an_output_folder_that_is_a_linked_content_folder_is_refused(project: Path) -> None:
    """--content given through a symbolic link is still recognised as the content folder."""
    (project / "content-link").symlink_to(project / "content")
    result = run_build(project, "--content", str(project / "content-link"), "--out", str(project / "content"))
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr
        == f"error: output folder {project / 'content'} overlaps content/; choose a folder such as _site\n"
    )


def test_outside_project_is_allowed_with_force(project: Path) -> None:
    out = project.parent / "elsewhere"
    result = run_build(project, "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()
    assert (out / ".sitegen-output").is_file()
