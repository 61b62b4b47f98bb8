"""Find near-duplicate paragraphs across many articles without comparing every pair.

MinHash over word 3-shingles, then locality-sensitive hashing by bands: two paragraphs become a candidate
pair when all the hashes in one band agree, which happens with probability 1 - (1 - J^R)^B for Jaccard
similarity J (with 8 bands of 8: 0.94 at J = 0.86, a typical one-typo copy; 0.13 at J = 0.6). Candidates
are then verified with the same comparison the importer uses. Signatures are computed with numpy, a whole
article at a time; see the README for why this is not datasketch.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SHINGLE = 3  # words
BANDS = 8
ROWS = 8
PERMUTATIONS = BANDS * ROWS
_SEEDS = np.random.default_rng(20261125)
# Each permutation is x -> a*x + b modulo 2^32 with an odd a (a bijection on 32-bit values), applied to
# well-mixed 32-bit shingle hashes. 32-bit arithmetic is six times faster than 64-bit here.
_A = _SEEDS.integers(1, 1 << 32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
_B = _SEEDS.integers(0, 1 << 32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
_SHINGLE_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_BAND_WEIGHTS = np.array([pow(1_000_003, i, 1 << 64) for i in range(ROWS)], dtype=np.uint64)

# 16 bits of each MinHash value are plenty to compare signatures (a false match 1 time in 65,536), and
# keep a large site's index small: 128 bytes a paragraph.
Signatures = npt.NDArray[np.uint16]
# Candidates whose signatures agree in fewer places than this share a few sentences, not most of their text:
# a one-typo copy of a 12-word paragraph still has Jaccard similarity of about 0.6.
MIN_ESTIMATED_JACCARD = 0.5


# Per-process cache: the same few thousand words recur in every article; a lookup is cheaper than hashing.
_WORD_HASHES: dict[str, int] = {}


def _word_hash(word: str) -> int:
    value = _WORD_HASHES.get(word)
    if value is None:
        value = _WORD_HASHES[word] = zlib.crc32(word.encode())
    return value


def signatures(paragraph_words: Sequence[Sequence[str]]) -> Signatures:
    """One MinHash signature (PERMUTATIONS values) per paragraph of at least 3 words, computed for all
    paragraphs of an article at once. Shingles are 3 consecutive words."""
    if not paragraph_words:
        return np.empty((0, PERMUTATIONS), dtype=np.uint16)
    total = sum(len(ws) for ws in paragraph_words)
    words = np.fromiter((_word_hash(w) for ws in paragraph_words for w in ws), dtype=np.uint64, count=total)
    lengths = np.array([len(ws) for ws in paragraph_words])
    ends = np.cumsum(lengths)
    span = SHINGLE - 1
    with np.errstate(over="ignore"):  # all arithmetic is modulo 2^64 on purpose
        shingles = words[span:].copy()
        for offset in range(span):
            shingles += words[offset : len(words) - span + offset] * _SHINGLE_MIX[offset]
        owner = np.repeat(np.arange(len(lengths)), lengths)[: len(shingles)]
        shingles = shingles[np.arange(len(shingles)) + span < ends[owner]]  # only windows inside one paragraph
        shingles32 = (shingles >> np.uint64(32)).astype(np.uint32)
        mixed = shingles32[:, None] * _A[None, :] + _B[None, :]
    starts = np.concatenate(([0], np.cumsum(lengths - span)[:-1]))
    return np.asarray(np.minimum.reduceat(mixed, starts, axis=0) >> np.uint32(16), dtype=np.uint16)


def _band_key(table: Signatures, band: int) -> npt.NDArray[np.uint64]:
    """One hash of the ROWS values of a band, for every paragraph."""
    rows = table[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    with np.errstate(over="ignore"):
        return np.asarray((rows * _BAND_WEIGHTS).sum(axis=1, dtype=np.uint64), dtype=np.uint64)


@dataclass(frozen=True)
class Paragraph:
    article: int  # index of the article
    line: int


class SiteIndex:
    """MinHash signatures of every substantial paragraph of the site, and the candidate pairs they give."""

    def __init__(self) -> None:
        self._articles: list[npt.NDArray[np.int32]] = []
        self._lines: list[npt.NDArray[np.int32]] = []
        self._signatures: list[Signatures] = []

    def add(self, article: int, lines: Sequence[int], signatures: Signatures) -> None:
        self._articles.append(np.full(len(lines), article, dtype=np.int32))
        self._lines.append(np.asarray(lines, dtype=np.int32))
        self._signatures.append(signatures)

    def __len__(self) -> int:
        return sum(len(lines) for lines in self._lines)

    def candidate_pairs(self) -> Iterator[tuple[Paragraph, Paragraph]]:
        """Pairs from different articles that share a band and whose signatures mostly agree, each pair once,
        in a stable order. Within a bucket, members are paired with their next neighbour (in site order), not
        with every other member: a paragraph repeated in 500 articles gives 499 pairs, not 124,750. Made as they
        are used: at 100,000 articles there are hundreds of thousands."""
        if not len(self):
            return
        table = np.concatenate(self._signatures)
        articles, lines = np.concatenate(self._articles), np.concatenate(self._lines)
        found = []
        for number in range(BANDS):  # one band at a time keeps the working set small
            band = _band_key(table, number)
            order = np.argsort(band, kind="stable").astype(np.int32)
            same = band[order[1:]] == band[order[:-1]]
            pairs = np.sort(np.stack((order[:-1][same], order[1:][same]), axis=1), axis=1)
            pairs = pairs[articles[pairs[:, 0]] != articles[pairs[:, 1]]]
            found.append(pairs[_mostly_agree(table, pairs)])
        kept = np.unique(np.concatenate(found), axis=0)
        del found, table
        for start in range(0, len(kept), 8192):
            for a, b in kept[start : start + 8192].tolist():
                yield Paragraph(int(articles[a]), int(lines[a])), Paragraph(int(articles[b]), int(lines[b]))


def _mostly_agree(table: Signatures, pairs: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Which pairs' signatures agree in at least MIN_ESTIMATED_JACCARD of their places (in slices, so a
    large site's comparison never holds much memory at once)."""
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), 8192):
        part = pairs[start : start + 8192]
        keep[start : start + 8192] = (table[part[:, 0]] == table[part[:, 1]]).mean(axis=1) >= MIN_ESTIMATED_JACCARD
    return keep


def paragraph_hash(key: str) -> str:
    """A short, stable name for a paragraph's text, used by the allow-list in site.yml."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]
