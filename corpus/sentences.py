"""Sentence boundaries inside one line of text, as exact offsets.

pysbd finds the boundaries, but its strings are not trusted for offsets (it may alter whitespace,
and `char_span` uses `str.find`, which is wrong for repeated sentences). Only the *number of
non-space characters* before each boundary is taken from pysbd and mapped back onto the original
line, so offsets are exact whatever pysbd does to spaces. Boundaries that fall inside « … »,
“ … ”, "…", ( … ) or [ … ], or right after an elided article (C’, l’, qu’), are dropped.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache, lru_cache

from corpus.text import BRACKET_PAIRS, QUOTE_PAIRS

PYSBD_LANGS = {"en", "fr", "de", "es", "it", "nl", "da", "ru", "ar", "el", "hy", "my", "pl", "zh", "ja", "fa", "hi", "mr", "ur", "am", "bg", "kk", "sk"}
# „ is left out: its closer “ is an opener in this table, so „…“ would read as an unclosed “.
PAIRS = {**{o: c for o, c in QUOTE_PAIRS.items() if o != "„"}, **BRACKET_PAIRS}
_CLOSING = set(PAIRS.values())
_MARKS = re.compile("[" + re.escape("".join(sorted({*PAIRS, *_CLOSING, '"'}))) + "]")
_NON_SPACE = re.compile(r"\S+")
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
        self.pysbd.language_module = quick_abbreviations(self.pysbd.language_module)

    def segment(self, text: str) -> list[str]:
        if not text:
            return []
        self.pysbd.original_text = text
        return list(self.pysbd.processor(text).process())


# Characters other than A-Z that Python's `re` matches case-insensitively to an ASCII letter where
# str.lower() does not turn them into it (sre's simple case mapping and case fixes); a line with one
# of them takes pysbd's own abbreviation search (tests/test_corpus_sentences_quick.py checks the set).
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")  # İ ı ſ K (Kelvin sign)


def quick_abbreviations(language):
    """`language` (a pysbd language class) with an abbreviation search that yields pysbd's text.

    pysbd's `search_for_abbreviations_in_string` runs, for every abbreviation whose letters occur
    anywhere in a line ("a", "no", "st" occur in most lines), two regex searches and a substitution
    per occurrence; about half of pysbd's time on English news (cProfile, 300 PolNeAR train
    articles: 1.7 of 3.5 s). Each substitution only replaces the period right after the
    abbreviation, so an abbreviation of ASCII letters whose lower-case form is never followed by
    "." in the lower-cased line changes nothing and is skipped (proof in the test module).
    Languages whose replacer overrides pysbd's search keep it unchanged."""
    from pysbd.abbreviation_replacer import AbbreviationReplacer as Base

    replacer = getattr(language, "AbbreviationReplacer", Base)
    if any(getattr(replacer, name) is not getattr(Base, name)
           for name in ("search_for_abbreviations_in_string", "scan_for_replacements", "replace_period_of_abbr")):
        return language
    abbreviations = [(a.strip(), a.strip().isascii() and a.strip().isalpha())
                     for a in language.Abbreviation.ABBREVIATIONS]
    lengths = sorted({len(a) for a, letters in abbreviations if letters})

    class QuickAbbreviations(replacer):
        def search_for_abbreviations_in_string(self, text):
            if not FOLDS_TO_ASCII.isdisjoint(text):
                return super().search_for_abbreviations_in_string(text)
            lowered = text.lower()
            # the strings of each length that end right before a period: `a + "."` is in the line
            # exactly when `a` is one of them (a set lookup per abbreviation, not a scan)
            dots = [i for i, ch in enumerate(lowered) if ch == "."] if "." in lowered else []
            before_dot = {lowered[i - n:i] for i in dots for n in lengths if n <= i}
            for stripped, letters in abbreviations:  # pysbd 0.3.4's loop, over the abbreviations kept
                if (stripped not in before_dot) if letters else (stripped not in lowered):
                    continue
                matches = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
                if not matches:
                    continue
                char_array = re.findall(r"(?<={" + str(re.escape(stripped)) + "} ).{1}", text)
                for ind, match in enumerate(matches):
                    text = self.scan_for_replacements(text, match, ind, char_array)
            return text

    return type(language.__name__, (language,), {"AbbreviationReplacer": QuickAbbreviations})


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
    inside = _inside(quoted_ranges(line))
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
    kept = ["".join(s.split()) for s in sentences]  # str.split() splits where str.isspace() is true
    if "".join(kept) != "".join(line.split()):
        return None
    return _cut_after(line, [len(k) for k in kept[:-1]], sum(map(len, kept)))


def _cut_after(line: str, counts: list[int], total: int) -> list[int]:
    """The offset just after the non-space character that ends each run of `counts` non-space
    characters (cumulated), for the cuts strictly inside the line's `total`. Walks the line's
    non-space runs (`\\S` is exactly `not str.isspace()`) instead of listing every character's
    offset: that list and its count were a third of our own segmentation time (cProfile)."""
    cuts, seen, before, runs = [], 0, 0, _NON_SPACE.finditer(line)
    run = next(runs, None)
    for count in counts:
        seen += count
        if not 0 < seen < total:
            continue
        while before + run.end() - run.start() < seen:
            before += run.end() - run.start()
            run = next(runs)
        cuts.append(run.start() + seen - before)
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
    """(open, close) offsets of balanced quote and bracket pairs; straight quotes pair in order.
    Only the marks themselves are visited (a regex finds them): every other character was a no-op."""
    ranges, stack, straight = [], [], None
    for mark in _MARKS.finditer(line):
        i, ch = mark.start(), mark.group()
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


def _inside(ranges: list[tuple[int, int]]) -> Callable[[int], bool]:
    """inside(c): a cut at offset c would fall strictly within a quote (open < c <= close): pairs
    opened before c less pairs closed before it, by bisection (O(log n) a cut, no list per character)."""
    opened = sorted(open_ + 1 for open_, _ in ranges)
    closed = sorted(close + 1 for _, close in ranges)
    return lambda cut: bisect_right(opened, cut) - bisect_right(closed, cut) > 0


def _protected(line: str, cut: int, inside: Callable[[int], bool]) -> bool:
    return inside(cut) or bool(_ELISION.search(line[max(0, cut - 40):cut].rstrip()))


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
        has_alnum = any(map(str.isalnum, line[start:end]))
        if merged and (not has_alnum or not merged[-1][2]):
            merged[-1][1] = end
            merged[-1][2] = merged[-1][2] or has_alnum
        else:
            merged.append([start, end, has_alnum])
    return [(start, end) for start, end, _ in merged]
