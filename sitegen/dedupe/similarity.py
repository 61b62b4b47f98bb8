"""Is one text a near-duplicate of another? A similarity score, then a guard for meaning.

The score is RapidFuzz's normalised Indel similarity of the two comparison keys. A score alone cannot decide
for medical text ("left arm" vs "right arm" scores 0.94), so a merge also needs: the same sequence of
protected words, the same number of sentences, lengths within 20 %, and word-level differences that look
like typing mistakes or one or two added words, never a different word. See BENCHMARKS.md for how the
threshold was measured.

A changed word is a typing slip only when it turns a real word into a non-word ("tingling" / "tinglng"). When
both are real words ("hypoglycaemia" / "hyperglycaemia", "infection" / "injection") the texts differ. When
neither is a known word ("nifedipin" / "nimodipin") nobody can tell here: both texts stay and the pair is
flagged for a person (`unsure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum, auto

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from sitegen.dedupe.meaning import is_protected, opposite_affixes
from sitegen.dedupe.units import Features
from sitegen.dedupe.words import is_word

NEAR_DUPLICATE = 0.90  # merge at or above this score, when the guard allows
REVIEW = 0.80  # report pairs from here up to the threshold as "kept both", for a person to look at
MAX_ADDED_WORDS = 2
MAX_LENGTH_CHANGE = 0.20
UNSURE = "to check by hand"  # the start of an unsure comparison's reason


class Change(Enum):
    """How two close spellings differ."""

    SLIP = auto()  # a typing slip: one is a real word, the other is not
    DIFFERENT = auto()  # different words
    UNKNOWN = auto()  # neither is a known word: a person should look


SLIP, DIFFERENT, UNKNOWN = Change.SLIP, Change.DIFFERENT, Change.UNKNOWN


@dataclass(frozen=True)
class Comparison:
    similarity: float
    duplicate: bool
    reason: str
    unsure: bool = False  # kept only because a changed word is in no word list: a person should look


def within_reach(a: str, b: str, threshold: float) -> bool:
    """False when the lengths alone rule out a similarity of `threshold` (Indel similarity is at most
    2*short/(short+long)); a cheap test before computing the score."""
    short, long = sorted((len(a), len(b)))
    return 2 * short >= threshold * (short + long)


def score(a: Features, b: Features) -> float:
    return float(fuzz.ratio(a.key, b.key)) / 100


def compare(a: Features, b: Features, similarity: float | None = None) -> Comparison:
    similarity = score(a, b) if similarity is None else similarity
    if a.key == b.key:
        return Comparison(1.0, True, "same text after normalising case, spacing and punctuation")
    if a.protected != b.protected:
        return Comparison(similarity, False, "protected words differ: " + _difference(a.protected, b.protected))
    if len(a.sentence_keys) != len(b.sentence_keys):
        return Comparison(similarity, False, "different number of sentences")
    longer, shorter = max(len(a.key), len(b.key)), min(len(a.key), len(b.key))
    if longer and (longer - shorter) / longer > MAX_LENGTH_CHANGE:
        return Comparison(similarity, False, "lengths differ by more than 20%")
    word_problem, unknown = _word_difference(a.tokens, b.tokens)
    if word_problem:
        return Comparison(similarity, False, word_problem)
    if similarity < NEAR_DUPLICATE:
        return Comparison(similarity, False, f"similar ({similarity:.2f}) but below the {NEAR_DUPLICATE:.2f} threshold")
    if unknown:
        pairs = ", ".join(f"'{x}' / '{y}'" for x, y in unknown)
        reason = f"{UNSURE}: {pairs} may be a typing slip or two different words (no word list knows them)"
        return Comparison(similarity, False, reason, unsure=True)
    return Comparison(similarity, True, "near-duplicate: only typing differences or an added word")


def _word_difference(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, list[tuple[str, str]]]:
    """Why the word-level edits are not just typos or an added word (empty when they are), and the changed
    word pairs that no word list knows."""
    added = 0
    removed_words: set[str] = set()
    added_words: set[str] = set()
    unknown: list[tuple[str, str]] = []
    for operation, a1, a2, b1, b2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if operation in ("insert", "delete"):
            added += (a2 - a1) + (b2 - b1)
            removed_words.update(a[a1:a2])
            added_words.update(b[b1:b2])
        elif operation == "replace" and (reason := _replaced_words(a[a1:a2], b[b1:b2], unknown)):
            return reason, unknown
    if added > MAX_ADDED_WORDS:
        return f"{added} words added or removed", unknown
    if moved := removed_words & added_words:
        return f"word order differs: {' '.join(sorted(moved))} moved", unknown  # "ample apple" / "apple ample"
    return _words_swapped(removed_words, added_words, unknown), unknown


def _replaced_words(old: tuple[str, ...], new: tuple[str, ...], unknown: list[tuple[str, str]]) -> str:
    """Why words replaced in place are not just typing slips (empty when they are); the pairs no word list
    knows go to `unknown`."""
    if "".join(old) == "".join(new):
        return ""  # "can not" / "cannot", "pins and needles" split differently
    changes = [word_change(x, y) for x, y in zip(old, new, strict=True)] if len(old) == len(new) else []
    if not changes or DIFFERENT in changes:
        return f"different words: {' '.join(old)} ≠ {' '.join(new)}"
    unknown.extend((x, y) for x, y, c in zip(old, new, changes, strict=True) if c == UNKNOWN)
    return ""


def _words_swapped(removed_words: set[str], added_words: set[str], unknown: list[tuple[str, str]]) -> str:
    """A word removed in one place and another added elsewhere is a changed word, whatever the alignment says
    ("ample apple apple" / "apple apple apple" aligns as one word deleted and one added): why it is not a typing
    slip (empty when it may be one); the pairs no word list knows go to `unknown`."""
    for gone in sorted(removed_words) if added_words else []:
        changes = [word_change(gone, word) for word in sorted(added_words)]
        if SLIP not in changes and UNKNOWN not in changes:
            return f"different words: {gone} ≠ {' '.join(sorted(added_words))}"
        if SLIP not in changes:
            unknown.extend((gone, word) for word, c in zip(sorted(added_words), changes, strict=True) if c == UNKNOWN)
    return ""


def word_change(x: str, y: str) -> Change:
    """SLIP when one of two close spellings is a real word and the other is not; DIFFERENT when they are
    far apart, protected, short, partner medical prefixes or suffixes, or both real words; UNKNOWN when
    neither is a known word."""
    if is_protected(x) or is_protected(y) or min(len(x), len(y)) < 5:
        return DIFFERENT
    allowed = 1 if max(len(x), len(y)) < 8 else 2
    if OSA.distance(x, y) > allowed or opposite_affixes(x, y):
        return DIFFERENT
    real = is_word(x) + is_word(y)
    return (UNKNOWN, SLIP, DIFFERENT)[real]


def _difference(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    for operation, a1, a2, b1, b2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if operation != "equal":
            return f"{' '.join(a[a1:a2]) or '(none)'} ≠ {' '.join(b[b1:b2]) or '(none)'}"
    return "order differs"
