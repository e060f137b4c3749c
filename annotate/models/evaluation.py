"""Scoring suggestions against gold spans: exact/overlap precision, recall, F1; speaker matches.

Pure functions shared by the benchmarks (bench/quotes_*.py, bench/demo_gold.py) and the demo-gold
test. Overlap matching is one-to-one (each gold span pairs with at most one predicted span).
"""
from __future__ import annotations

import re
import unicodedata


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], mode: str = "overlap") -> list[tuple[int, int]]:
    """Pairs (gold index, pred index); exact: same offsets; overlap: any shared character,
    largest overlaps paired first."""
    if mode == "exact":
        where = {p: j for j, p in enumerate(pred)}
        return [(i, where[g]) for i, g in enumerate(gold) if g in where]
    cands = sorted(
        ((min(g[1], p[1]) - max(g[0], p[0]), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)
         if min(g[1], p[1]) > max(g[0], p[0])), reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i), used_p.add(j), pairs.append((i, j))
    return sorted(pairs)


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("’", "'").lower()
    return re.sub(r"\s+", " ", text).strip(" ,.;:")


def same_speaker(gold: str | None, pred: str | None) -> bool:
    """A speaker is right when one text contains the other (head match: "son représentant en
    Europe" for "son représentant en Europe, Florian Leibovici"), both normalised."""
    g, p = norm(gold), norm(pred)
    if not g or not p:
        return not g and not p
    return g in p or p in g


def find_all(text: str, snippet: str) -> list[int]:
    """Start offsets of `snippet` in `text`, non-breaking spaces matching plain spaces."""
    hay, needle = text.replace("\u00a0", " "), snippet.replace("\u00a0", " ")
    out, i = [], hay.find(needle)
    while i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out
