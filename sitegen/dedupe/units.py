"""The units text is cut into, and the decisions made about them: plain data for the engine and its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sitegen.dedupe import text_keys
from sitegen.dedupe.meaning import protected_sequence

HEADING, PARAGRAPH, ITEM, LEAD_IN = "heading", "paragraph", "item", "lead-in"
# Units shorter than this are never removed on their own ("See a GP if:", "Repeat on the other side.").
MIN_TOKENS = 10


@dataclass(frozen=True)
class Unit:
    kind: str  # HEADING, PARAGRAPH, ITEM or LEAD_IN
    text: str  # display text, as it will be written
    line: int  # line in the source file
    level: int = 0  # heading level (2 for "##"), or the list marker's number for numbered items (0: bullet)


@dataclass(frozen=True)
class Decision:
    action: str  # "removed", "kept both", "moved"
    rule: str  # section, run, exact, near, contained, empty heading, boilerplate, guarded, similar, short,
    # unsure
    text: str
    line: int
    other_line: int = 0  # the copy that was kept or compared with
    other_text: str = ""
    similarity: float = 0.0
    reason: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "action": self.action,
            "rule": self.rule,
            "line": self.line,
            "text": self.text,
            "duplicate_of_line": self.other_line,
            "kept_text": self.other_text,
            "similarity": round(self.similarity, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Features:
    """A unit's comparison forms, computed once."""

    text: str
    kind: str = PARAGRAPH
    tokens: tuple[str, ...] = field(init=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        words = tuple(text_keys.tokens(self.text))
        object.__setattr__(self, "tokens", words)
        object.__setattr__(self, "key", " ".join(words))

    @cached_property
    def sentence_keys(self) -> tuple[str, ...]:
        return tuple(text_keys.sentence_keys(self.text))

    @cached_property
    def token_set(self) -> frozenset[str]:
        return frozenset(self.tokens)

    @cached_property
    def protected(self) -> tuple[str, ...]:
        return protected_sequence(self.tokens)

    @property
    def substantial(self) -> bool:
        """Long enough to be removed on its own when it repeats."""
        return self.kind == PARAGRAPH and len(self.tokens) >= MIN_TOKENS
