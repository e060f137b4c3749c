"""What carried over between two passages when a word diff says nothing (two languages).

An English↔French word diff marks every word as changed. What a reader checks across languages
is what must survive translation unchanged: numbers (amounts, counts, years), dates, names, and
quoted strings. This module extracts those "checkable" tokens from each side and says which
were kept, which the second passage lost and which it gained. Pure functions, no model.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from compare.kinds import quoted_segments

NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?:\s?%)?")
# A capitalised word inside a sentence (not its first word), possibly followed by more: a name.
NAME = re.compile(r"(?<=[\w,;:()] )(?:[A-ZÀ-ÖØ-Þ][\w’'\-]+)(?: (?:de |du |van |von |la |le )?[A-ZÀ-ÖØ-Þ][\w’'\-]+)*")
QUOTE_MIN_CHARS = 8


@dataclass
class Carried:
    """Checkable tokens: in both passages, only in the first (lost), only in the second (gained)."""
    kept: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    gained: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _number_key(token: str) -> str:
    digits = re.sub(r"[^\d%]", "", token)
    return digits.lstrip("0") or "0"


def _name_key(token: str) -> str:
    folded = unicodedata.normalize("NFKD", token.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def checkable(text: str, names: dict[str, str] | None = None) -> dict[str, str]:
    """key -> shown token, for the numbers, names and quoted strings of `text`.

    `names` (key -> shown) are names found mid-sentence in either passage: a name that opens a
    sentence here ("Briefcam a vendu…") still counts when the text contains it anywhere.
    """
    out: dict[str, str] = {}
    for m in NUMBER.finditer(text):
        out.setdefault("n:" + _number_key(m.group()), m.group().strip())
    folded = " " + " ".join(re.findall(r"[\w’'\-]+", _name_key(text))) + " "
    for key, shown in (names if names is not None else _names(text)).items():
        if f" {key[2:]} " in folded:
            out.setdefault(key, shown)
    for quote in quoted_segments(text):
        if len(quote) >= QUOTE_MIN_CHARS:
            quote = quote.strip(" ,.;:")
            out.setdefault("q:" + _name_key(" ".join(quote.split())), f"« {quote} »")
    return out


def _names(text: str) -> dict[str, str]:
    return {"w:" + _name_key(m.group()): m.group() for m in NAME.finditer(text)}


def carried_over(a: str, b: str) -> Carried:
    """Which checkable tokens of `a` reappear in `b` (numbers by value, names without accents/case)."""
    names = {**_names(b), **_names(a)}
    left, right = checkable(a, names), checkable(b, names)
    return Carried(kept=[left[k] for k in left if k in right], lost=[left[k] for k in left if k not in right],
                   gained=[right[k] for k in right if k not in left])


def _norm(text: str) -> str:
    return _name_key(" ".join(text.replace("’", "'").split()))


def changed_quotes(a: str, b: str) -> list[tuple[str, str | None]]:
    """Quoted strings of `a` not found verbatim (up to case/spacing/apostrophes) in `b`, each with
    the quote of `b` it most likely became (most shared words), or None."""
    theirs = [q for q in quoted_segments(b) if len(q) >= QUOTE_MIN_CHARS]
    target = _norm(b)
    out = []
    for quote in (q for q in quoted_segments(a) if len(q) >= QUOTE_MIN_CHARS):
        if _norm(quote) in target:
            continue
        words = set(_norm(quote).split())
        best = max(theirs, key=lambda q: len(words & set(_norm(q).split())), default=None)
        out.append((quote, best if best and words & set(_norm(best).split()) else None))
    return out
