"""Remove repeated text from one document, keeping every unit that says something the rest does not.

Steps, in the dedup guide's order (section 6): repeated sections, repeated runs of three or more units,
exact repeats, near-duplicates, fragments contained in a fuller text, and headings left empty. Short units
(list items, lead-ins, anything under ten words) go only as part of a repeated section or run. Every
removal, and every pair kept although similar, is recorded as a Decision; a pair kept only because a changed
word is in no word list has the rule UNSURE_RULE, for a person to decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from sitegen.dedupe.meaning import NEGATION_CUES, RESTRICTORS
from sitegen.dedupe.similarity import REVIEW, compare, within_reach
from sitegen.dedupe.units import HEADING, Decision, Features, Unit

MIN_RUN = 3
# A pair kept because a changed word is in no word list: the importer and `check` show it to a person.
UNSURE_RULE = "unsure"


@dataclass(frozen=True)
class Result:
    units: tuple[Unit, ...]
    decisions: tuple[Decision, ...]

    @property
    def removed(self) -> list[Decision]:
        return [d for d in self.decisions if d.action == "removed"]


class _Document:
    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = list(units)
        self.features = [Features(unit.text, unit.kind) for unit in units]
        self.alive = [True] * len(units)
        self.decisions: list[Decision] = []

    def remove(self, index: int, kept: int, rule: str, reason: str, similarity: float = 1.0) -> None:
        self.alive[index] = False
        unit, other = self.units[index], self.units[kept]
        self.decisions.append(
            Decision("removed", rule, unit.text, unit.line, other.line, other.text, similarity, reason)
        )

    def keep_both(self, first: int, second: int, rule: str, reason: str, similarity: float) -> None:
        a, b = self.units[first], self.units[second]
        self.decisions.append(Decision("kept both", rule, b.text, b.line, a.line, a.text, similarity, reason))

    def live(self) -> list[int]:
        return [i for i, alive in enumerate(self.alive) if alive]

    def same(self, i: int, j: int) -> bool:
        a, b = self.features[i], self.features[j]
        if a.kind != b.kind:
            return False
        if a.key == b.key:
            return True
        return a.substantial and b.substantial and compare(a, b).duplicate

    def section_body(self, heading: int) -> list[int]:
        level = self.units[heading].level
        body = []
        for index in range(heading + 1, len(self.units)):
            unit = self.units[index]
            if unit.kind == HEADING and unit.level <= level:
                break
            if self.alive[index]:
                body.append(index)
        return body


def deduplicate(units: Sequence[Unit]) -> Result:
    doc = _Document(units)
    _repeated_sections(doc)
    _repeated_runs(doc)
    _exact_repeats(doc)
    _near_duplicates(doc)
    _contained_fragments(doc)
    _empty_repeated_headings(doc)
    kept = tuple(doc.units[i] for i in doc.live())
    return Result(kept, tuple(_without_overruled(doc.decisions)))


def _without_overruled(decisions: list[Decision]) -> list[Decision]:
    """A pair first kept as "similar" may be merged by a later step (containment); report only the merge."""
    merged = {frozenset((d.line, d.other_line)) for d in decisions if d.action != "kept both"}
    return [d for d in decisions if d.action != "kept both" or frozenset((d.line, d.other_line)) not in merged]


def _worth_removing(doc: _Document, indices: Sequence[int]) -> bool:
    """A matched stretch is a real repeat when it holds a substantial unit or at least a run's length."""
    return len(indices) >= MIN_RUN or any(doc.features[i].substantial for i in indices)


def _repeated_sections(doc: _Document) -> None:
    headings = [i for i in doc.live() if doc.units[i].kind == HEADING]
    for position, first in enumerate(headings):
        if not doc.alive[first]:
            continue
        for second in headings[position + 1 :]:
            if not doc.alive[second] or doc.features[second].key != doc.features[first].key:
                continue
            body_a, body_b = doc.section_body(first), doc.section_body(second)
            matched = 0
            while matched < min(len(body_a), len(body_b)) and doc.same(body_a[matched], body_b[matched]):
                matched += 1
            if matched and _worth_removing(doc, body_b[:matched]):
                reason = f"section '{doc.units[second].text}' repeats the one on line {doc.units[first].line}"
                doc.remove(second, first, "section", reason)
                for a, b in zip(body_a[:matched], body_b[:matched], strict=True):
                    doc.remove(b, a, "section", reason)


