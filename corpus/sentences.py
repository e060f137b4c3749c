"""Sentence boundaries inside one line of text, as exact offsets.

pysbd finds the boundaries, but its strings are not trusted for offsets (it may alter whitespace,
and `char_span` uses `str.find`, which is wrong for repeated sentences). Only the *number of
non-space characters* before each boundary is taken from pysbd and mapped back onto the original
line, so offsets are exact whatever pysbd does to spaces. Boundaries that fall inside « … »,
“ … ”, "…", ( … ) or [ … ], or right after an elided article (C’, l’, qu’), are dropped.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from corpus.text import BRACKET_PAIRS, QUOTE_PAIRS

PYSBD_LANGS = {"en", "fr", "de", "es", "it", "nl", "da", "ru", "ar", "el", "hy", "my", "pl", "zh", "ja", "fa", "hi", "mr", "ur", "am", "bg", "kk", "sk"}
# „ is left out: its closer “ is an opener in this table, so „…“ would read as an unclosed “.
PAIRS = {**{o: c for o, c in QUOTE_PAIRS.items() if o != "„"}, **BRACKET_PAIRS}
_CLOSING = set(PAIRS.values())
MAX_NESTING = 8
_ELISION = re.compile(r"\w['’]$")
_REGEX_BOUNDARY = re.compile(r"[.!?…]+[»”\"')\]]*(?=\s+[«“\"(\[\w])")
# pysbd does not end a sentence at "… Briefcam. » La DGPN" (French spacing before »).
_QUOTE_END = re.compile(r"(?<=[.!?…])[ \u00a0\u202f]*[»”](?=\s+[«“\"A-ZÀ-ÖØ-Þ])")
_CLOSERS = "»”\"')]›"
# A line with no terminal punctuation before a space holds one sentence: pysbd is skipped.
_MAYBE_BOUNDARY = re.compile(r"[.!?…;:。！？][^\s]{0,3}\s+\S")
MAX_PYSBD_CHARS = 20_000  # pysbd's regexes get slow on huge single lines; the regex splitter is linear


# pysbd builds its abbreviation regexes from a fixed list (about 660 distinct patterns for English
# news, measured on 300 PolNeAR train articles), more than the 512 that Python's `re` cache keeps:
# every line then recompiled most of them. Keeping them all costs about 2 MB.
RE_CACHE_MIN = 4096
LINE_CACHE = 20_000  # lines remembered per process (bylines, footers and wire copy repeat)


class _Sentences:
    """One pysbd Segmenter per language, built once, returning its sentence strings only.

    `pysbd.Segmenter.segment` also locates each sentence in the text with a regex built from the
    sentence itself (a new pattern per sentence, never cached); presslens maps boundaries back by
    counting non-space characters, so only the processor's sentences are needed.
    """

    def __init__(self, lang: str):
        import pysbd

        if getattr(re, "_MAXCACHE", RE_CACHE_MIN) < RE_CACHE_MIN:
            re._MAXCACHE = RE_CACHE_MIN  # a private knob, absent or ignored in other Pythons: harmless
        self.pysbd = pysbd.Segmenter(language=lang if lang in PYSBD_LANGS else "en", clean=False)

    def segment(self, text: str) -> list[str]:
        if not text:
            return []
        self.pysbd.original_text = text
        return list(self.pysbd.processor(text).process())


@cache
def _segmenter(lang: str) -> _Sentences:
    return _Sentences(lang)


@lru_cache(maxsize=LINE_CACHE)
def _cached_spans(line: str, lang: str) -> tuple[tuple[int, int], ...]:
    return tuple(_sentence_spans(line, lang))


def sentence_spans(line: str, lang: str = "fr") -> list[tuple[int, int]]:
    """(start, end) offsets into `line` of its sentences, stripped, in order, covering all non-space text."""
    return list(_cached_spans(line, lang))


def _sentence_spans(line: str, lang: str) -> list[tuple[int, int]]:
    cuts = _pysbd_cuts(line, lang)
    if cuts is None:
        cuts = [m.end() for m in _REGEX_BOUNDARY.finditer(line)]
    cuts = [_after_closers(line, c) for c in cuts] + [m.end() for m in _QUOTE_END.finditer(line)]
    inside = _inside(line, quoted_ranges(line))
    cuts = [c for c in cuts if not _protected(line, c, inside)]
    return _merge_punctuation_only(_pieces(line, cuts), line)


def _pysbd_cuts(line: str, lang: str) -> list[int] | None:
    """Boundary offsets from pysbd, or None when its output does not match the line's characters."""
    if not _MAYBE_BOUNDARY.search(line):
        return []
    if len(line) > MAX_PYSBD_CHARS:
        return None
    try:
        sentences = _segmenter(lang).segment(line)
    except Exception:  # pysbd raises on some hostile inputs; the regex splitter takes over
        return None
    if "".join("".join(s.split()) for s in sentences) != "".join(line.split()):
        return None
    position_of = [i for i, ch in enumerate(line) if not ch.isspace()]
    cuts, seen = [], 0
    for sentence in sentences[:-1]:
        seen += sum(1 for ch in sentence if not ch.isspace())
        if 0 < seen < len(position_of):
            cuts.append(position_of[seen - 1] + 1)
    return cuts


