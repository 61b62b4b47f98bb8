"""Read an editor's text file: UTF-8 (with or without BOM), any line endings, size-capped."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import Problem, SiteError
from sitegen.read.yaml_tree import Node, YamlError, parse

MAX_FILE_BYTES = 1_000_000


def read_text(path: Path, shown_as: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[str, Problem | None]:
    """The file's text with "\\n" line endings, or a Problem saying why it cannot be used."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return "", Problem(shown_as, 0, "", f"is too large ({size} bytes, limit {max_bytes})", "split it up")
        data = path.read_bytes()
    except FileNotFoundError:
        return "", Problem(shown_as, 0, "", "does not exist", "check the file name and folder")
    except IsADirectoryError:
        return "", Problem(shown_as, 0, "", "is a folder, not a file", "name a file")
    except OSError as exc:
        return "", Problem(shown_as, 0, "", f"cannot be read ({exc.strerror})", "check the file's permissions")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return "", Problem(
            shown_as, line, "", f"is not valid UTF-8 at byte {exc.start}", "save the file as UTF-8 in your editor"
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return "", Problem(shown_as, line, "", "contains a NUL byte", "this looks like a binary file; remove it")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def read_yaml_file(path: Path, shown_as: str) -> Node | None:
    """A settings file (site.yml, rules/*.yml) as a strict YAML tree; SiteError naming the file and line."""
    text, problem = read_text(path, shown_as)
    if problem is not None:
        raise SiteError([problem])
    try:
        return parse(text)
    except YamlError as exc:
        raise SiteError([Problem(shown_as, exc.line, "", exc.message, exc.hint)]) from None
