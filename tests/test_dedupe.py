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

WORDS = [
    "apple",
    "river",
    "cloud",
    "stone",
    "bright",
    "quiet",
    "garden",
    "window",
    "paper",
    "silver",
    "orange",
    "forest",
]


@st.composite
def paragraphs(draw: st.DrawFn, count: int) -> list[str]:
    """Distinct paragraphs of 12-20 made-up words; each starts with its own number so no two are alike."""
    texts = []
    for number in range(count):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=12, max_size=20))
        texts.append(f"Paragraph {number} " + " ".join(words) + ".")
    return texts


def _typo(text: str, position: int) -> str:
    """Swap two neighbouring letters inside a long word (a keyboard slip)."""
    words = text.split()
    for index in range(len(words)):
        word = words[(position + index) % len(words)]
        if len(word) >= 6 and word.isalpha():
            words[(position + index) % len(words)] = word[:2] + word[3] + word[2] + word[4:]
            return " ".join(words)
    return text


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
            "typo": _typo(source, data.draw(st.integers(0, 10))),
        }[kind]
        units.insert(data.draw(st.integers(len(originals), len(units))), Unit(PARAGRAPH, copy, len(units) + 1))
    kept = [u.text for u in deduplicate(units).units]
    assert kept == originals


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_meaning_changing_variants_always_survive(data: st.DataObject) -> None:
    originals = data.draw(paragraphs(2))
    swaps = [
        ("left", "right"),
        ("ice", "heat"),
        ("take", "do not take"),
        ("one", "two"),
        ("before", "after"),
        ("hand", "foot"),
        ("morning", "night"),
        ("5 mg", "50 mg"),
    ]
    old, new = data.draw(st.sampled_from(swaps))
    base = originals[0].replace(".", f" {old} apple river cloud.")
    variant = base.replace(f" {old} ", f" {new} ")
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
