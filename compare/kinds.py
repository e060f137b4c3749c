"""Character-level evidence between two passages, and the alignment `kind` it implies.

Embeddings say two passages mean the same thing; they cannot say whether one outlet *copied*
or *quoted* the other. That is what readers of a comparison want to know, so next to the cosine
we measure text reuse with rapidfuzz: near-identical text (verbatim), quoted pieces of one passage
found in the other (quoted, also across `(…)` cuts and `[bracketed]` insertions), one passage
contained in the other (partial). Everything else that aligns is a paraphrase.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from corpus.text import QUOTE_MARKS, QUOTE_PAIRS

KINDS = ("verbatim", "quoted", "partial", "paraphrase")

OPENERS = QUOTE_PAIRS
CLOSERS = {"»", "”", "›"}
# Editorial cuts and insertions inside a quotation: (…), (...), […], [...] and any [bracketed words].
CUT = re.compile(r"\(\s*(?:…|\.\.\.)\s*\)|\[[^\]]*\]")
_APOS = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "\u00a0": " ", "\u202f": " "})
_QUOTE_CHARS = re.compile("[%s]" % re.escape(QUOTE_MARKS))

VERBATIM_RATIO = 0.90      # fuzz.ratio on normalised text
PARTIAL_RATIO = 0.90       # fuzz.partial_ratio of the shorter inside the longer
PARTIAL_LEN_RATIO = 0.75   # ... when the shorter is at most this fraction of the longer
PARTIAL_MIN_CHARS = 40     # a short heading is "contained" in anything; ignore those
PARTIAL_ORDER_MIN = 0.8    # ... and this share of its words must appear in the same order
                           # (hand-set with the PARTIAL_* values above, not tuned on a split)
QUOTE_PIECE_MIN_CHARS = 15 # a quoted piece must be this long (and 3 words) to count as reuse
QUOTE_PIECE_RATIO = 92
STEM_CHARS = 5             # words compared by their first 5 letters (utilise/utilisée, jobs/job)
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower-cased text with typographic variants unified and whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_APOS).lower()
    return re.sub(r"\s+", " ", text).strip()


def _plain(text: str) -> str:
    """Normalised text without quote marks (so quoting does not hide a copy)."""
    return re.sub(r"\s+", " ", _QUOTE_CHARS.sub(" ", normalize(text))).strip()


def quoted_segments(text: str) -> list[str]:
    """Outermost quoted segments of `text` («…», “…”, "…"), nested quotes kept inside.

    A passage may be cut inside a quotation (segmenters split long quotes into sentences), so an
    opening mark never closed runs to the end, and a closing mark never opened starts at 0.
    """
    segments, stack, start, straight = [], [], 0, None
    for i, ch in enumerate(text):
        if ch == '"':
            if straight is None and not stack:
                straight = i + 1
            elif straight is not None:
                segments.append(text[straight:i])
                straight = None
        elif ch in OPENERS and (ch != "“" or not stack or stack[-1] != "„"):
            if not stack:
                start = i + 1
            stack.append(ch)
        elif ch in CLOSERS or (ch == "“" and stack and stack[-1] == "„"):
            if stack:
                stack.pop()
                if not stack:
                    segments.append(text[start:i])
            elif not segments:
                segments.append(text[:i])
    if stack:
        segments.append(text[start:])
    elif straight is not None:
        segments.append(text[straight:])
    return [s.strip() for s in segments if s.strip()]


def quote_pieces(text: str) -> list[str]:
    """Normalised pieces of quoted text between cuts, long enough to be evidence of reuse."""
    pieces = []
    for segment in quoted_segments(text):
        for piece in CUT.split(segment):
            piece = _plain(piece).strip(" .,;:!?…-–—")
            if len(piece) >= QUOTE_PIECE_MIN_CHARS and len(piece.split()) >= 3:
                pieces.append(piece)
    return pieces


def found_chars(pieces: list[str], other: str) -> int:
    """Characters of `pieces` that occur (near-)verbatim in the normalised text `other`."""
    total = 0
    for piece in pieces:
        if piece in other or fuzz.partial_ratio(piece, other, score_cutoff=QUOTE_PIECE_RATIO):
            total += len(piece)
    return total


@dataclass(frozen=True)
class CharEvidence:
    """Text-reuse measures of a passage pair (0..1 ratios, character counts)."""
    ratio: float          # whole-text similarity
    partial: float        # best match of the shorter text inside the longer
    len_ratio: float      # shorter / longer length
    short_len: int
    quoted_ab: int        # chars of a's quoted pieces found in b
    quoted_ba: int        # chars of b's quoted pieces found in a

    @property
    def quoted(self) -> int:
        return max(self.quoted_ab, self.quoted_ba)

    @property
    def contained(self) -> bool:
        return (self.partial >= PARTIAL_RATIO and self.len_ratio <= PARTIAL_LEN_RATIO
                and self.short_len >= PARTIAL_MIN_CHARS)

    @property
    def strong(self) -> bool:
        """Reuse so clear that the pair aligns whatever the embedding says."""
        return self.ratio >= VERBATIM_RATIO or self.quoted > 0 or self.contained

    @property
    def score(self) -> float:
        """One 0..1 figure for storage: the strongest of the reuse measures."""
        return max(self.ratio, self.partial if self.short_len >= PARTIAL_MIN_CHARS else 0.0,
                   1.0 if self.quoted else 0.0)


class PassageText:
    """A passage's text prepared once for many comparisons (normalised form, quote pieces)."""

    __slots__ = ("text", "plain", "uncut", "pieces", "words", "stems")

    def __init__(self, text: str) -> None:
        self.text = text
        self.plain = _plain(text)
        # Without editorial cuts and [insertions], so a copy with an added bracket is still a copy.
        self.uncut = _plain(CUT.sub(" ", text))
        self.pieces = quote_pieces(text)
        self.words = self.plain.split()
        self.stems = content_stems(self.uncut)


