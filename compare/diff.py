"""Word-level diff between two aligned passages.

Readers compare outlets word by word ("utilise secrètement" vs "utilise illégalement", an inserted
bracket), so the diff runs over word and punctuation tokens, and every op carries character
offsets relative to each passage so a view can highlight `text[s:e]` directly.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

# Words (letters/digits with inner apostrophes or hyphens) or single non-space symbols.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'"})


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Tokens of `text` as (token, start, end) with `text[start:end] == token`."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=65536)
def _key(token: str) -> str:
    # Typographic variants of the same word (’ vs ') must not read as a change.
    return unicodedata.normalize("NFC", token).translate(_APOSTROPHES)


def _span(tokens: list[tuple[str, int, int]], i: int, j: int) -> list[int]:
    """Character span covering tokens[i:j]; an empty range sits where token i would start."""
    if i < j:
        return [tokens[i][1], tokens[j - 1][2]]
    pos = tokens[i][1] if i < len(tokens) else (tokens[-1][2] if tokens else 0)
    return [pos, pos]


def word_diff(a: str, b: str) -> list[dict]:
    """Diff ops turning `a` into `b`: [{"op", "a": [s, e], "b": [s, e], "a_text", "b_text"}].

    `op` is one of equal / insert / delete / replace (difflib's opcodes over word tokens);
    offsets are code points into `a` and `b` respectively.
    """
    ta, tb = tokenize(a), tokenize(b)
    matcher = difflib.SequenceMatcher(None, [_key(t[0]) for t in ta], [_key(t[0]) for t in tb], autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        sa, sb = _span(ta, i1, i2), _span(tb, j1, j2)
        ops.append({"op": tag, "a": sa, "b": sb, "a_text": a[sa[0]:sa[1]], "b_text": b[sb[0]:sb[1]]})
    return ops


def equal_chars(ops: list[dict]) -> int:
    """Characters of `a` that the diff keeps unchanged (how much text was reused)."""
    return sum(op["a"][1] - op["a"][0] for op in ops if op["op"] == "equal")
