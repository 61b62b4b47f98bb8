"""Problems found in the site's input, and the exception that carries them to the CLI."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located to a line (1-based; 0 means the whole file)."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""  # stable check code, e.g. "SRC002" (see sitegen/check/codes.py); "" until classified
    column: int = 0  # 1-based; 0 means the whole line

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return one_line(f"{where}: {prefix}{label}{self.message}{hint}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """Control characters (a newline in a file name, say) shown as escapes, so one problem is always one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class SiteError(Exception):
    """The site cannot be built; carries every problem found so they are reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(p.format() for p in self.problems))


class UsageError(Exception):
    """The command line asks for something unsafe or impossible (exit code 2)."""


def display_path(path: Path, root: Path) -> str:
    """A path as editors see it: relative to the project when inside it, POSIX slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