def content_stems(plain: str) -> frozenset[str]:
    """Stems of the content-bearing words of normalised text: words of 4+ letters and numbers.

    Short words are mostly function words in French and English; a crude prefix stem absorbs
    inflection (utilisée/utilisés) without a language-specific stemmer.
    """
    return frozenset(w[:STEM_CHARS] for w in _WORD.findall(plain) if len(w) >= 4 or w.isdigit())


def coverage(part: PassageText, whole: PassageText) -> float:
    """Share of `part`'s content stems that also occur in `whole` (0 when `part` has none).

    High coverage of a short passage by a longer one says the longer one restates it: the test
    for a sentence merged into a longer passage together with others (one-to-many alignment).
    """
    return len(part.stems & whole.stems) / len(part.stems) if part.stems else 0.0


def _words_in_order(a: PassageText, b: PassageText) -> float:
    """Share of the shorter passage's words found in order in the other (a cheap containment
    pre-test: token LCS is bit-parallel, partial_ratio costs ~50 times more)."""
    short, long_ = sorted((a.words, b.words), key=len)
    return LCSseq.similarity(short, long_) / len(short) if short else 0.0


def evidence(a: PassageText, b: PassageText) -> CharEvidence:
    """Measure how much text `a` and `b` share."""
    short, long_ = sorted((a.plain, b.plain), key=len)
    ratio = max(fuzz.ratio(a.plain, b.plain), fuzz.ratio(a.uncut, b.uncut)) / 100
    len_ratio = len(short) / max(len(long_), 1)
    # partial_ratio is the costly measure: only where containment is possible, and with a cutoff
    partial = ratio
    if len_ratio <= PARTIAL_LEN_RATIO and len(short) >= PARTIAL_MIN_CHARS and _words_in_order(a, b) >= PARTIAL_ORDER_MIN:
        partial = max(ratio, fuzz.partial_ratio(short, long_, score_cutoff=PARTIAL_RATIO * 100) / 100)
    return CharEvidence(
        ratio=ratio,
        partial=partial,
        len_ratio=len_ratio,
        short_len=len(short),
        quoted_ab=found_chars(a.pieces, b.plain) if a.pieces else 0,
        quoted_ba=found_chars(b.pieces, a.plain) if b.pieces else 0,
    )


def classify(ev: CharEvidence) -> str:
    """The kind of an aligned pair: verbatim > quoted > partial > paraphrase."""
    if ev.ratio >= VERBATIM_RATIO:
        return "verbatim"
    if ev.quoted:
        return "quoted"
    if ev.contained:
        return "partial"
    return "paraphrase"
