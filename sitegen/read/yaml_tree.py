"""Read YAML as a tree of strings with line numbers, refusing the features editors never need.

Why not `yaml.safe_load`: it turns `no` into False and `1.10` into 1.1, silently keeps the last of two
duplicate keys, raises bare ValueErrors without a line for impossible dates, and accepts anchors and
aliases (alias bombs). Here every scalar stays the string the editor typed, and the schema decides types.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Scalar:
    value: str
    line: int  # 1-based, in the YAML text


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class Mapping:
    items: tuple[tuple[Scalar, Node], ...]
    line: int

    def keys(self) -> list[str]:
        return [key.value for key, _ in self.items]


Node = Scalar | Sequence | Mapping


class YamlError(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


def parse(text: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document; None when it is empty. Lines are reported as file lines, counting the
    text's first line as `first_line`. Raises YamlError."""
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        line, message, hint = explain(exc, text.split("\n"))
        raise YamlError(line + first_line, message, hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, str(exc).splitlines()[0], "check the front matter's syntax") from None
    return _Builder(events, first_line).document()


def explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str, str]:
    """The parser's complaint in plain words: (0-based line, what is wrong, what to do)."""
    problem = (exc.problem or "").rstrip(".")
    at = exc.problem_mark.line if exc.problem_mark is not None else 0
    start = exc.context_mark.line if exc.context_mark is not None else at
    offending = lines[at] if at < len(lines) else ""
    if "tab" in problem or "\t" in offending:
        line = at if "\t" in offending else next((n for n, text in enumerate(lines) if "\t" in text), at)
        return line, "this line is indented with a tab", "use spaces to indent, not the Tab key"
    return (
        _not_closed(exc.context or "", start, lines)
        or _out_of_place(problem, exc.problem_mark is not None, at, start, offending)
        or (
            at,
            f"the front matter cannot be read here ({problem or 'YAML syntax'})",
            ("check indentation, quotes and brackets on this line or the one before"),
        )
    )


def _not_closed(context: str, start: int, lines: list[str]) -> tuple[int, str, str] | None:
    """A quote mark or bracket opened on line `start` and never closed."""
    if "quoted scalar" in context:
        quote = _opening_quote(lines[start] if start < len(lines) else "")
        return (
            start,
            f"a quote mark ({quote}) is opened but never closed",
            f"add the closing {quote} at the end of the value",
        )
    if "flow sequence" in context:
        return start, "a list that opens with '[' is not closed", "add ']' at the end of the list"
    if "flow mapping" in context:
        return start, "an entry that opens with '{' is not closed", "add '}' at the end of the entry"
    return None


def _out_of_place(problem: str, marked: bool, at: int, start: int, offending: str) -> tuple[int, str, str] | None:
    """A colon, quote mark, character or indent where YAML does not expect it."""
    if "mapping values are not allowed" in problem:
        key, value = _key_and_value(offending)
        if ": " in value or value.endswith(":"):
            return at, f"the value of {key} contains a colon (:)", f'put the value in quotes: {key}: "{value}"'
        return at, "this line is indented more than the field before it", _LINE_UP
    if "cannot start any token" in problem and marked:
        key, value = _key_and_value(offending)
        character = value[:1] or offending.strip()[:1]
        return at, f"a value cannot start with '{character}'", f'put the value in quotes: {key}: "{value}"'
    if "could not find expected ':'" in problem:
        return start, "this line has no colon (:) after the field name", "write it as 'name: value'"
    if "expected key" in problem or "indicator" in problem or "expected <block end>" in problem:
        key, value = _key_and_value(offending)
        if value[:1] in "\"'" and value.rstrip()[-1:] != value[:1]:
            return (
                at,
                f"the value of {key} has text after its closing quote mark",
                (f"put the whole value in quotes, or none of it: {key}: {value.replace(value[0], '')}"),
            )
        return at, "this line is not lined up with the lines around it", _LINE_UP
    return None


_LINE_UP = "indent it with the same number of spaces as the other fields or '- ' entries at its level"


def _key_and_value(line: str) -> tuple[str, str]:
    """("title", "Numbness: what it means") for "  - title: Numbness: what it means"."""
    text = line.strip().removeprefix("- ")
    key, _, value = text.partition(":")
    return (key.strip() or "the field"), value.strip()


def _opening_quote(line: str) -> str:
    positions = [(line.find(q), q) for q in "\"'" if q in line]
    return min(positions)[1] if positions else '"'


class _Builder:
    def __init__(self, events: list[yaml.Event], first_line: int) -> None:
        self._events = events
        self._pos = 0
        self._first_line = first_line

    def _next(self) -> yaml.Event:
        event = self._events[self._pos]
        self._pos += 1
        return event

    def document(self) -> Node | None:
        self._next()  # StreamStart
        if isinstance(self._events[self._pos], yaml.StreamEndEvent):
            return None
        self._next()  # DocumentStart
        root = self._node()
        self._next()  # DocumentEnd
        if not isinstance(self._events[self._pos], yaml.StreamEndEvent):
            line = self._line(self._events[self._pos])
            raise YamlError(line, "more than one YAML document", "remove the extra '---' line")
        return root

    def _line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return (mark.line if mark is not None else 0) + self._first_line

    def _node(self) -> Node:
        event = self._next()
        line = self._line(event)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlError(line, "anchors and aliases (& and *) are not allowed", "write the value out in full")
        tag = getattr(event, "tag", None)
        if tag and tag != "!":  # a lone "!" (non-specific tag) just means "a string"
            raise YamlError(line, f"YAML tags such as '{tag}' are not allowed", "remove the '!' tag")
        if isinstance(event, yaml.ScalarEvent):
            return Scalar(event.value, line)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(self._events[self._pos], yaml.SequenceEndEvent):
                items.append(self._node())
            self._next()
            return Sequence(tuple(items), line)
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(line)
        raise YamlError(line, "unexpected YAML structure", "check the front matter's syntax")

    def _mapping(self, line: int) -> Mapping:
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, int] = {}
        while not isinstance(self._events[self._pos], yaml.MappingEndEvent):
            key = self._node()
            if not isinstance(key, Scalar):
                raise YamlError(key.line, "a key must be plain text", "write keys as simple words")
            if key.value in seen:
                raise YamlError(
                    key.line,
                    f"duplicate key '{key.value}' (first on line {seen[key.value]})",
                    "keep one of the two lines",
                )
            seen[key.value] = key.line
            pairs.append((key, self._node()))
        self._next()
        return Mapping(tuple(pairs), line)
