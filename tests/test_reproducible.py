"""Same inputs, byte-identical output: whatever the folder, hash seed, time zone, locale, file order or
number of worker processes (security guide, test 36)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.sample_site import FIXTURE, clean_env, make_project, run_build
from tests.test_golden import tree
from tests.test_safe_output import add_articles


def copy_in_reverse_order(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*"), reverse=True):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            os.utime(destination, (1_000_000_000, 1_000_000_000))


def test_two_builds_in_different_conditions_are_identical(tmp_path: Path) -> None:
    first = make_project(tmp_path / "first")
    second = make_project(tmp_path / "a" / "deeper" / "second")
    shutil.rmtree(second / "content")
    copy_in_reverse_order(FIXTURE / "content", second / "content")
    env_a = {"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati", "LANG": "C.UTF-8"}
    env_b = {"PYTHONHASHSEED": "4242", "TZ": "America/Adak", "LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"}
    assert run_build(first, env=clean_env(**env_a)).returncode == 0
    assert run_build(second, env=clean_env(**env_b)).returncode == 0
    assert tree(first / "_site") == tree(second / "_site")
    output = b"".join(tree(first / "_site").values())
    assert str(tmp_path).encode() not in output


def test_parallel_and_serial_builds_are_identical(tmp_path: Path) -> None:
    serial = make_project(tmp_path / "serial")
    add_articles(serial, 80)
    parallel = make_project(tmp_path / "parallel", content=serial / "content")
    assert run_build(serial, "--jobs", "1").returncode == 0
    result = run_build(parallel, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert tree(serial / "_site") == tree(parallel / "_site")
    assert len(list((parallel / "_site" / "many").iterdir())) == 80


def test_build_date_comes_from_source_date_epoch(project: Path) -> None:
    result = run_build(project, env=clean_env(SOURCE_DATE_EPOCH="1735689600"))  # 2025-01-01
    assert result.returncode == 1
    assert "content/index.md:9: last_reviewed: is in the future (today is 2025-01-01)" in result.stderr
