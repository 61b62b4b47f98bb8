"""Reading grades of a rendered article body, measured the way the health-content guide's gate asks.

The text scored is what a reader reads as prose: paragraphs, list items and table cells of the rendered
body. Headings, code and the (template-rendered) sources and care-card headings are left out. Every block
ends a sentence, so a list is not scored as one giant sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import textstat

SMOG_WARN, SMOG_FAIL = 8.0, 10.0
FKGL_WARN, FKGL_FAIL = 6.0, 8.0
SENTENCE_WARN_WORDS, SENTENCE_FAIL_WORDS = 20, 30
MIN_SENTENCES = 10
LONG_WORD_LETTERS = 12

_BLOCKS = {"p", "li", "td", "th", "dt", "dd", "blockquote", "figcaption", "caption"}
_SKIPPED = {"h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "sup", "script", "style"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass(frozen=True)
class Readability:
    smog: float
    fkgl: float
    sentences: int
    longest_sentence_words: int
    long_sentences: tuple[str, ...]  # over SENTENCE_FAIL_WORDS words
    wordiest: tuple[tuple[str, int], ...] = ()  # up to 3 longest sentences over SENTENCE_WARN_WORDS, with counts
    long_words: tuple[str, ...] = ()  # up to 3 of the longest words (12 letters or more)

    @property
    def scored(self) -> bool:
        return self.sentences >= MIN_SENTENCES

    @property
    def fails_gate(self) -> bool:
        return self.scored and (self.smog > SMOG_FAIL or self.fkgl > FKGL_FAIL)


class _ProseExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS or tag in {"ul", "ol", "table", "tr", "dl"}:
            self._flush()
        elif tag == "br":
            self._current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text if text[-1] in ".!?" else text.removesuffix(":") + ".")

    def close(self) -> None:
        super().close()
        self._flush()


def prose_of(body_html: str) -> list[str]:
    """The body's prose as blocks, each ending with sentence punctuation."""
    parser = _ProseExtractor()
    parser.feed(body_html)
    parser.close()
    return parser.blocks


def sentences_of(blocks: list[str]) -> list[str]:
    return [sentence for block in blocks for sentence in _SENTENCE_END.split(block) if sentence.strip()]


def measure(body_html: str) -> Readability:
    blocks = prose_of(body_html)
    text = "\n".join(blocks)
    sentences = sentences_of(blocks)
    lengths = [len(_WORD.findall(sentence)) for sentence in sentences]
    scored = [length for length in lengths if length > 2]
    return Readability(
        smog=round(float(textstat.smog_index(text)), 1) if text else 0.0,
        fkgl=round(float(textstat.flesch_kincaid_grade(text)), 1) if text else 0.0,
        sentences=len(scored),
        longest_sentence_words=max(lengths, default=0),
        long_sentences=tuple(s for s, n in zip(sentences, lengths, strict=True) if n > SENTENCE_FAIL_WORDS),
        wordiest=_wordiest(sentences, lengths),
        long_words=_longest_words(text),
    )


def _wordiest(sentences: list[str], lengths: list[int]) -> tuple[tuple[str, int], ...]:
    """Up to 3 sentences to shorten first: the longest over SENTENCE_WARN_WORDS words or, when every sentence is
    short, the ones with the most syllables (long words are what make a page of short sentences hard)."""
    pairs = list(zip(sentences, lengths, strict=True))
    long = sorted(((s, n) for s, n in pairs if n > SENTENCE_WARN_WORDS), key=lambda pair: -pair[1])
    if long:
        return tuple(long[:3])
    by_syllables = sorted(dict.fromkeys(pairs), key=lambda pair: -int(textstat.syllable_count(pair[0])))
    return tuple(by_syllables[:3])


def _longest_words(text: str) -> tuple[str, ...]:
    """Up to 3 of the longest words: 12 letters or more or, when there are none, 4 syllables or more."""
    words = {word.strip("'’-") for word in _WORD.findall(text)}
    long = sorted((w for w in words if len(w) >= LONG_WORD_LETTERS), key=lambda w: (-len(w), w.casefold()))
    if not long:
        syllables = {word: int(textstat.syllable_count(word)) for word in words}
        long = sorted((w for w in words if syllables[w] >= 4), key=lambda w: (-syllables[w], w.casefold()))
    return tuple(long[:3])
