"""Typed reading of a YAML mapping (see yaml_tree), collecting every problem with its line.

Both site.yml and article front matter are read with this, so an editor gets the same kind of message
for the same kind of mistake in either file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from rapidfuzz import fuzz, process

from sitegen.errors import Problem
from sitegen.read.yaml_tree import Mapping, Node, Scalar, Sequence

T = TypeVar("T")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What one entry of a list is called in messages ("the 2nd reviewer"); other lists say "the 2nd entry in x".
_ENTRY_NAMES = {
    "sources": "source",
    "reviewers": "reviewer",
    "authors": "author",
    "changes": "change",
    "related": "related page",
    "topics": "topic",
    "aliases": "alias",
    "publishers": "publisher",
    "footer_links": "footer link",
    "duplicate_allowlist": "paragraph hash",
    "emergency": "sign",
    "urgent": "sign",
    "non_urgent": "sign",
    "codes": "code",
    "causes": "cause",
    "symptoms": "symptom",
    "treatments": "treatment",
    "risk_factors": "risk factor",
    "tests": "test",
    "specialty": "specialty",
    "match": "pattern",
}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ..."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


_FEW = 50  # up to this many candidates difflib alone is quick enough


def suggestion(value: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    """The known value closest to `value` (ignoring case), or "" when none is close."""
    known = list(known)
    folded = {item.casefold(): item for item in known}
    if value.casefold() in folded:
        return folded[value.casefold()]
    candidates = list(folded)
    if len(candidates) <= _FEW:
        close = difflib.get_close_matches(value.casefold(), candidates, n=1, cutoff=cutoff)
        return folded[close[0]] if close else ""
    best = _closest(value.casefold(), candidates, cutoff)
    return folded[best] if best else ""


def _closest(value: str, candidates: list[str], cutoff: float) -> str:
    """What difflib.get_close_matches(value, candidates, n=1, cutoff) answers, without comparing with every
    candidate: difflib's ratio costs about a millisecond a pair in pure Python, so among 10,000 pages each broken
    link took seconds. rapidfuzz's ratio counts the longest common subsequence, never fewer characters than difflib
    matches, so it is an upper bound of difflib's ratio: candidates are tried best bound first, and once the bound
    falls below the best ratio found, no later one can win."""
    bounded = process.extract(value, candidates, scorer=fuzz.ratio, score_cutoff=cutoff * 100 - 1e-6, limit=None)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(value)
    best_ratio, best = cutoff, ""
    for candidate, bound, _ in bounded:  # highest bound first
        if bound / 100 < best_ratio - 1e-9:
            break
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio >= cutoff and (ratio, candidate) > (best_ratio, best):
                best_ratio, best = ratio, candidate
    return best


class FieldReader:
    """Reads one mapping. Every accessor returns a usable default and records a Problem on error."""

    def __init__(self, node: Mapping, path: str, problems: list[Problem], prefix: str = "", owner: str = "") -> None:
        self.node = node
        self.path = path
        self.problems = problems
        self.prefix = prefix  # "care." for the fields of a mapping
        self.owner = owner  # "the 10th source" for the fields of a list entry
        self._values = {key.value: (key, value) for key, value in node.items}
        self._misspelt: set[str] = set()  # known fields an unknown one is a near miss of, already reported

    # ----- bookkeeping
    def error(self, line: int, name: str, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self.path, line, self.label(name), message, hint, code=code))

    def label(self, name: str) -> str:
        """How a field is named to editors: "care.urgent", "kind of the 10th source"."""
        if name.startswith("the "):  # an entry label from entry_label, already complete
            return name
        return f"{self.prefix}{name} of {self.owner}" if self.owner else f"{self.prefix}{name}"

    def entry_label(self, name: str, index: int) -> str:
        """An entry of list `name`, counted from 1 as people count: "the 10th source"."""
        where = self.label(name)
        entry = f"the {ordinal(index + 1)} {_ENTRY_NAMES.get(name, 'entry')}"
        return entry if where == name and name in _ENTRY_NAMES else f"{entry} in {where}"

    def has(self, name: str) -> bool:
        return name in self._values and not _is_empty(self._values[name][1])

    def line_of(self, name: str) -> int:
        return self._values[name][0].line if name in self._values else self.node.line

    def reject_unknown(self, known: Iterable[str]) -> None:
        known = list(known)
        for key, _ in self.node.items:
            if key.value not in known:
                close = difflib.get_close_matches(key.value, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(sorted(known))
                self.error(key.line, key.value, "unknown field", hint)
                self._misspelt.update(close)

    def _missing(self, name: str) -> bool:
        """Whether a required field is missing and not already reported as misspelt (one mistake, one message)."""
        return not self.has(name) and name not in self._misspelt

    def _get(self, name: str, required: bool) -> Node | None:
        if not self.has(name):
            if required and self._missing(name):
                self.error(self.line_of(name), name, "is required", f"add a line '{name}: ...'{self._where()}")
            return None
        return self._values[name][1]

    def _where(self) -> str:
        return f" to {self.owner}" if self.owner else (f" under {self.prefix[:-1]}" if self.prefix else "")

    # ----- typed accessors
    def text(self, name: str, required: bool = False, max_len: int = 0, min_len: int = 0) -> str:
        node = self._get(name, required)
        if node is None:
            return ""
        if not isinstance(node, Scalar):
            self.error(node.line, name, "must be a single line of text", "remove the list or sub-fields")
            return ""
        value = " ".join(node.value.split())
        if max_len and len(value) > max_len:
            self.error(node.line, name, f"is {len(value)} characters long (limit {max_len})", "shorten it")
        if min_len and len(value) < min_len:
            self.error(node.line, name, f"is {len(value)} characters long (at least {min_len})", "say a bit more")
        return value

    def choice(self, name: str, allowed: Iterable[str], required: bool = False, default: str = "") -> str:
        allowed = list(allowed)
        if required and not self.has(name):
            if not self._missing(name):
                return default
            hint = f"add a line '{name}: ...'{self._where()}, using one of: " + ", ".join(allowed)
            self.error(self.line_of(name), name, "is required", hint)
            return default
        value = self.text(name)
        if not value:
            return default
        if value not in allowed:
            close = suggestion(value, allowed)
            choices = "use one of: " + ", ".join(allowed)
            hint = f"did you mean '{close}'? ({choices})" if close else choices
            self.error(self.line_of(name), name, f"'{value}' is not allowed", hint)
            return default
        return value

    def pattern(self, name: str, regex: str, hint: str, required: bool = False) -> str:
        value = self.text(name, required)
        if value and not re.fullmatch(regex, value):
            self.error(self.line_of(name), name, f"'{value}' is not in the expected form", hint)
            return ""
        return value

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self.text(name, required)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(self.line_of(name), name, f"'{value}' is not a valid date (YYYY-MM-DD)", date_hint(value))
        return parsed

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.text(name)
        if not value:
            return default
        if value not in ("true", "false"):
            self.error(self.line_of(name), name, f"'{value}' is not true or false", "write true or false")
            return default
        return value == "true"

    def text_list(self, name: str, required: bool = False, min_items: int = 0) -> tuple[str, ...]:
        return self.items(name, _scalar_text, "a list of short texts", required, min_items)

    def mapping(self, name: str, required: bool = False) -> FieldReader | None:
        node = self._get(name, required)
        if node is None:
            return None
        if not isinstance(node, Mapping):
            self.error(node.line, name, "must have sub-fields", "write 'name: value' lines indented under it")
            return None
        return FieldReader(node, self.path, self.problems, f"{self.label(name)}.")

    def items(
        self,
        name: str,
        read_item: Callable[[Node, FieldReader, str], T | None],
        what: str,
        required: bool = False,
        min_items: int = 0,
    ) -> tuple[T, ...]:
        node = self._get(name, required)
        if node is None:
            if min_items and not required and name in self._values:
                self.error(self.line_of(name), name, f"needs at least {min_items} entries", f"write {what}")
            return ()
        if not isinstance(node, Sequence):
            self.error(node.line, name, f"must be {what}", "start each entry with '- ' or use [a, b]")
            return ()
        if len(node.items) < min_items:
            self.error(node.line, name, f"has {len(node.items)} entries (at least {min_items})", f"add {what}")
        values = []
        for index, item in enumerate(node.items):
            value = read_item(item, self, self.entry_label(name, index))
            if value is not None:
                values.append(value)
        return tuple(values)

    def sub_reader(self, item: Node, label: str, what: str) -> FieldReader | None:
        if not isinstance(item, Mapping):
            self.error(item.line, label, f"must be {what}", "write 'name: value' pairs for this entry")
            return None
        return FieldReader(item, self.path, self.problems, owner=label)


def _scalar_text(item: Node, reader: FieldReader, label: str) -> str | None:
    if not isinstance(item, Scalar) or not item.value.strip():
        reader.error(item.line, label, "must be a short text", "write the entry on one line")
        return None
    return " ".join(item.value.split())


def _is_empty(node: Node) -> bool:
    return isinstance(node, Scalar) and node.value.strip() in ("", "~", "null")


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SHORT_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date_hint(value: str) -> str:
    """The date written the way we need it, when the mistake is only the order or the zeros (25/11/2026 is
    day first, as in the UK); otherwise an example."""
    day_first, short = _DAY_FIRST.match(value), _SHORT_ISO.match(value)
    try:
        if day_first:
            day, month, year = (int(part) for part in day_first.groups())
            meant = dt.date(year, month, day)
            if day <= 12 and day != month:  # 03/04/2026 could be either: say which we read it as
                return f"write it as {meant.isoformat()} (year-month-day) if you mean {day} {meant:%B %Y}"
            return f"write it as {meant.isoformat()} (year-month-day)"
        if short:
            meant = dt.date(*(int(part) for part in short.groups()))
            return f"write it as {meant.isoformat()} (two digits for the month and the day)"
    except ValueError:
        pass
    if _ISO_DATE.match(value):
        return "there is no such day: check the month (01 to 12) and the day"
    return "write the year, month and day with hyphens, e.g. 2025-01-31"


def parse_date(value: str) -> dt.date | None:
    if not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
