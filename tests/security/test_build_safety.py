"""Security guide section 8, cases 33-37: unsafe output folders, failures mid-build, deletions, reproducibility,
exit codes."""

from __future__ import annotations

import gzip
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.sample_site import REPO, clean_env
from tests.security.harness import Bases, Case, page, tree
from tests.test_check import BODY
from tests.test_reproducible import copy_in_reverse_order
from tests.test_safe_output import add_articles
from tests.waiting import live_children, wait_for_exit, wait_for_paths


def test_33_unsafe_output_folders_are_refused_before_any_deletion(case: Case) -> None:
    project = case.project
    (project / "home-link").symlink_to(Path.home())
    unmarked = project / "somebody-elses"
    unmarked.mkdir()
    (unmarked / "notes.txt").write_text("mine", encoding="utf-8")
    home_before = sorted(Path.home().iterdir())
    outs = [
        ".",  # from the case folder: the project's parent
        "..",
        "/",
        str(Path.home()),
        str(project),
        str(project / "content"),
        str(project / "templates"),
        str(project / "static"),
        str(project / "content" / "sub"),
        str(project / "home-link"),
        str(unmarked),
    ]
    for out in outs:
        result = case.build("--out", out, "--force")  # --force only allows folders outside the project
        assert result.returncode == 2, (out, result.stderr)
        assert len(result.lines) == 1 and result.lines[0].startswith("error: output folder "), result.stderr
        result.site_unchanged()
    assert (unmarked / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(Path.home().iterdir()) == home_before


def test_34_template_syntax_error_keeps_the_previous_site(case: Case) -> None:
    case.write("templates/404.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    case.build().error("templates/404.html:3: ")


def test_34_exception_on_the_fifth_page_keeps_the_previous_site(case: Case) -> None:
    for number in range(1, 6):
        case.write(f"content/page-{number}.md", page(title=f"title: Page number {number}"))
    template = case.project / "templates" / "article.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace(
            "{% block main %}", "{% block main %}{% if page.title == 'Page number 5' %}{{ 1 // 0 }}{% endif %}", 1
        ),
        encoding="utf-8",
    )
    assert "Page number 5" in template.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(template.read_text().splitlines(), 1) if "1 // 0" in row)
    (problem,) = case.build("--jobs", "1").error(f"templates/article.html:{line}: ")
    assert "division" in problem


