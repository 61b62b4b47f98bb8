"""Write output safely: into a staging folder beside the target, swapped in only after success.

Nothing is ever deleted unless it carries our marker file, and the output folder is checked before any
file is touched (security guide, section 3).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from sitegen.errors import UsageError
from sitegen.model import OutputFile

MARKER = ".sitegen-output"
MARKER_TEXT = b"Made by sitegen (python build.py). The whole folder is replaced on every build.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# Test hook: when set (to anything but ""), commits use the two-rename fallback of systems without renameat2
# (macOS), so the tests can run that path on Linux in a subprocess.
NO_EXCHANGE_ENV = "SITEGEN_TEST_NO_RENAMEAT2"
_STAGE_NAME = re.compile(r"^\.(.+)\.staging-[^/]*$")


class OutputError(UsageError):
    """The output cannot be written (disk full, read-only folder); the previous output is left as it was."""


def check_output_dir(out: Path, project_root: Path, protected: Iterable[Path], force: bool) -> Path:
    """The resolved output folder, or UsageError saying why it must not be written to."""
    if out.is_symlink():
        raise UsageError(f"output folder {out} is a symbolic link; choose a real folder")
    target = out.resolve()
    root = project_root.resolve()
    if target == root or root.is_relative_to(target):
        raise UsageError(f"output folder {out} is or contains the project folder; choose a folder such as _site")
    for folder in protected:
        folder = folder.resolve()
        if target == folder or folder.is_relative_to(target) or target.is_relative_to(folder):
            raise UsageError(f"output folder {out} overlaps {folder.name}/; choose a folder such as _site")
    if not target.is_relative_to(root) and not force:
        raise UsageError(f"output folder {out} is outside the project; add --force if you really mean it")
    if target.exists() and not target.is_dir():
        raise UsageError(f"output folder {out} is a file; choose a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"output folder {out} holds files sitegen did not make (no {MARKER} marker); "
            "choose an empty or new folder, or empty it yourself"
        )
    return target


def is_ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


def write_file(stage: Path, output: OutputFile) -> None:
    relative = PurePosixPath(output.path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"refusing to write outside the output folder: {output.path!r}")
    path = stage.joinpath(*relative.parts)
    try:
        make_folders_below(stage, path.parent)
        replace_file(path, output.data)
    except OSError as exc:
        raise _write_failed(stage, relative.as_posix(), exc) from None


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: beside it first, then renamed over it. The preview rewrites pages while
    they are being served, and an editor may have a page open: a reader sees the old file or the new one, never
    half of one. On failure the OSError is raised and no partial file is left behind."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)  # a preview keeps serving this folder: leave no half-written file in it
        raise


def copy_file(stage: Path, source: Path, relative: str) -> None:
    """Copy `source` to `relative` inside the staging folder (assets)."""
    target = stage / relative
    try:
        make_folders_below(stage, target.parent)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise _write_failed(stage, relative, exc) from None


def _write_failed(stage: Path, relative: str, exc: OSError) -> OutputError:
    """One line naming the file as it would appear in the output folder (not the staging folder)."""
    named = _STAGE_NAME.match(stage.name)
    shown = f"{named.group(1) if named else stage.name}/{relative}"
    return OutputError(
        f"cannot write {shown}: {exc.strerror or exc} (free some disk space or fix the folder's permissions, "
        "then build again; the previous output is unchanged)"
    )


def make_folders_below(root: Path, folder: Path) -> None:
    """Create `folder` and any missing folders between it and `root`, but never `root` itself: if the
    preview removed its folder while a build was still running, the build fails instead of recreating it."""
    if folder.is_dir() or not folder.is_relative_to(root):
        return  # most pages share their folders' parents: one check instead of one per folder up to /
    part = root
    for name in folder.relative_to(root).parts:
        part = part / name
        part.mkdir(exist_ok=True)


class Staging:
    """A marked folder beside the target; `commit()` swaps it in, `discard()` removes it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.prefix = f".{target.name}.staging-"
        check_writable(target)
        remove_leftovers(target)
        self.path = target.parent / f"{self.prefix}{os.getpid()}"
        created = False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.path.mkdir()
            created = True
            (self.path / MARKER).write_bytes(MARKER_TEXT)
        except OSError as exc:
            if created:  # this build's own folder, perhaps holding half a marker: nothing else is in it
                (self.path / MARKER).unlink(missing_ok=True)
                self.path.rmdir()
            raise OutputError(
                f"cannot create a staging folder beside {target}: {exc.strerror or exc} "
                "(free some disk space or make the folder writable; the previous output is unchanged)"
            ) from None

    def commit(self) -> None:
        if self.target.exists():
            if not _exchange(self.path, self.target):
                old = self.target.parent / f"{self.prefix}{os.getpid()}-old"
                self.target.rename(old)
                self.path.rename(self.target)
                self.path = old
            # Now holds the previous build, which carries our marker. The new output is in place, so a folder
            # that cannot be removed now is left for the next build's remove_leftovers() rather than failing.
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            self.path.rename(self.target)

    def discard(self) -> None:
        if is_ours(self.path):
            shutil.rmtree(self.path)


def check_writable(target: Path, folders: Iterable[str] | None = None) -> None:
    """OutputError unless the staging folder can be made beside `target` and every folder of the previous
    output can be emptied: checked before the build writes anything, so a read-only output folder or project
    is refused before any swap instead of failing half-way through replacing the old output. `folders` (relative
    to `target`, "" for itself) saves walking the output when the caller has just listed it."""
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write beside the output folder {target}: {existing} is read-only "
            "(make it writable or choose another folder with --out)"
        )
    if target.is_dir() and not target.is_symlink():
        if folders is None:
            listed: Iterable[str] = (folder for folder, _, _ in os.walk(target))
        else:
            listed = (os.path.join(target, name) if name else str(target) for name in sorted(folders))  # noqa: PTH118
        for folder in listed:
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(
                    f"cannot replace the output folder {target}: {folder} is read-only "
                    "(make it writable or choose another folder with --out; nothing was changed)"
                )


def remove_leftovers(target: Path) -> None:
    """Staging folders left by a killed build (they carry our marker; anything else is left alone). One that
    cannot be removed is left as it is: each build stages into a folder of its own, so it blocks nothing."""
    if not target.parent.is_dir():
        return
    for folder in target.parent.glob(f".{target.name}.staging-*"):
        if is_ours(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where the system cannot."""
    if os.environ.get(NO_EXCHANGE_ENV):
        return False
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
