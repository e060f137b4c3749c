"""Sentence boundaries that never cut inside a quotation.

pysbd and spaCy split « Je ne préciserai pas. Vous le comprendrez » into two sentences; the quote
rules need the sentence *around* the quote (where the reporting verb is), so split points that
fall inside a protected span (the quotation-mark pairs) are ignored.
"""
from __future__ import annotations

import re

from corpus.text import trim_span

END = re.compile(r"[.!?…]+[»”\"’)\]]*(?=\s+[\"«“(\[—–A-ZÀ-Ý0-9])|\n+")
ABBREV = re.compile(r"(?:\b(?:M|Mr|Mrs|Ms|Dr|Mme|St|Sen|Gov|Rep|Gen|Prof|No|vs|etc|cf|p|art|U\.S|[A-Z])\.)$")


def split(text: str, protected: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace-trimmed, in order, covering all non-space text."""
    cuts, start = [], 0
    for m in END.finditer(text):
        end = m.end()
        if any(a < m.start() < b - 1 for a, b in protected) and "\n" not in m.group():
            continue
        if ABBREV.search(text[max(0, m.start() - 6):m.start() + 1]):
            continue
        cuts.append((start, end))
        start = end
    cuts.append((start, len(text)))
    return [t for t in (trim_span(text, a, b) for a, b in cuts) if t[1] > t[0]]
