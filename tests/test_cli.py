"""The command line as users type it: defaults, help, exit codes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sample_site import REPO, clean_env, run_build
from tests.test_safe_output import add_articles


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=clean_env(), timeout=60, check=False)


def test_top_level_help_lists_every_command_and_the_exit_codes() -> None:
    result = cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: build.py [-h] COMMAND ...")
    for command, purpose in [
        ("build", "render the site into _site/ (the default)"),
        ("import", "turn scraped text into de-duplicated draft articles"),
        ("check", "check every article and report all problems (writes nothing)"),
        ("new", "start a new draft article"),
        ("serve", "preview the site with live reload"),
    ]:
        assert re.search(rf"(?m)^ +{command} +{re.escape(purpose)}$", result.stdout), command
    text = " ".join(result.stdout.split())  # argparse wraps to the terminal's width
    assert "With no command, `build` runs. Exit codes: 0 success, 1 content problems, 2 usage errors." in text


def test_build_help_lists_its_options() -> None:
    result = cli("build", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: build.py build [-h]")
    for option in ("--content", "--out", "--base-url", "--drafts", "--jobs", "--force", "--no-search"):
        assert re.search(rf"(?m)^ +{option}\b", result.stdout), option


def test_build_is_the_default_command(project: Path) -> None:
    assert run_build(project).returncode == 0
    default = (project / "_site" / "index.html").read_bytes()
    assert run_build(project, "build").returncode == 0
    assert (project / "_site" / "index.html").read_bytes() == default


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--jobs", "-1"], "error: --jobs must be 0 (one per core) or more"),
        (["--base-url", "ftp://x/"], "error: --base-url must start with https:// or http://"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    result = run_build(project, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_content_option_and_running_from_another_folder(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere-content"
    (project / "content").rename(other)
    result = cli("--config", str(project / "site.yml"), "--content", str(other), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (project / "_site" / "neck-pain" / "index.html").is_file()


def test_missing_content_folder_is_a_clear_error(project: Path) -> None:
    result = run_build(project, "--content", str(project / "nope"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "nope: is not a folder (check --content)"


def test_bad_site_settings_are_reported_with_lines(project: Path) -> None:
    settings = project / "site.yml"
    text = settings.read_text().replace("language: en-GB", "langauge: en-GB").replace('phone: "999"', 'phone: "nine"')
    settings.write_text(text)
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [  # the misspelt field is not also reported as missing
        "site.yml:4: langauge: unknown field (did you mean 'language'?)",
        "site.yml:8: services.emergency.phone: 'nine' is not in the expected form "
        "(digits and spaces only, e.g. 999 or 0300 123 4567)",
    ]


def test_progress_counter_on_a_terminal_for_long_builds(project: Path) -> None:
    add_articles(project, 500)
    primary, secondary = os.openpty()
    command = [sys.executable, str(REPO / "build.py"), "--config", str(project / "site.yml"), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=secondary, stderr=secondary, env=clean_env())
    os.close(secondary)
    output = bytearray()
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when the build exits
            break
        if not chunk:
            break
        output.extend(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == 0
    text = output.decode()
    assert re.search(r"\rRendering pages \d+/504", text)  # every article, the home page included
    assert "\r\x1b[K" in text  # the counter is cleared before the summary
    assert re.search(r"Built 510 pages \(513 files\) in \d+\.\d\d s", text)