def test_34_sigkill_mid_build_keeps_the_site_stops_the_workers_and_the_next_build_cleans_up(case: Case) -> None:
    add_articles(case.project, 300)
    outside = case.outside()
    site_before = tree(case.site)
    command = [
        sys.executable,
        str(REPO / "build.py"),
        "--no-search",
        "--jobs",
        "2",
        "--config",
        str(case.project / "site.yml"),
    ]
    process = subprocess.Popen(
        command, cwd=case.root, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_paths(case.project, "._site.staging-*/many/*", "the build to write pages", timeout=60)
        workers = live_children(process.pid)
        assert workers, "the build should have worker processes"
        os.kill(process.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
        process.wait()
    finally:
        process.kill()
    assert list(case.project.glob("._site.staging-*")), "the build should have been killed while writing"
    assert tree(case.site) == site_before
    survivors = wait_for_exit(workers, timeout=10)
    for pid in survivors:  # this test started them: never leave them running, whatever the verdict
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "worker processes outlived the killed build"
    result = subprocess.run(
        command, cwd=case.root, env=clean_env(), capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert not list(case.project.glob("._site.staging-*"))
    assert (case.site / "many" / "page-299" / "index.html").is_file()
    case.assert_nothing_outside_changed(outside, succeeded=True)


def _small_files_only() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # a disk that fills after 4 KiB per file


def test_34_disk_full_is_one_line_naming_the_file(case: Case) -> None:
    result = case.build("--jobs", "1", preexec_fn=_small_files_only)
    assert result.returncode in (1, 2), result.stderr  # the guide says 1 (2 is for usage errors): see the report
    (problem,) = [line for line in result.lines if not line.startswith("Stopped: ")]
    assert re.search(r"[\w./-]+\.(html|xml|css|js|txt|json|svg)\b", problem), problem
    result.site_unchanged()


def test_35_a_deleted_article_leaves_no_trace(case: Case) -> None:
    index = case.content / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("[numb hands](/numb-hands/)", "numb hands"))
    case.run("build").built()  # with the search index
    assert "/numb-hands/" in _search_urls(case)
    (case.content / "numb-hands.md").unlink()
    case.run("build").built()
    assert not (case.site / "numb-hands").exists()
    for name in ("sitemap.xml", "feed.xml", "topics/hands/index.html", "index.html", "search/index.html"):
        assert "/numb-hands/" not in (case.site / name).read_text(encoding="utf-8"), name
    assert "/numb-hands/" not in _search_urls(case)
    assert "/neck-pain/" in _search_urls(case)


def _search_urls(case: Case) -> str:
    return "\n".join(
        re.findall(r'"url":"([^"]+)"', gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))[0]
        for path in (case.site / "pagefind" / "fragment").glob("*.pf_fragment")
    )


def test_36_builds_in_different_conditions_are_byte_identical(bases: Bases, tmp_path: Path) -> None:
    first = Case(bases, tmp_path, name="first")
    second = Case(bases, tmp_path / "a" / "deeper", name="second")
    shutil.rmtree(second.content)
    copy_in_reverse_order(first.content, second.content)  # other creation order, other mtimes
    first.build(env=clean_env(PYTHONHASHSEED="1", TZ="Pacific/Kiritimati", LANG="C.UTF-8")).built()
    env = clean_env(PYTHONHASHSEED="4242", TZ="America/Adak", LANG="tr_TR.UTF-8", LC_ALL="tr_TR.UTF-8")
    second.build("--jobs", "1", env=env).built()
    assert tree(first.site) == tree(second.site)
    output = b"".join(path.read_bytes() for path in first.site.rglob("*") if path.is_file())
    assert str(tmp_path).encode() not in output and b"/tmp/" not in output
    assert time.strftime("%Y-%m-%d").encode() not in output  # no wall-clock date (SOURCE_DATE_EPOCH is 2025-03-01)
    result = first.build(env=clean_env(SOURCE_DATE_EPOCH="1735689600"))  # 2025-01-01: reviews now in the future
    result.error("content/index.md:9: last_reviewed: is in the future (today is 2025-01-01)")


def test_37_usage_errors_exit_2_with_one_line(case: Case) -> None:
    for args, message in [
        (("--jobs", "-1"), "error: --jobs must be 0"),
        (("--base-url", "ftp://health.example/"), "error: --base-url must start with https:// or http://"),
    ]:
        result = case.build(*args)
        assert result.returncode == 2, result.stderr
        assert len(result.lines) == 1 and result.lines[0].startswith(message), result.stderr
        result.site_unchanged()


def test_37_check_reports_every_kind_of_problem_in_one_run(clean: Case) -> None:
    clean.write("content/notes.txt", "notes")  # a file-name problem
    clean.write("content/Bad Name.md", page())  # an unsafe name
    clean.write("content/front.md", page(type="type: guidee"))  # a front-matter problem
    clean.write("content/body.md", page(BODY + "\n\n<script>alert(1)</script>"))  # a body problem
    clean.check().checked(
        1,
        "content/Bad Name.md",
        "content/body.md:20:1: error HTML001:",
        "content/front.md:3: error FM001:",
        "content/notes.txt",
    )


def test_37_build_reports_every_kind_of_problem_in_one_run(clean: Case) -> None:
    clean.write("content/notes.txt", "notes")
    clean.write("content/Bad Name.md", page())
    clean.write("content/front.md", page(type="type: guidee"))
    clean.build().error("content/Bad Name.md", "content/front.md:3: type:", "content/notes.txt")
