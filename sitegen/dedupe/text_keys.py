"""Comparison keys: two texts that differ only in case, spacing, quotes or punctuation get the same key.

Display text is never changed here; keys are only for comparing (dedup guide, section 1).
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
# Apostrophes inside words are dropped before tokenising so "don't" and "dont" are one token.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


# ASCII letters and digits stay, every other byte becomes a space: a fast path for plain-ASCII text that
# gives the same tokens as the regular expression below, about seven times faster.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128


def tokens(text: str) -> list[str]:
    if text.isascii():
        return text.lower().replace("'", "").encode().translate(_ASCII_WORD_BYTES).decode().split()
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _WORD.findall(_APOSTROPHE.sub("", folded))


def key(text: str) -> str:
    return " ".join(tokens(text))


def sentences(text: str) -> list[str]:
    """Split display text into sentences (good enough for plain patient-information prose)."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def sentence_keys(text: str) -> list[str]:
    return [k for k in (key(sentence) for sentence in sentences(text)) if k]
