"""The harness for the security guide's 40 cases (section 8): a temporary copy of a built site with sentinel
files around it, the real CLI run as a subprocess, and the checks every case shares.

Every run asserts no traceback and that nothing outside the output folder was created, changed or deleted (the
whole case folder, the project's parent included, is hashed before and after). `Result.error` adds the guide's
"error" convention: exit 1, one `path:line: message` line per problem, the previous `_site/` byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.sample_site import REPO, clean_env, make_project
from tests.test_check import page
from tests.test_serve import Preview

CHECK_SITE = REPO / "tests" / "fixtures" / "check_site"
SENTINEL_TEXT = "sentinel: must survive every case\n"
# One problem: `path: message` or `path:line: message` or `path:line:column: message` (a file-level problem has
# no line). The build prints these on stderr, then one "Stopped: N problems..." line.
PROBLEM_LINE = re.compile(r"^[^\s:][^:\n]*(?::\d+){0,2}: \S.*$")
__all__ = ["Case", "Preview", "Result", "page", "tree"]


BUILD_CACHE = "project/.cache"  # sitegen/build/cache.py


def tree(root: Path, skip: Path | None = None, contents: bool = True) -> dict[str, str]:
    """Every entry under root (links not followed) -> a digest of its content (or, without `contents`, its size
    and modification time), or its kind."""
    entries: dict[str, str] = {}
    if not root.exists():
        return entries
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        if skip is not None and here == skip.parent:
            dirnames[:] = [name for name in dirnames if here / name != skip]
        for name in dirnames + filenames:
            path = here / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[key] = "link:" + str(path.readlink())
            elif path.is_dir():
                entries[key] = "dir"
            elif contents:
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                status = path.stat()
                entries[key] = f"{status.st_size}:{status.st_mtime_ns}"
    return entries


def tree_diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        [f"created {key}" for key in after.keys() - before.keys()]
        + [f"deleted {key}" for key in before.keys() - after.keys()]
        + [f"changed {key}" for key in before.keys() & after.keys() if before[key] != after[key]]
    )


def _build(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--no-search", "--config", str(project / "site.yml")],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def make_clean_project(target: Path) -> Path:
    """The check tests' clean site (`check` finds nothing) with the repository's templates and static."""
    shutil.copytree(CHECK_SITE, target)
    shutil.copy(REPO / "rules" / "misleading-claims.yml", target / "rules")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static", dirs_exist_ok=True)
    return target


@dataclass
class Bases:
    """Built projects made once per session; each case copies one (a copy is far cheaper than a build)."""

    folder: Path
    built: dict[str, Path] = field(default_factory=dict)

    def get(self, kind: str) -> Path:
        if kind not in self.built:
            makers: dict[str, Callable[[Path], Path]] = {"sample": make_project, "clean": make_clean_project}
            project = makers[kind](self.folder / kind / "project")
            _build(project)
            self.built[kind] = project
        return self.built[kind]


@dataclass
class Result:
    case: Case
    returncode: int
    stdout: str
    stderr: str
    site_before: dict[str, str]
    site_after: dict[str, str]

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()

    def error(self, *expected: str) -> list[str]:
        """The guide's "error": exit 1, each expected prefix on its own problem line (in this order), every
        problem line shaped `path:line: message`, a final "Stopped:" line, the previous `_site/` unchanged."""
        assert self.returncode == 1, self.stderr
        lines = self.lines
        assert lines, "no message at all"
        assert lines[-1].startswith("Stopped: "), lines
        problems = lines[:-1]
        assert problems, lines
        for line in problems:
            assert PROBLEM_LINE.match(line), f"not a one-line `path:line: message`: {line!r}"
        assert_in_order(problems, expected)
        self.site_unchanged()
        return problems

    def site_unchanged(self) -> None:
        assert self.site_before, "the case should start with a previous _site/"
        assert self.site_after == self.site_before, tree_diff(self.site_before, self.site_after)
        assert not list(self.case.project.glob("._site.staging-*")), "a staging folder was left behind"

    def built(self) -> None:
        assert self.returncode == 0, self.stderr
        assert (self.case.site / ".sitegen-output").is_file()

    def checked(self, returncode: int, *expected: str) -> list[str]:
        """`check`'s report: the exit code, each expected prefix on a problem line of stdout (in this order)."""
        assert self.returncode == returncode, self.stdout + self.stderr
        problems = [line for line in self.stdout.splitlines() if PROBLEM_LINE.match(line)]
        assert_in_order(problems, expected)
        self.site_unchanged()  # check writes nothing
        return problems


