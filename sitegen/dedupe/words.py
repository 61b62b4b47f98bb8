"""Is a token a real word? pyspellchecker's English dictionary plus the medical vocabulary beside this file.

The meaning guard asks this only about a pair of long words one or two letters apart, which is rare, so
both lists are loaded on first use (about 0.2 s) and most builds never load them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MEDICAL_WORDS = Path(__file__).with_name("medical_words.txt")


def medical_words(path: Path = MEDICAL_WORDS) -> frozenset[str]:
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words.update(line.split("#", 1)[0].lower().split())
    return frozenset(words)


@cache
def _medical() -> frozenset[str]:
    return medical_words()


@cache
def _english() -> frozenset[str]:
    from spellchecker import SpellChecker  # imported here: most builds never need it (30 ms)

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.keys())


def in_english_list(word: str) -> bool:
    return word in _english()


def in_medical_list(word: str) -> bool:
    return word in _medical()


def is_word(word: str) -> bool:
    """True for a word either list knows (tokens are already lower case, apostrophes removed)."""
    return in_medical_list(word) or in_english_list(word)
