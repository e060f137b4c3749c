"""Split an article into passages: lines, then sentences, each with exact code-point offsets.

Lines are the unit of layout (a heading, a pull quote, a byline is one line); body lines are split
into sentences (`corpus.sentences`). `corpus.clean` marks the boilerplate lines. The text itself is
never changed: every passage satisfies `text[start:end] == passage.text`, passages are stripped,
ordered, non-overlapping, and together cover every non-space character.
"""
from __future__ import annotations

import re

from corpus import clean
from corpus.models import Passage
from corpus.sentences import quoted_ranges, sentence_spans

# Every character str.splitlines() breaks on; all of them are whitespace, so no text is lost.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
HEADING_MAX = 150
TERMINAL = ".!?…;:,"
CLOSERS = "»”\"')]›’ \u00a0\u202f"
ATTRIBUTION_MAX = 120
OPENERS = ("«", "“", '"', "‹")


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line that has non-space text, stripped of surrounding whitespace."""
    spans, start = [], 0
    for match in LINE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    return start + left, start + len(piece.rstrip())


def line_shape(line: str) -> str:
    """heading (short, no final punctuation), pull_quote (a quote plus attribution) or body."""
    if is_pull_quote(line):
        return "pull_quote"
    bare = line.rstrip(CLOSERS)
    if len(line) <= HEADING_MAX and bare and bare[-1] not in TERMINAL and any(c.isalpha() for c in line):
        return "heading"
    return "body"


def is_pull_quote(line: str) -> bool:
    """« Quote » ; Speaker — a quotation opening the line, followed only by a short attribution."""
    if not line.startswith(OPENERS):
        return False
    closes = [close for open_, close in quoted_ranges(line) if open_ == 0]
    if not closes:
        return False
    rest = line[closes[0] + 1:].strip()
    if not rest:
        return True
    bare = rest.rstrip(CLOSERS)
    return len(rest) <= ATTRIBUTION_MAX and rest[0] in ";:,—–-" and bare[-1:] not in tuple(".!?…")


def segment(text: str, lang: str = "fr") -> list[Passage]:
    """Passages of `text` in order, with kind and content flag; pure (no I/O)."""
    spans = line_spans(text)
    lines = [text[a:b] for a, b in spans]
    kinds = clean.classify_lines(lines, [line_shape(line) for line in lines])
    passages = []
    for (start, end), line, (kind, content) in zip(spans, lines, kinds):
        if kind != "body":
            passages.append(Passage(start, end, line, kind, content))
            continue
        for a, b in sentence_spans(line, lang):
            passages.append(Passage(start + a, start + b, line[a:b], kind, content))
    return passages
