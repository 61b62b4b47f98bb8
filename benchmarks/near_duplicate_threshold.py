"""Measure where the near-duplicate threshold should sit, and why the meaning guard is needed.

    python benchmarks/near_duplicate_threshold.py

Units are paragraphs and single sentences (10+ words) from the shared synthetic corpus. For each unit we make
copies that are duplicates in meaning (a typo, a dropped letter, an added filler word, a doubled word,
changed case and punctuation) and copies that are not (left/right, ice/heat, an added "not", a changed
number, a different body part). The corpus itself supplies a third set: pairs of different units built from
the same sentence template ("Symptoms such as tiredness..." / "Symptoms such as blurred vision..."), which
look alike but say different things. For each threshold the script reports how many true copies would be
merged and how many different-meaning pairs would be merged, by the score alone and with the guard.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # a sibling script, not a package
import report

from sitegen.check.duplicates import body_units
from sitegen.dedupe.similarity import compare
from sitegen.dedupe.text_keys import sentences
from sitegen.dedupe.units import Features

THRESHOLDS = (0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96)
FILLERS = ("really", "also", "simply", "generally", "quite", "still")
FLIPS = (("left", "right"), ("ice", "heat"), ("hand", "foot"), ("morning", "evening"), ("two", "three"))


def corpus_units(articles: int = 400) -> list[str]:
    project = corpus.make_project(articles, corpus.REPO / "benchmarks" / ".work" / "threshold")
    units: list[str] = []
    for path in sorted((project / "content" / "articles").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for unit in body_units(body):
            if unit.kind == "paragraph" and "[" not in unit.text:
                units.append(unit.text)
                units.extend(s for s in sentences(unit.text) if len(s.split()) >= 10)
    return sorted({u for u in units if len(u.split()) >= 10})


KINDS = ("case and punctuation", "swapped letters", "dropped letter", "added filler word", "doubled word")


def same_meaning_copies(text: str, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, copy) pairs; the typo kinds only where the text has a word of 6+ letters."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    copies = [(KINDS[0], text.upper().rstrip(".") + "!")]
    if long_words:
        i = rng.choice(long_words)
        w = words[i]
        copies.append((KINDS[1], " ".join([*words[:i], w[:2] + w[3] + w[2] + w[4:], *words[i + 1 :]])))
        copies.append((KINDS[2], " ".join([*words[:i], w[:-2] + w[-1], *words[i + 1 :]])))
    position = rng.randrange(1, len(words))
    copies.append((KINDS[3], " ".join([*words[:position], rng.choice(FILLERS), *words[position:]])))
    copies.append((KINDS[4], " ".join([*words[:position], words[position], *words[position:]])))
    return copies


def different_meaning_copies(text: str, rng: random.Random) -> list[str]:
    words = text.split()
    position = rng.randrange(1, len(words))
    copies = [" ".join([*words[:position], "not", *words[position:]])]
    for old, new in FLIPS:
        at = rng.randrange(1, len(words))
        copies.append(" ".join([*words[:at], old, *words[at:]]) + " ~ " + " ".join([*words[:at], new, *words[at:]]))
    return copies


def merged(a: str, b: str, threshold: float) -> tuple[bool, bool]:
    """(merged by the score alone, merged by score and guard) at this threshold."""
    fa, fb = Features(a), Features(b)
    score = fuzz.ratio(fa.key, fb.key) / 100
    guarded = compare(fa, fb, similarity=1.0).duplicate  # the guard's verdict, whatever the score
    return score >= threshold, score >= threshold and guarded


def label_only(a: str, b: str) -> bool:
    """The corpus sometimes adds an "Important:" label to a sentence: the same words, not a different text."""
    return Features(a).key.replace("important ", "") == Features(b).key.replace("important ", "")


def main() -> int:
    started = time.perf_counter()
    rng = random.Random(42)
    units = corpus_units()
    sample = rng.sample(units, min(1500, len(units)))
    positives = [(kind, u, c) for u in sample for kind, c in same_meaning_copies(u, rng)]
    negatives: list[tuple[str, str]] = []
    for unit in sample:
        for copy in different_meaning_copies(unit, rng):
            a, _, b = copy.partition(" ~ ")
            negatives.append((a, b) if b else (unit, copy))
    # Different units of the corpus that look alike: the closest neighbour of each sampled unit.
    keys = [Features(u).key for u in units]
    siblings: list[tuple[str, str]] = []
    labelled = 0
    for unit in sample[:600]:
        key = Features(unit).key
        best = max((fuzz.ratio(key, other, score_cutoff=80), i) for i, other in enumerate(keys) if other != key)
        if best[0] and label_only(unit, units[best[1]]):
            labelled += 1
        elif best[0]:
            siblings.append((unit, units[best[1]]))
    rows = []
    for threshold in THRESHOLDS:
        kept = [merged(a, b, threshold) for _, a, b in positives]
        flipped = [merged(a, b, threshold) for a, b in negatives]
        alike = [merged(a, b, threshold) for a, b in siblings]
        rows.append(
            f"| {threshold:.2f} | {sum(g for _, g in kept) / len(kept):.1%} | {sum(s for s, _ in flipped)} | "
            f"{sum(g for _, g in flipped)} | {sum(s for s, _ in alike)} | {sum(g for _, g in alike)} |"
        )
        print(rows[-1])
    by_kind = []
    for kind in KINDS:
        pairs = [(a, b) for k, a, b in positives if k == kind]
        scores = [fuzz.ratio(Features(a).key, Features(b).key) / 100 for a, b in pairs]
        guarded = sum(compare(Features(a), Features(b), similarity=1.0).duplicate for a, b in pairs)
        by_kind.append(f"| {kind} | {len(pairs)} | {min(scores):.3f} | {guarded / len(pairs):.1%} |")
    body = "\n".join(
        [
            f"Measured with `python benchmarks/near_duplicate_threshold.py` on {len(sample)} units (paragraphs and "
            f"single sentences of 10+ words) from 400 synthetic articles, in {time.perf_counter() - started:.0f} s.",
            f"{len(positives)} same-meaning copies; {len(negatives)} different-meaning pairs (an added 'not', "
            "left/right, ice/heat, hand/foot, morning/evening, two/three inserted at the same place); "
            f"{len(siblings)} pairs of different corpus units scoring 80 or more against each other (same "
            f"sentence template, different content). {labelled} more near neighbours differed only by an "
            "'Important:' label, which is the same text, and are left out of the look-alike column.",
            "",
            "| Threshold | Same-meaning copies merged (with guard) | Meaning flips merged, score alone | "
            "Meaning flips merged, with guard | Look-alike units merged, score alone | "
            "Look-alike units merged, with guard |",
            "|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "| Kind of same-meaning copy | Pairs | Lowest score | Passed by the guard |",
            "|---|---:|---:|---:|",
            *by_kind,
            "",
            "Meaning flips score as high as true copies, so no threshold separates them by score alone; the "
            "guard (same protected words in the same order, same sentence count, length within 20%, word "
            "changes limited to typing slips and up to two added words) keeps every one apart. The threshold "
            "sits at 0.90, below the lowest score of any copy made by one slip in a 10+ word unit, and above "
            "most look-alike units; pairs from 0.80 to 0.90 are reported as 'kept both' for a person to "
            "review. Copies the guard holds back are typing slips inside a protected word ('durnig' for "
            "'during'): they are kept and reported, the safe side for health text.",
        ]
    )
    report.update_section("Near-duplicate threshold", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