def _after_closers(line: str, cut: int) -> int:
    """Move a cut that falls just before closing quotes/brackets past them ("Briefcam. |» La")."""
    rest = line[cut:cut + 8]  # a window, not the whole tail: cuts are many on long lines
    stripped = rest.lstrip()
    if not stripped or stripped[0] not in _CLOSERS:
        return cut
    position = cut + len(rest) - len(stripped)
    while position < len(line) and (line[position] in _CLOSERS or line[position] in " \u00a0\u202f"):
        position += 1
    return position


def quoted_ranges(line: str) -> list[tuple[int, int]]:
    """(open, close) offsets of balanced quote and bracket pairs; straight quotes pair in order."""
    ranges, stack, straight = [], [], None
    for i, ch in enumerate(line):
        if ch in PAIRS:
            stack.append((ch, i))
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                ranges.append((straight, i))
                straight = None
        elif ch in _CLOSING:
            # Only the innermost few openers are searched: a stray closer in hostile text must
            # not make this quadratic.
            for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - MAX_NESTING), -1):
                if PAIRS[stack[depth][0]] == ch:
                    ranges.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return ranges


def _inside(line: str, ranges: list[tuple[int, int]]) -> list[bool]:
    """inside[c]: a cut at offset c would fall strictly within a quote (open < c <= close). O(n)."""
    delta = [0] * (len(line) + 2)
    for open_, close in ranges:
        delta[open_ + 1] += 1
        delta[close + 1] -= 1
    inside, depth = [], 0
    for step in delta[:len(line) + 1]:
        depth += step
        inside.append(depth > 0)
    return inside


def _protected(line: str, cut: int, inside: list[bool]) -> bool:
    return inside[cut] or bool(_ELISION.search(line[max(0, cut - 40):cut].rstrip()))


def _pieces(line: str, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = [0, *sorted(set(cuts)), len(line)]
    spans = []
    for a, b in zip(bounds, bounds[1:]):
        piece = line[a:b]
        stripped = piece.strip()
        if stripped:
            start = a + (len(piece) - len(piece.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def _merge_punctuation_only(spans: list[tuple[int, int]], line: str) -> list[tuple[int, int]]:
    """Glue pieces without a letter or digit (a stray "»." or "!") to their neighbour."""
    merged: list[list] = []  # [start, end, has_alnum]; the flag avoids rescanning a growing piece
    for start, end in spans:
        has_alnum = any(ch.isalnum() for ch in line[start:end])
        if merged and (not has_alnum or not merged[-1][2]):
            merged[-1][1] = end
            merged[-1][2] = merged[-1][2] or has_alnum
        else:
            merged.append([start, end, has_alnum])
    return [(start, end) for start, end, _ in merged]
