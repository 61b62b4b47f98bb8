"""Behaviour that surviving mutants of benchmarks/mutation.py showed no other test pinned down.

Each test names the mutant it kills; see the "Mutation testing" section of BENCHMARKS.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.dedupe.engine import deduplicate
from sitegen.dedupe.meaning import opposite_affixes, protected_sequence
from sitegen.dedupe.similarity import NEAR_DUPLICATE, Comparison, compare, score, within_reach
from sitegen.dedupe.units import PARAGRAPH, Features, Unit
from sitegen.render.markdown import BodyRenderer, RenderedBody
from tests.sample_site import run_build


def render(body: str, base_path: str = "/") -> str:
    result = BodyRenderer(base_path).render(body, (), "a.md", 5)
    assert isinstance(result, RenderedBody)
    return result.html


def test_text_attributes_with_a_colon_are_not_treated_as_links() -> None:
    # Mutant: sanitize.py passes every attribute, not only href and src, through the URL check, which drops
    # alt and title text whose first word ends in a colon (it looks like a scheme).
    html = render(
        "*[NSAID]: Anti-inflammatory: ibuprofen or naproxen\n\nTake an NSAID.\n\n![Diagram: the wrist](/img/a.png)",
        base_path="/preview/",
    )
    assert '<abbr title="Anti-inflammatory: ibuprofen or naproxen">NSAID</abbr>' in html
    assert 'alt="Diagram: the wrist"' in html
    assert 'src="/preview/img/a.png"' in html


def test_an_output_folder_that_is_a_symbolic_link_is_refused(project: Path) -> None:
    # Mutant: writer.py without the symbolic-link check. The parametrised refusals in test_safe_output.py all
    # point the link outside the project, where another check refuses it too; this one points inside.
    real = project / "real-output"
    real.mkdir()
    (project / "_site").symlink_to(real)
    result = run_build(project, "--out", str(project / "_site"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: output folder {project / '_site'} is a symbolic link; choose a real folder\n"
    assert list(real.iterdir()) == []


# One word from each list in sitegen/dedupe/meaning.py, added to a sentence. Without the list the word would be
# just "one added word", which the near-duplicate rule allows, so each pair pins its list down (mutants: the
# list blanked; protected_sequence keeping only negations).
_REST = "Rest the sore wrist on a soft pillow and keep it raised when you go to sleep at night."
_TAKE = "Take paracetamol with a glass of water after you have eaten something, when the pain starts."
ADDED_PROTECTED_WORD = {
    "modality": (_REST, _REST.replace("and keep", "and always keep")),
    "direction": (_REST, _REST.replace("sore wrist", "sore left wrist")),
    "body": (_REST, _REST.replace("sore wrist", "sore wrist and elbow")),
    "thermal": (_REST, _REST.replace("soft pillow", "soft warm pillow")),
    "timing": (_REST, _REST.replace("raised", "raised daily")),
    "units": (_TAKE, _TAKE.replace("paracetamol", "paracetamol tablets")),
    "number words": (_TAKE, _TAKE.replace("Take paracetamol", "Take two paracetamol")),
    "scale": (_TAKE, _TAKE.replace("Take paracetamol", "Take more paracetamol")),
    "medicines": (_TAKE, _TAKE.replace("paracetamol", "paracetamol and codeine")),
}


@pytest.mark.parametrize(("first", "second"), ADDED_PROTECTED_WORD.values(), ids=ADDED_PROTECTED_WORD.keys())
def test_an_added_protected_word_keeps_both_texts(first: str, second: str) -> None:
    comparison = compare(Features(first), Features(second))
    assert comparison.similarity >= NEAR_DUPLICATE  # the score alone would merge them
    assert not comparison.duplicate
    assert comparison.reason.startswith("protected words differ")
    assert [unit.text for unit in deduplicate([Unit(PARAGRAPH, first, 1), Unit(PARAGRAPH, second, 2)]).units] == [
        first,
        second,
    ]


def test_a_repeated_word_counts_once_except_a_negation() -> None:
    # Mutants: protected_sequence with `word != previous` or `word in NEGATION` flipped.
    assert protected_sequence(["you", "can", "can", "take", "it"]) == protected_sequence(["you", "can", "take", "it"])
    assert protected_sequence(["do", "not", "not", "take", "it"]) != protected_sequence(["do", "not", "take", "it"])


@pytest.mark.parametrize("restrictor", ["only", "unless", "until", "when", "except", "after", "before", "while", "but"])
def test_a_fragment_followed_by_a_restricting_word_is_kept(restrictor: str) -> None:
    # Mutant: RESTRICTORS blanked, so the plain advice vanished into the fuller text ("... only if ...").
    part = "Take ibuprofen with food to protect your stomach from irritation and bleeding."  # 10 words or more
    whole = f"{part[:-1]} {restrictor} your doctor says so."
    result = deduplicate([Unit(PARAGRAPH, part, 1), Unit(PARAGRAPH, whole, 2)])
    assert [unit.text for unit in result.units] == [part, whole]


def test_each_similarity_guard_decides_on_its_own() -> None:
    # Mutants: similarity.compare without the sentence-count, length or threshold check (or with `<=` at the
    # threshold). In the other tests an earlier check always decided first, so these branches never ran.
    two = Features("Rest the wrist for two days. Then start the exercises again slowly.")
    one = Features("Rest the wrist for two days then start the exercises agian slowly.")
    assert compare(two, one) == Comparison(compare(two, one).similarity, False, "different number of sentences")
    short, longer = Features("Rest the wrist."), Features("Rest the sore swollen wrist.")
    assert compare(short, longer) == Comparison(score(short, longer), False, "lengths differ by more than 20%")
    typo = Features("Most people find that the tinglng in their fingers settles within a few weeks.")
    right = Features("Most people find that the tingling in their fingers settles within a few weeks.")
    assert compare(typo, right, NEAR_DUPLICATE).duplicate
    below = compare(typo, right, NEAR_DUPLICATE - 0.001)
    assert not below.duplicate and below.reason == "similar (0.90) but below the 0.90 threshold"


_TINGLING = "Most people find that the tingling in their fingers settles within a few weeks of starting the exercises."
_SYMPTOMS = "Symptoms such as tiredness are common and do not always point to a nerve problem in the hand."
_SPLINT = "You can wear the splint when you type or use a computer mouse for a long time."
_CREAM = "Apply the cream gently to the sore skin and let it soak in for a few minutes."
_REST_WEEK = "Rest and wear a splint on the sore wrist for a week or so until it feels better."
WORD_DIFFERENCES = {
    # Mutants: _typo always true; without its protected/short-word check; long-word allowance for short words.
    "long different words": (_SYMPTOMS, _SYMPTOMS.replace("tiredness", "dizziness"), "different words"),
    "short words one letter apart": (_SPLINT, _SPLINT.replace("wear", "tear"), "different words: wear ≠ tear"),
    "two letters in a short word": (_CREAM, _CREAM.replace("cream", "steam"), "different words: cream ≠ steam"),
    # Mutant: replacing one word by two crashed on zip(strict=True) once the `or` became `and`.
    "one word for two": (_REST_WEEK, _REST_WEEK.replace("a splint", "a soft brace"), "different words: splint ≠ soft"),
    # Mutants: added words not counted ("insert"/"delete" blanked, `added +=` or the limit dropped).
    "three added words": (
        _TINGLING,
        _TINGLING.replace("settles", "slowly settles").replace("few", "few short").replace("the ex", "the new ex"),
        "3 words added or removed",
    ),
    "three removed words": (
        _TINGLING.replace("settles", "slowly settles").replace("few", "few short").replace("the ex", "the new ex"),
        _TINGLING,
        "3 words added or removed",
    ),
}


@pytest.mark.parametrize(("first", "second", "reason"), WORD_DIFFERENCES.values(), ids=WORD_DIFFERENCES.keys())
def test_word_differences_that_are_not_typing_mistakes(first: str, second: str, reason: str) -> None:
    comparison = compare(Features(first), Features(second))
    assert comparison.similarity >= NEAR_DUPLICATE
    assert not comparison.duplicate
    assert comparison.reason.startswith(reason)


def test_two_added_words_are_still_a_near_duplicate() -> None:
    # Mutant: `added > MAX_ADDED_WORDS` turned into `>=`.
    second = _TINGLING.replace("settles", "slowly settles").replace("the ex", "the new ex")
    assert compare(Features(_TINGLING), Features(second)).duplicate


def test_the_same_text_after_normalising_is_a_duplicate() -> None:
    # Mutant: compare returned None for equal keys (no other test compares two equal keys).
    same = compare(Features("Rest the wrist,  then RAISE it."), Features("rest the wrist then raise it"))
    assert same == Comparison(1.0, True, "same text after normalising case, spacing and punctuation")


@pytest.mark.parametrize("cue", ["avoid", "stop", "without"])
def test_a_fragment_after_an_avoiding_word_is_kept(cue: str) -> None:
    # "Sleeping with your wrists bent" must not vanish into the fuller advice that says the opposite.
    part = "Sleeping with your wrists bent under the pillow for many hours every night."
    whole = f"Try to {cue} sleeping with your wrists bent under the pillow for many hours every night."
    result = deduplicate([Unit(PARAGRAPH, part, 1), Unit(PARAGRAPH, whole, 2)])
    assert [unit.text for unit in result.units] == [part, whole]


# One pair of real terms for each partner prefix and suffix; the shortest stem the rule accepts is 3 letters
# ("col" in colectomy). Hard-coded here, not read from the module, so blanking a table entry fails a case.
OPPOSITE_TERMS = [
    ("hypokalaemia", "hyperkalaemia"),
    ("abduction", "adduction"),
    ("afferent", "efferent"),
    ("unilateral", "bilateral"),
    ("inhalation", "exhalation"),
    ("intracranial", "extracranial"),
    ("intracostal", "intercostal"),
    ("endogenous", "exogenous"),
    ("microcytic", "macrocytic"),
    ("colectomy", "colostomy"),
    ("colectomy", "colotomy"),
    ("colostomy", "colotomy"),
    ("arthritis", "arthrosis"),
]


@pytest.mark.parametrize(("one", "other"), OPPOSITE_TERMS, ids=[f"{a}-{b}" for a, b in OPPOSITE_TERMS])
def test_partner_prefixes_and_suffixes_make_different_words(one: str, other: str) -> None:
    assert opposite_affixes(one, other) and opposite_affixes(other, one)


def test_a_stem_shorter_than_three_letters_is_not_a_partner_pair() -> None:
    assert not opposite_affixes("coectomy", "coostomy")  # stem "co": too short to be one word's stem


def test_the_length_pre_check_rules_out_only_pairs_that_cannot_reach_the_threshold() -> None:
    # 2 * 9 == 0.9 * (9 + 11): a pair of these lengths can still score exactly 0.90, so it must be compared.
    assert within_reach("a" * 9, "b" * 11, 0.9)
    assert not within_reach("a" * 5, "b" * 20, 0.9)


def test_a_length_change_of_exactly_a_fifth_is_still_compared() -> None:
    # Keys of 10 and 8 characters (no protected words): (10 - 8) / 10 is 20%, which is not "more than 20%".
    ten, eight = Features("Soft towel"), Features("Soft mat")
    assert (len(ten.key), len(eight.key)) == (10, 8)
    assert compare(ten, eight).reason != "lengths differ by more than 20%"
    assert compare(Features("Soft towels"), eight).reason == "lengths differ by more than 20%"
