"""The de-duplication engine and decoder on their own, with hand-made and generated text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.dedupe.engine import deduplicate
from sitegen.dedupe.similarity import NEAR_DUPLICATE, compare
from sitegen.dedupe.units import HEADING, ITEM, PARAGRAPH, Features, Unit
from sitegen.importer.decode import decode


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        (r"the patient\u2019s arm", "the patient’s arm"),
        (r"line one\nline two\r\nline three", "line one\nline two\nline three"),
        (r"tab\there, quote \"x\", slash a\/b", 'tab here, quote "x", slash a/b'),
        (r"thumbs up \ud83d\udc4d", "thumbs up 👍"),
        (r"doubly escaped\\n and \\u2019", "doubly escaped\n and ’"),
        ("café already decoded, plus \\u00e9", "café already decoded, plus é"),
        ("&amp; &#8217; &lt;3 &nbsp;x", "& ’ <3  x"),
        ("no\u00a0break, zero\u200bwidth, soft\u00adhyphen", "no break, zerowidth, softhyphen"),
        ("patientu2019s and 10u201320", "patient’s and 10u201320"),
        ("typographic ’ “ ” – — kept", "typographic ’ “ ” – — kept"),
    ],
)
def test_decode(raw: str, decoded: str) -> None:
    assert decode(raw) == decoded


def test_decode_never_corrupts_non_ascii_like_unicode_escape_does() -> None:
    assert decode("Übelkeit, naïve, 東京 \\u2019") == "Übelkeit, naïve, 東京 ’"


# Pairs from the dedup guide's section 4 and more: each pair differs in meaning and must never merge.
MEANING_PAIRS = [
    (
        "Take one tablet twice a day with food or a glass of milk.",
        "Take two tablets twice a day with food or a glass of milk.",
    ),
    (
        "Raise your left arm above your head and hold it there for ten seconds.",
        "Raise your right arm above your head and hold it there for ten seconds.",
    ),
    (
        "You should wear the brace at night for the first few weeks after the injury.",
        "You should not wear the brace at night for the first few weeks after the injury.",
    ),
    (
        "Apply a cold compress to the painful area for fifteen minutes every few hours.",
        "Apply a warm compress to the painful area for fifteen minutes every few hours.",
    ),
    (
        "Put an ice pack on the back of your neck for ten minutes to ease the pain.",
        "Put a heat pack on the back of your neck for ten minutes to ease the pain.",
    ),
    (
        "Take ibuprofen with food to protect your stomach if your doctor says it is safe.",
        "Take paracetamol with food to protect your stomach if your doctor says it is safe.",
    ),
    (
        "Tilt your head towards your left shoulder and then look down to your right side.",
        "Tilt your head towards your right shoulder and then look down to your left side.",
    ),
    (
        "Do the stretches before you go to bed so that your neck is relaxed overnight.",
        "Do the stretches after you go to bed so that your neck is relaxed overnight.",
    ),
    (
        "Numbness in the thumb and first two fingers is often worse at night in bed.",
        "Numbness in the little finger and ring finger is often worse at night in bed.",
    ),
    (
        "Call 999 if the numbness comes on suddenly and one side of your face droops.",
        "Call 111 if the numbness comes on suddenly and one side of your face droops.",
    ),
    (
        "Symptoms such as tiredness are common and do not always point to a nerve problem.",
        "Symptoms such as blurred vision are common and do not always point to a nerve problem.",
    ),
    (
        "Rest your wrist for 2 to 3 days and then start gentle exercises again slowly.",
        "Rest your wrist for 5 to 7 days and then start gentle exercises again slowly.",
    ),
]


@pytest.mark.parametrize(("first", "second"), MEANING_PAIRS)
def test_meaning_variants_both_survive(first: str, second: str) -> None:
    units = [Unit(PARAGRAPH, first, 1), Unit(PARAGRAPH, second, 2)]
    result = deduplicate(units)
    assert [u.text for u in result.units] == [first, second]
    assert not compare(Features(first), Features(second)).duplicate
    kept = [d for d in result.decisions if d.action == "kept both"]
    assert kept and kept[0].line == 2 and kept[0].other_line == 1


@pytest.mark.parametrize(
    "variant",
    [
        "Most people find that the tinglng in their fingers settles within a few weeks of starting the exercises.",
        "Most people find that the tingling in their fingers settles within a few weeks of starting the exercises!",
        "most people find that the tingling in their fingers settles within a few weeks of starting the exercises.",
        "Most people find that the tingling in their fingers settles within a few weeks of starting the new exercises.",
        "Most  people find that the tingling in their fingers settles, within a few weeks, of starting the exercises.",
    ],
    ids=["typo", "punctuation", "case", "inserted-word", "spacing"],
)
def test_near_duplicates_are_removed(variant: str) -> None:
    original = (
        "Most people find that the tingling in their fingers settles within a few weeks of starting the exercises."
    )
    result = deduplicate([Unit(PARAGRAPH, original, 1), Unit(PARAGRAPH, variant, 2)])
    assert [u.text for u in result.units] == [original]
    (removed,) = result.removed
    assert removed.line == 2 and removed.other_line == 1 and removed.similarity >= NEAR_DUPLICATE


def test_short_units_repeat_freely_but_go_with_a_repeated_section() -> None:
    units = [
        Unit(HEADING, "Wrist", 1, 2),
        Unit(PARAGRAPH, "Hold for 30 seconds.", 2),
        Unit(ITEM, "Breathe out.", 3),
        Unit(HEADING, "Elbow", 4, 2),
        Unit(PARAGRAPH, "Hold for 30 seconds.", 5),
        Unit(ITEM, "Breathe out.", 6),
    ]
    assert deduplicate(units).units == tuple(units)
    repeated = [
        *units,
        Unit(HEADING, "Wrist", 7, 2),
        Unit(PARAGRAPH, "Hold for 30 seconds.", 8),
        Unit(ITEM, "Breathe out.", 9),
        Unit(ITEM, "Relax.", 10),
    ]
    kept = deduplicate(repeated).units
    assert [u.line for u in kept] == [1, 2, 3, 4, 5, 6, 10]


# --- property tests -------------------------------------------------------------------------------------------

# Real words (all in pyspellchecker's English list), each with real words one or two letters away. Paragraphs
# made of them can differ in a single real word, which the guard must never merge (the old rule merged
# "garden" / "harden" as a typing slip).
NEIGHBOURS = {
    "apple": ("ample",),
    "river": ("liver", "rover"),
    "cloud": ("clout",),
    "stone": ("stove", "store"),
    "bright": ("blight", "fright"),
    "quiet": ("quilt",),
    "garden": ("warden", "harden"),
    "window": ("widow",),
    "paper": ("pager", "caper"),
    "silver": ("sliver",),
    "orange": ("grange",),
    "forest": ("forget",),
}
WORDS = sorted(NEIGHBOURS)
# A keyboard slip in each word (two letters swapped) that is not a word.
TYPOS = {
    "ample": "amlpe", "apple": "aplpe", "blight": "blgiht", "bright": "brgiht", "caper": "caepr", "cloud": "cluod",
    "clout": "cluot", "forest": "foerst", "forget": "fogret", "fright": "frgiht", "garden": "gadren",
    "grange": "grnage", "harden": "hadren", "liver": "lievr", "orange": "ornage", "pager": "paegr", "paper": "paepr",
    "quiet": "queit", "quilt": "qulit", "river": "rievr", "rover": "roevr", "silver": "sivler", "sliver": "slvier",
    "stone": "stnoe", "store": "stroe", "stove": "stvoe", "warden": "wadren", "widow": "wiodw", "window": "widnow",
}  # fmt: skip


def test_the_generated_words_are_real_and_their_slips_are_not() -> None:
    from sitegen.dedupe.words import in_english_list

    real = set(NEIGHBOURS) | {w for ws in NEIGHBOURS.values() for w in ws}
    assert real == set(TYPOS)
    assert all(in_english_list(word) for word in real)
    assert not any(in_english_list(typo) for typo in TYPOS.values())


# Found by hypothesis (kept as plain regression tests): with repeated words, a changed word can align as one
# word deleted and another added, and a moved word as two words added; neither is a typing difference.
FOUND_PAIRS = [
    (
        "Apple apple apple apple apple apple apple apple apple apple apple apple.",
        "Ample apple apple apple apple apple apple apple apple apple apple apple.",
        "different words: apple ≠ ample",
    ),
    (
        "Ample apple apple apple apple apple apple apple apple apple apple apple.",
        "Apple ample apple apple apple apple apple apple apple apple apple apple.",
        "word order differs: apple moved",
    ),
]


@pytest.mark.parametrize(("first", "second", "reason"), FOUND_PAIRS)
def test_found_examples_stay_apart(first: str, second: str, reason: str) -> None:
    assert compare(Features(first), Features(second)).reason == reason
    assert [u.text for u in deduplicate([Unit(PARAGRAPH, first, 1), Unit(PARAGRAPH, second, 2)]).units] == [
        first,
        second,
    ]


@st.composite
def paragraphs(draw: st.DrawFn, count: int) -> list[str]:
    """Distinct paragraphs of 12-20 words: one base paragraph and variants that change one or two of its
    words into a real neighbouring word, so two paragraphs may differ in a single real word."""
    # Real paragraphs use several different words; one word said twelve times ("apple apple ...") is not a
    # paragraph, and a slip in it changes half of its only two word pairs.
    base = draw(st.lists(st.sampled_from(WORDS), min_size=12, max_size=20).filter(lambda ws: len(set(ws)) >= 4))
    texts: list[str] = []
    for _ in range(count * 3):
        words = list(base)
        for _ in range(draw(st.integers(0, 2))):
            index = draw(st.integers(0, len(words) - 1))
            words[index] = draw(st.sampled_from(NEIGHBOURS[base[index]]))
        text = " ".join(words).capitalize() + "."
        if text not in texts:
            texts.append(text)
        if len(texts) == count:
            break
    return texts


def misspelt(text: str, position: int) -> str:
    """One word of the paragraph misspelt (a keyboard slip that makes a non-word)."""
    words = text.rstrip(".!").split()
    index = position % len(words)
    words[index] = TYPOS[words[index].lower()]
    return " ".join(words) + "."


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_unique_paragraph_survives_exactly_once(data: st.DataObject) -> None:
    originals = data.draw(paragraphs(data.draw(st.integers(3, 8))))
    units = [Unit(PARAGRAPH, text, line) for line, text in enumerate(originals, start=1)]
    for _ in range(data.draw(st.integers(1, 6))):
        source = data.draw(st.sampled_from(originals))
        kind = data.draw(st.sampled_from(["exact", "case", "punctuation", "typo"]))
        copy = {
            "exact": source,
            "case": source.upper(),
            "punctuation": source.rstrip(".") + "!",
            "typo": misspelt(source, data.draw(st.integers(0, 30))),
        }[kind]
        units.insert(data.draw(st.integers(len(originals), len(units))), Unit(PARAGRAPH, copy, len(units) + 1))
    kept = [u.text for u in deduplicate(units).units]
    assert kept == originals


# One word from each protected list, inserted: an added word is allowed as a typing difference, so only the
# protected list can keep these apart (swapping "left" for "right" would also be caught as two real words).
PROTECTED_INSERTS = ["not", "usually", "left", "wrist", "cold", "twice", "ml", "double", "severe", "ibuprofen"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_meaning_changing_variants_always_survive(data: st.DataObject) -> None:
    originals = data.draw(paragraphs(2))
    if len(originals) < 2:
        originals.append("Paragraph two " + originals[0])
    swaps = [
        ("left", "right"),
        ("ice", "heat"),
        ("take", "do not take"),
        ("one", "two"),
        ("before", "after"),
        ("hand", "foot"),
        ("morning", "night"),
        ("5 mg", "50 mg"),
        *(("", word) for word in PROTECTED_INSERTS),
    ]
    old, new = data.draw(st.sampled_from(swaps))
    base = originals[0].replace(".", f" {old} apple river cloud.").replace("  ", " ")
    variant = base.replace(
        f" {old} " if old else " apple river cloud.", f" {new} " if old else f" {new} apple river cloud."
    )
    assert variant != base
    units = [Unit(PARAGRAPH, base, 1), Unit(PARAGRAPH, originals[1], 2), Unit(PARAGRAPH, variant, 3)]
    kept = [u.text for u in deduplicate(units).units]
    assert kept == [base, originals[1], variant]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_deduplicating_twice_changes_nothing(data: st.DataObject) -> None:
    originals = data.draw(paragraphs(data.draw(st.integers(2, 6))))
    extra = data.draw(st.lists(st.sampled_from(originals), max_size=4))
    units = [Unit(PARAGRAPH, t, n) for n, t in enumerate(originals + extra, start=1)]
    once = deduplicate(units)
    twice = deduplicate(once.units)
    assert twice.units == once.units
    assert twice.removed == []
