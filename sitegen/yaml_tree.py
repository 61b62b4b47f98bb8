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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark is not None else 0
        problem = (exc.problem or "the YAML cannot be read").rstrip(".")
        lines = text.splitlines()
        offending = lines[line] if line < len(lines) else ""
        raise YamlError(line + first_line, problem, _hint_for(problem, offending)) from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, str(exc).splitlines()[0], "check the front matter's syntax") from None
    return _Builder(events, first_line).document()


def _hint_for(problem: str, offending_line: str) -> str:
    if "\t" in offending_line or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "put text containing ': ' in double quotes"
    return "check indentation, quotes and brackets on this line or the one before"


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
