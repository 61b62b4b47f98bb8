"""Words that carry meaning a near-duplicate must not lose (dedup guide, section 4).

Two texts whose sequences of these words differ are never merged, however similar they look: "apply ice"
and "apply heat", "left arm" and "right arm", "take" and "do not take", "twice a day" and "once a day".
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATION = _words(
    "no not never none nor neither nothing nobody without avoid avoiding stop stopping cannot cant dont doesnt "
    "didnt isnt arent wasnt werent wont wouldnt shouldnt mustnt couldnt hasnt havent hadnt refuse deny"
)
MODALITY = _words(
    "can could may might must should shall will would do does did only always often sometimes usually rarely "
    "seldom occasionally frequently mostly unless if except"
)
DIRECTION = _words(
    "left right both one either each neither inside outside inner outer upper lower front back up down forward "
    "forwards backward backwards above below under over behind top bottom side sides clockwise anticlockwise "
    "towards away into onto"
)
BODY = _words(
    "hand hands finger fingers fingertip fingertips thumb thumbs wrist wrists arm arms forearm forearms elbow "
    "elbows shoulder shoulders neck spine spinal back leg legs foot feet toe toes face head chest knee knees hip "
    "hips disc discs nerve nerves vertebra vertebrae skin eye eyes mouth lip lips tongue bladder bowel bowels "
    "brain heart muscle muscles joint joints palm palms index middle ring little pinky cord root roots"
)
THERMAL = _words("ice iced icy heat heated heating hot cold warm warmth cool cooling frozen freezing")
TIMING = _words(
    "before after first then next day days daily night nights nightly morning mornings evening evenings week "
    "weeks weekly month months monthly year years yearly hour hours hourly minute minutes second seconds once "
    "twice immediately now later today tomorrow during while until within since"
)
UNITS = _words("mg mcg ml g kg mmol percent times dose doses tablet tablets")
NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "hundred thousand half quarter dozen single double"
)
SCALE = _words("more less most least worse better higher lower increase decrease mild moderate severe")
MEDICINES = _words(
    "ibuprofen paracetamol acetaminophen aspirin naproxen codeine gabapentin pregabalin amitriptyline "
    "duloxetine metformin steroid steroids corticosteroid antibiotics"
)
PROTECTED = NEGATION | MODALITY | DIRECTION | BODY | THERMAL | TIMING | UNITS | NUMBER_WORDS | SCALE | MEDICINES
_DIGITS = re.compile(r"\d")

# NegEx-style cues that make a fragment found inside a longer text mean something else there.
NEGATION_CUES = NEGATION  # "avoid", "stop" and "without" are negations already
RESTRICTORS = _words("if unless only until when except after before while but")


# Word beginnings and endings that change a medical word's meaning while changing only one or two letters:
# "hypokalaemia" and "hyperkalaemia", "abduction" and "adduction", "colectomy" and "colostomy". Two words
# that differ only by swapping one of these for its partner are different words even when neither word is
# in any word list. Prefixes and suffixes from standard medical terminology (e.g. the NHS website's condition
# names and Terminologia Anatomica's terms of movement).
OPPOSITE_PREFIXES = (
    ("hypo", "hyper"),
    ("ab", "ad"),
    ("af", "ef"),
    ("uni", "bi"),
    ("in", "ex"),
    ("intra", "extra"),
    ("intra", "inter"),
    ("endo", "exo"),
    ("micro", "macro"),
)
OPPOSITE_SUFFIXES = (("ectomy", "ostomy"), ("ectomy", "otomy"), ("ostomy", "otomy"), ("itis", "osis"))
MIN_STEM = 3


def opposite_affixes(x: str, y: str) -> bool:
    """True when x and y are one stem with partner prefixes or suffixes ("hypo-tension" / "hyper-tension")."""
    for a, b in OPPOSITE_PREFIXES:
        for one, other in ((x, y), (y, x)):
            stem = one[len(a) :]
            if one.startswith(a) and other.startswith(b) and len(stem) >= MIN_STEM and stem == other[len(b) :]:
                return True
    for a, b in OPPOSITE_SUFFIXES:
        for one, other in ((x, y), (y, x)):
            stem = one[: -len(a)]
            if one.endswith(a) and other.endswith(b) and len(stem) >= MIN_STEM and stem == other[: -len(b)]:
                return True
    return False


def is_protected(token: str) -> bool:
    return token in PROTECTED or bool(_DIGITS.search(token))


def protected_sequence(words: Sequence[str]) -> tuple[str, ...]:
    """The protected words in order. A word typed twice in a row ("can can") counts once, except a negation:
    "do not not take" is read as a different sentence from "do not take", to be safe."""
    sequence: list[str] = []
    for previous, word in zip(["", *words], words, strict=False):
        if is_protected(word) and (word != previous or word in NEGATION):
            sequence.append(word)
    return tuple(sequence)