def assert_in_order(lines: list[str], expected: tuple[str, ...]) -> None:
    position = 0
    for wanted in expected:
        found = next((index for index in range(position, len(lines)) if lines[index].startswith(wanted)), None)
        assert found is not None, f"no line starting with {wanted!r} in:\n" + "\n".join(lines)
        position = found + 1


class Case:
    """One case: <tmp>/case (the project's parent, with a sentinel) / project (a built copy, with a sentinel)."""

    def __init__(self, bases: Bases, tmp_path: Path, kind: str = "sample", name: str = "case") -> None:
        self.root = tmp_path / name
        self.root.mkdir(parents=True)
        self.hash_outside = True  # False: compare sizes and times outside _site (for cases with 50 000 files)
        self.project = self.root / "project"
        shutil.copytree(bases.get(kind), self.project, symlinks=True)
        self.sentinels = [self.root / "sentinel.txt", self.project / "sentinel.txt"]
        for sentinel in self.sentinels:
            sentinel.write_text(SENTINEL_TEXT, encoding="utf-8")

    @property
    def site(self) -> Path:
        return self.project / "_site"

    @property
    def content(self) -> Path:
        return self.project / "content"

    def write(self, relative: str, text: str | bytes) -> Path:
        """A file in the project (e.g. "content/case.md"), folders made as needed."""
        path = self.project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120, **popen: object) -> Result:
        """The real CLI (`build.py ARGS --config project/site.yml`) from the case folder."""
        site_before = tree(self.site)
        outside_before = self.outside()
        command = [sys.executable, str(REPO / "build.py"), *args, "--config", str(self.project / "site.yml")]
        completed = subprocess.run(
            command,
            cwd=self.root,
            capture_output=True,
            text=True,
            env=env or clean_env(),
            timeout=timeout,
            check=False,
            **popen,  # type: ignore[call-overload]
        )
        assert "Traceback" not in completed.stderr + completed.stdout, completed.stderr
        self.assert_nothing_outside_changed(outside_before, succeeded=completed.returncode == 0)
        return Result(self, completed.returncode, completed.stdout, completed.stderr, site_before, tree(self.site))

    def outside(self) -> dict[str, str]:
        """Everything in the case folder except the output folder (compare with assert_nothing_outside_changed)."""
        return tree(self.root, skip=self.site, contents=self.hash_outside)

    def assert_nothing_outside_changed(self, before: dict[str, str], succeeded: bool = False) -> None:
        """A build that succeeds may also record itself in the project's build cache; one that fails may not."""
        after = self.outside()
        if succeeded:
            before, after = ({k: v for k, v in t.items() if not k.startswith(BUILD_CACHE)} for t in (before, after))
        assert after == before, "changed outside the output folder: " + ", ".join(tree_diff(before, after))
        self.assert_sentinels()

    def assert_sentinels(self) -> None:
        for sentinel in self.sentinels:
            assert sentinel.read_text(encoding="utf-8") == SENTINEL_TEXT, sentinel

    def build(self, *args: str, **kwargs: object) -> Result:
        return self.run("build", "--no-search", *args, **kwargs)  # type: ignore[arg-type]

    def check(self, *args: str) -> Result:
        return self.run("check", *args)

    @contextlib.contextmanager
    def preview(self, *args: str) -> Iterator[Preview]:
        """The real `serve` on 127.0.0.1 for the length of a with-block; it must leave the project as it was
        apart from what the case itself writes, and stop with exit 0."""
        site_before = tree(self.site)
        server = Preview(self.project, *args)
        try:
            yield server
        finally:
            code = server.stop()
        assert code == 0, server.lines
        assert "Traceback" not in "\n".join(server.lines)
        assert tree(self.site) == site_before, "serve must never write into the project's _site/"
        self.assert_sentinels()
