"""Tokens, quotation-mark pairs and sentences of one paragraph, with code-point offsets.

The tagger works on paragraphs (a presslens passage): a quotation split by its speaker
("“A,” she said. “B.”") stays inside one sequence. Everything here is regex-driven and pure,
because feature extraction is most of the inference cost.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# Words keep inner hyphens and apostrophes ("a-t-il", "d'après", "don't"); French elisions
# ("qu'il", "l'Élysée") stay one token and are recognised by their prefix in features.py.
WORD = re.compile(r"\w+(?:[-'’.]\w+)*|''|\S", re.U)
QUOTE_CHARS = re.compile(r"[«»“”„\"]|''")
PAIRS = {"«": "»", "“": "”", "„": "“"}
SENT_END = re.compile(r"[.!?…]$")
ABBREV = frozenset("mr mrs ms dr sen gov rep gen prof st jr sr no vs etc m mme u.s u.k".split())
# Sequences longer than this are cut at sentence ends: PolNeAR paragraphs have a median of 34
# words and a 99th percentile of 106 (train split), so 160 tokens keeps nearly all of them whole.
MAX_TOKENS = 160


class Token(NamedTuple):
    """One token; a NamedTuple rather than a frozen dataclass because a paragraph makes dozens and
    a frozen dataclass's __init__ cost a fifth of tokenising (cProfile, 300 PolNeAR train articles)."""
    start: int
    end: int
    text: str
    quote: int  # 0 outside quotation marks, 1 inside, 2 the opening mark, 3 the closing mark
    sent: int  # sentence index inside the paragraph


_new = tuple.__new__


def quote_pairs(text: str) -> list[tuple[int, int]]:
    """Top-level quotation-mark pairs (start, end including the marks); an unclosed opener runs
    to the end of the text. Straight quotes alternate open/close."""
    out: list[tuple[int, int]] = []
    opener, start = "", -1
    for m in QUOTE_CHARS.finditer(text):
        ch = m.group()
        if opener:
            closes = ch == PAIRS.get(opener) or (opener in "\"''" and ch in "\"''")
            if closes:
                out.append((start, m.end()))
                opener = ""
        elif ch in PAIRS or ch in ("\"", "''"):
            opener, start = ch, m.start()
    if opener:
        out.append((start, len(text)))
    return out


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` with quote state and sentence index."""
    pairs = quote_pairs(text)
    toks: list[Token] = []
    k = sent = q = 0
    for m in WORD.finditer(text):
        (s, e), w = m.span(), m.group()
        if pairs:
            while k < len(pairs) and pairs[k][1] <= s:
                k += 1
            q = 0
            if k < len(pairs) and pairs[k][0] <= s < pairs[k][1]:
                q = 2 if s == pairs[k][0] else 3 if e == pairs[k][1] else 1
        # _ends_sentence's own first test, here to spare the call for most words
        if toks and (w[:1].isupper() or w[:1] in _OPENS_SENTENCE) and _ends_sentence(toks, w):
            sent += 1
        toks.append(_new(Token, (s, e, w, q, sent)))  # Token(...) without its Python-level __new__: half the cost
    return toks


_OPENS_SENTENCE = "«“\"—–"


def _ends_sentence(toks: list[Token], word: str) -> bool:
    """A new sentence starts after . ! ? (or a closing mark right after one) before a capital
    or an opening mark, outside quotation marks, unless the dot ends an abbreviation."""
    last = toks[-1]
    if not (word[:1].isupper() or word[:1] in _OPENS_SENTENCE):
        return False
    if last.quote == 3 and len(toks) > 1:
        last = toks[-2]
    elif last.quote == 1:
        return False
    if not SENT_END.search(last.text):
        return False
    i = toks.index(last) if last is not toks[-1] else len(toks) - 1
    before = toks[i - 1].text.lower() if i > 0 and last.text == "." else ""
    return not (before in ABBREV or (len(before) == 1 and before.isalpha()))


def chunks(toks: list[Token], limit: int = MAX_TOKENS) -> list[list[Token]]:
    """`toks` cut into sequences of at most `limit` tokens, at sentence starts when possible."""
    out, cur = [], []
    for t in toks:
        if len(cur) >= limit or (len(cur) >= limit * 3 // 4 and cur[-1].sent != t.sent):
            out.append(cur)
            cur = []
        cur.append(t)
    if cur:
        out.append(cur)
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of the non-empty lines of `text`."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