def _repeated_runs(doc: _Document) -> None:
    live = doc.live()
    keys = [doc.features[i].key for i in live]
    start = 0
    while start < len(live):
        best_length, best_origin = 0, -1
        for origin in range(start):
            length = 0
            while (
                start + length < len(live)
                and origin + length < start
                and keys[origin + length] == keys[start + length]
                and doc.units[live[origin + length]].kind == doc.units[live[start + length]].kind
            ):
                length += 1
            if length > best_length:
                best_length, best_origin = length, origin
        if best_length >= MIN_RUN:
            reason = f"{best_length} units in a row repeat lines {doc.units[live[best_origin]].line} onwards"
            for offset in range(best_length):
                doc.remove(live[start + offset], live[best_origin + offset], "run", reason)
            start += best_length
        else:
            start += 1


def _exact_repeats(doc: _Document) -> None:
    first_with_key: dict[str, int] = {}
    for index in doc.live():
        features = doc.features[index]
        if features.kind == HEADING:
            continue
        earlier = first_with_key.setdefault(features.key, index)
        if earlier == index:
            continue
        if features.substantial:
            doc.remove(index, earlier, "exact", "same text after normalising case, spacing and punctuation")
        else:
            doc.keep_both(earlier, index, "short", "short units may repeat on purpose (steps, lead-ins)", 1.0)


def _near_duplicates(doc: _Document) -> None:
    candidates = [i for i in doc.live() if doc.features[i].substantial]
    if len(candidates) < 2:
        return
    for x, first in enumerate(candidates):
        for second in candidates[x + 1 :]:
            a, b = doc.features[first], doc.features[second]
            if not within_reach(a.key, b.key, REVIEW):
                continue
            similarity = fuzz.ratio(a.key, b.key, score_cutoff=REVIEW * 100) / 100
            if not similarity or not (doc.alive[first] and doc.alive[second]):
                continue
            verdict = compare(a, b, similarity)
            if verdict.duplicate:
                doc.remove(second, first, "near", verdict.reason, verdict.similarity)
            else:
                rule = (
                    UNSURE_RULE
                    if verdict.unsure
                    else "guarded"
                    if verdict.reason.startswith(("protected", "different words"))
                    else "similar"
                )
                doc.keep_both(first, second, rule, verdict.reason, verdict.similarity)


def _contained_fragments(doc: _Document) -> None:
    candidates = [i for i in doc.live() if doc.features[i].kind != HEADING]
    for first in candidates:
        for second in candidates:
            if first == second or not (doc.alive[first] and doc.alive[second]):
                continue
            part, whole = doc.features[first], doc.features[second]
            if not part.substantial or len(part.tokens) >= len(whole.tokens) or not part.token_set <= whole.token_set:
                continue
            found = _containment(part, whole)
            if found == "guarded":
                doc.keep_both(
                    min(first, second),
                    max(first, second),
                    "guarded",
                    "the fragment appears in a negated or conditional context",
                    0.0,
                )
            elif found:
                _keep_fuller_text_first(doc, part_index=first, whole_index=second, reason=found)


def _keep_fuller_text_first(doc: _Document, part_index: int, whole_index: int, reason: str) -> None:
    if whole_index < part_index:
        doc.remove(part_index, whole_index, "contained", reason)
        return
    # The fragment came first: the fuller text takes its place, and its later copy goes.
    part, whole = doc.units[part_index], doc.units[whole_index]
    doc.units[part_index] = replace(whole, line=part.line)
    doc.features[part_index] = doc.features[whole_index]
    doc.decisions.append(
        Decision(
            "moved",
            "contained",
            whole.text,
            whole.line,
            part.line,
            part.text,
            1.0,
            f"fuller text moved up to line {part.line}, where its fragment stood",
        )
    )
    doc.alive[whole_index] = False
    doc.decisions.append(Decision("removed", "contained", part.text, part.line, whole.line, whole.text, 1.0, reason))


def _containment(part: Features, whole: Features) -> str:
    """Why `part` is contained in `whole` ("" if it is not; "guarded" if only in a changed sense)."""
    if part.sentence_keys and set(part.sentence_keys) < set(whole.sentence_keys):
        return "every sentence also appears in a fuller paragraph"
    if len(part.sentence_keys) != 1:
        return ""
    haystack, needle = f" {whole.key} ", f" {part.key} "
    at = haystack.find(needle)
    if at < 0:
        return ""
    before = haystack[:at].split()[-3:]
    after = haystack[at + len(needle) :].split()[:1]
    if NEGATION_CUES.intersection(before) or RESTRICTORS.intersection(after):
        return "guarded"
    return "the whole text appears inside a fuller paragraph"


def _empty_repeated_headings(doc: _Document) -> None:
    seen: dict[str, int] = {}
    for index in doc.live():
        if doc.units[index].kind != HEADING:
            continue
        key = doc.features[index].key
        if key in seen and not doc.section_body(index):
            doc.remove(index, seen[key], "empty heading", "a repeated heading with nothing left under it")
        seen.setdefault(key, index)
