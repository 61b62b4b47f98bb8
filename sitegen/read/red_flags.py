"""Read rules/red-flags.yml: every warning sign the site names, with the one urgency it always has.

The file sits beside site.yml in `rules/`. A missing file means no listed signs (a site may not need triage)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from sitegen.errors import Problem, SiteError
from sitegen.model import URGENCIES, RedFlag
from sitegen.read.fields import FieldReader
from sitegen.read.source_file import read_yaml_file
from sitegen.read.yaml_tree import Mapping, Node, Scalar, Sequence

RED_FLAGS_FILE = "rules/red-flags.yml"
_ID = r"[a-z0-9]+(-[a-z0-9]+)*"
# Advice phrases that say how urgent something is, strongest first. A sentence naming a sign and only advice of
# another urgency contradicts the site's triage.
ADVICE: dict[str, re.Pattern[str]] = {
    "emergency": re.compile(r"\b(call (for )?an ambulance|ambulance|A&E|emergency|straight to hospital)\b", re.I),
    "urgent": re.compile(r"\b(urgent(ly)?|the same day|today)\b", re.I),
    "non_urgent": re.compile(
        r"\b((see|contact|speak to|talk to|get advice from|ask) (a|your) (GP|doctor)|book (a|an) appointment)\b", re.I
    ),
}


def red_flags_path(config_file: Path) -> Path:
    return config_file.parent / RED_FLAGS_FILE


def load_red_flags(config_file: Path, config_shown: str) -> tuple[RedFlag, ...]:
    path = red_flags_path(config_file)
    if not path.is_file():
        return ()
    shown = str(PurePosixPath(config_shown).parent / RED_FLAGS_FILE)
    root = read_yaml_file(path, shown)
    problems: list[Problem] = []
    flags = _read(root, shown, problems)
    problems.extend(_contradictions(flags, shown))
    if problems:
        raise SiteError(problems)
    return flags


def _read(root: Node | None, shown: str, problems: list[Problem]) -> tuple[RedFlag, ...]:
    if root is None:
        return ()
    if not isinstance(root, Sequence):
        problems.append(Problem(shown, root.line, "", "must be a list of signs", "start each sign with '- id: '"))
        return ()
    flags: list[RedFlag] = []
    seen: set[str] = set()
    for index, item in enumerate(root.items):
        label = f"sign {index + 1}"
        if not isinstance(item, Mapping):
            problems.append(Problem(shown, item.line, label, "must have id, urgency, text, match and basis", ""))
            continue
        fields = FieldReader(item, shown, problems, f"{label}.")
        fields.reject_unknown(("id", "urgency", "text", "match", "basis"))
        flag_id = fields.pattern("id", _ID, "lower-case words joined by hyphens", required=True)
        if flag_id in seen:
            fields.error(fields.line_of("id"), "id", f"'{flag_id}' is used twice", "give each sign its own id")
        seen.add(flag_id)
        fields.text("basis", required=True)
        patterns = fields.items("match", _pattern, "a list of regular expressions")
        flags.append(
            RedFlag(
                id=flag_id,
                urgency=fields.choice("urgency", URGENCIES, required=True),
                text=fields.text("text", required=True, max_len=160),
                patterns=patterns,
                line=item.line,
            )
        )
    return tuple(flags)


def _pattern(item: Node, fields: FieldReader, label: str) -> str | None:
    if not isinstance(item, Scalar) or not item.value.strip():
        fields.error(item.line, label, "must be a regular expression", "write it in single quotes")
        return None
    try:
        re.compile(item.value)
    except re.error as exc:
        fields.error(item.line, label, f"is not a valid regular expression ({exc})", "fix the pattern")
        return None
    return item.value


def _contradictions(flags: tuple[RedFlag, ...], shown: str) -> list[Problem]:
    """A sign's own wording must not describe another sign of a different urgency, or cards would disagree."""
    problems = []
    for flag in flags:
        for other in flags:
            if other.urgency != flag.urgency and matches(other, flag.text):
                problems.append(
                    Problem(
                        shown,
                        flag.line,
                        flag.id,
                        f"its text also describes '{other.id}', which is {label(other.urgency)}",
                        "reword one of the two signs, or narrow the match patterns",
                    )
                )
    return problems


def matches(flag: RedFlag, text: str) -> bool:
    return any(re.search(pattern, text, re.I) for pattern in flag.patterns)


def flags_in(text: str, flags: tuple[RedFlag, ...]) -> list[RedFlag]:
    return [flag for flag in flags if matches(flag, text)]


def advice_levels(text: str) -> set[str]:
    return {level for level, pattern in ADVICE.items() if pattern.search(text)}


def label(urgency: str) -> str:
    return {"emergency": "an emergency", "urgent": "urgent", "non_urgent": "non-urgent"}[urgency]
