"""Features of a candidate passage pair for the learned match decision (pure numpy).

One cosine threshold cannot tell a retelling (same facts, new words: cosine middling) from a
sentence about the same people that says something else (cosine high). So the decision looks at
both bundled encoders' cosines (USE and e5 spread and rank pairs differently), where the pair
stands in its row and column (a retelling is usually the best counterpart on both sides; a
same-entities distractor is the best of one side only: its weaker gap to the runner-up is
negative), and what the words share: names,
numbers, content words, length, negation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from compare import kinds

FEATURES = (
    "cos_use", "cos_e5", "margin_use", "margin_e5",
    "gapmin_use", "gapmax_use", "gapmin_e5", "gapmax_e5", "mutual_use", "mutual_e5",
    "name_jaccard", "has_names", "num_jaccard", "num_conflict",
    "word_jaccard", "coverage", "len_ratio", "neg_mismatch",
)
# Relative position was tried and left out: outlets reorder paragraphs (the demo gold does), our
# training order is shuffled for that reason, and its weight came out as noise (+0.62: favouring
# pairs FAR apart), which would only hurt on articles that keep the source's order.
ENCODERS = ("use", "e5")  # the two cosine families the model was trained on
MARGIN_K = 4  # neighbours in the margin's denominator, as compare.align's default
GAP_CLIP = 0.3  # a gap to the runner-up beyond this says nothing more
_NAME = re.compile(r"\b(?:[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w-]+|[A-Z]{2,})\b")
_NUMBER = re.compile(r"\d+")
_TOKEN = re.compile(r"[\w']+")
# Negation and refusal markers, French and English: flipping one is the cheapest different claim.
NEGATIONS = frozenset("ne n pas jamais aucun aucune aucuns ni sans refuse refusé refusent "
                      "not never no nor without none refused denies denied".split())


@dataclass(frozen=True)
class MatchText:
    """What the features need of one passage, computed once per article."""
    passage: kinds.PassageText
    names: frozenset
    numbers: frozenset
    negated: bool


def match_text(text: str) -> MatchText:
    """Names (capitalised words past the first, acronyms), numbers and negation of `text`."""
    words = _NAME.findall(text)
    first = re.match(r"\W*([\w-]+)", text)
    names = [w for k, w in enumerate(words) if not (k == 0 and first and first.group(1) == w)]
    tokens = {t.lower() for t in _TOKEN.findall(text.replace("’", "'"))}
    tokens |= {t.split("'")[0] for t in tokens if "'" in t}
    return MatchText(kinds.PassageText(text), frozenset(n.lower() for n in names),
                     frozenset(_NUMBER.findall(text)), bool(tokens & NEGATIONS))


def _jaccard(x: frozenset, y: frozenset) -> float:
    return len(x & y) / len(x | y) if x | y else 0.0


def _knn_mean(sim: np.ndarray, k: int) -> np.ndarray:
    k = max(1, min(k, sim.shape[1]))
    return np.partition(sim, sim.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


def _runner_up(sim: np.ndarray, axis: int) -> np.ndarray:
    """For every cell, the best other value of its row (axis=1) or column (axis=0)."""
    if sim.shape[axis] < 2:
        return np.full(sim.shape, np.nan, dtype=np.float32)
    top2 = -np.sort(-sim, axis=axis).take([0, 1], axis=axis)
    first, second = np.take(top2, 0, axis=axis), np.take(top2, 1, axis=axis)
    first, second = (first[:, None], second[:, None]) if axis == 1 else (first[None, :], second[None, :])
    return np.where(sim >= first, second, first)


def _cosine_block(sim: np.ndarray) -> dict[str, np.ndarray]:
    """Matrix features of one encoder: cosine, margin, gaps to the runners-up, mutual best."""
    denom = (_knn_mean(sim, MARGIN_K)[:, None] + _knn_mean(sim.T, MARGIN_K)[None, :]) / 2
    row_gap = np.nan_to_num(sim - _runner_up(sim, 1), nan=0.0)
    col_gap = np.nan_to_num(sim - _runner_up(sim, 0), nan=0.0)
    mutual = (sim >= sim.max(axis=1, keepdims=True)) & (sim >= sim.max(axis=0, keepdims=True))
    return {"cos": sim, "margin": sim / np.maximum(denom, 1e-6),
            "rowgap": np.clip(row_gap, -GAP_CLIP, GAP_CLIP), "colgap": np.clip(col_gap, -GAP_CLIP, GAP_CLIP),
            "mutual": mutual.astype(np.float32)}


def _pair_row(a: MatchText, b: MatchText) -> list[float]:
    """Word-level features of one pair, in FEATURES order after the cosine block."""
    la, lb = len(a.passage.plain), len(b.passage.plain)
    short, long_ = (a, b) if la <= lb else (b, a)
    both_numbers = bool(a.numbers) and bool(b.numbers)
    return [_jaccard(a.names, b.names), float(bool(a.names) and bool(b.names)),
            _jaccard(a.numbers, b.numbers), float(both_numbers and not (a.numbers & b.numbers)),
            _jaccard(a.passage.stems, b.passage.stems), kinds.coverage(short.passage, long_.passage),
            min(la, lb) / max(la, lb, 1), float(a.negated != b.negated)]


def pair_features(sims: dict[str, np.ndarray], texts_a: list[MatchText], texts_b: list[MatchText],
                  cells: list[tuple[int, int]]) -> np.ndarray:
    """Feature rows (FEATURES order) for `cells` of the articles' similarity matrices.

    `sims` maps "use" and "e5" to the (len(texts_a), len(texts_b)) cosine matrix of that encoder.
    """
    blocks = {name: _cosine_block(sims[name]) for name in ENCODERS}
    rows = []
    for i, j in cells:
        cos = [blocks[e][f][i, j] for f in ("cos", "margin") for e in ENCODERS]
        # which article is "a" is arbitrary: the weaker and the stronger side, not row and column
        ranks = [g for e in ENCODERS for g in sorted((blocks[e]["rowgap"][i, j], blocks[e]["colgap"][i, j]))]
        mutual = [blocks[e]["mutual"][i, j] for e in ENCODERS]
        rows.append(cos + ranks + mutual + _pair_row(texts_a[i], texts_b[j]))
    return np.asarray(rows, dtype=np.float32).reshape(len(cells), len(FEATURES))
