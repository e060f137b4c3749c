"""Scoring alignments against a dev gold keyed by text snippets.

Gold files (tests/data/align_gold_*.json) name passages by a snippet of their text, not by id,
so they survive segmentation changes: a snippet stands for every passage overlapping one of its
occurrences. Pairs marked `optional` are debatable (a summary sentence that loosely echoes two
others) and count neither for nor against; `kind` lists the acceptable kinds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from compare import align
from corpus.segment import segment


@dataclass
class Case:
    """Two articles (a, b) and what should align between them."""
    name: str
    lang: str
    text_a: str
    text_b: str
    alignments: list[dict]
    additions: dict[str, list[str]]


def load_cases(path: str | Path, root: str | Path = ".") -> list[Case]:
    """Cases of a gold file: inline texts (`cases`) or two corpus files (`files`)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if "files" in doc:
        texts = {side: (Path(root) / doc["files"][side]).read_text(encoding="utf-8-sig") for side in "ab"}
        items = [{"name": Path(path).stem, "a": texts["a"], "b": texts["b"],
                  "alignments": doc["alignments"], "additions": doc["additions"]}]
    else:
        items = doc["cases"]
    return [Case(it["name"], doc.get("lang", "fr"), it["a"], it["b"], it["alignments"], it["additions"])
            for it in items]


def snippet_passages(text: str, spans: list[tuple[int, int]], snippet: str) -> list[int]:
    """Indices of the passages (start, end) overlapping any occurrence of `snippet` in `text`."""
    hits, pos = [], text.find(snippet)
    while pos >= 0:
        end = pos + len(snippet)
        hits.extend(i for i, (s, e) in enumerate(spans) if s < end and e > pos and i not in hits)
        pos = text.find(snippet, pos + 1)
    return hits


@dataclass
class Score:
    """Counts over pairs, kinds of true positives, and additions."""
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind_ok: int = 0
    add_tp: int = 0
    add_fp: int = 0
    add_fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("tp", "fp", "fn", "kind_ok", "add_tp", "add_fp", "add_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        ap = self.add_tp / (self.add_tp + self.add_fp) if self.add_tp + self.add_fp else 1.0
        ar = self.add_tp / (self.add_tp + self.add_fn) if self.add_tp + self.add_fn else 1.0
        return {
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0, 3),
            "kind_accuracy": round(self.kind_ok / self.tp, 3) if self.tp else None,
            "additions_precision": round(ap, 3), "additions_recall": round(ar, 3),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }


def gold_pairs(case: Case, spans_a, spans_b) -> tuple[dict, set]:
    """Required pairs {(i, j): acceptable kinds} and optional pairs, as passage indices."""
    required, optional = {}, set()
    for gold in case.alignments:
        for i in snippet_passages(case.text_a, spans_a, gold["a"]):
            for j in snippet_passages(case.text_b, spans_b, gold["b"]):
                if gold.get("optional"):
                    optional.add((i, j))
                else:
                    required[(i, j)] = set(gold["kind"]) | required.get((i, j), set())
    return required, optional


def score_case(case: Case, spans_a, spans_b, predicted: dict, adds_a: set, adds_b: set) -> Score:
    """Score predicted pairs {(i, j): kind} and additions (passage index sets) of one case."""
    required, optional = gold_pairs(case, spans_a, spans_b)
    score = Score()

    def show(pair) -> str:
        (sa, ea), (sb, eb) = spans_a[pair[0]], spans_b[pair[1]]
        return f"{case.text_a[sa:ea][:50]!r} ~ {case.text_b[sb:eb][:50]!r}"

    for pair, kind in predicted.items():
        if pair in required:
            score.tp += 1
            score.kind_ok += kind in required[pair]
            if kind not in required[pair]:
                score.errors.append(f"kind {kind}, want {sorted(required[pair])}: {show(pair)}")
        elif pair not in optional:
            score.fp += 1
            score.errors.append(f"false pair: {show(pair)}")
    for pair in required.keys() - predicted.keys():
        score.fn += 1
        score.errors.append(f"missed pair: {show(pair)}")
    for side, spans, text, adds in (("a", spans_a, case.text_a, adds_a), ("b", spans_b, case.text_b, adds_b)):
        gold_adds = {i for s in case.additions.get(side, []) for i in snippet_passages(text, spans, s)}
        aligned = {p[0] if side == "a" else p[1] for p in required}
        score.add_tp += len(gold_adds & adds)
        score.add_fn += len(gold_adds - adds)
        score.add_fp += len(aligned & adds)
    return score


def prepare(case: Case, encoder, second=None) -> dict:
    """Content passages, their vectors and kinds for both sides of a case (encoded once);
    with `second` (the other bundled encoder) also its vectors, for the learned match decision."""
    out = {}
    for side, text in (("a", case.text_a), ("b", case.text_b)):
        passages = [p for p in segment(text, case.lang) if p.content]
        out[side] = ([(p.start, p.end) for p in passages], [p.text for p in passages],
                     encoder.encode([p.text for p in passages]), [p.kind for p in passages])
    if second is not None:
        out["second"] = (second.model_id, second.encode(out["a"][1]), second.encode(out["b"][1]))
    return out


def run_case(case: Case, prepared: dict, params: align.AlignParams) -> Score:
    """Align one case and score it against its gold."""
    (spans_a, texts_a, va, kinds_a), (spans_b, texts_b, vb, kinds_b) = prepared["a"], prepared["b"]
    ids_a, ids_b = [f"a{i}" for i in range(len(texts_a))], [f"b{j}" for j in range(len(texts_b))]
    found = align.align_pair(ids_a, texts_a, va, ids_b, texts_b, vb, params, kinds_ab=(kinds_a, kinds_b),
                             second=prepared.get("second"))
    predicted = {(int(al.a[1:]), int(al.b[1:])): al.kind for al in found}
    adds_a = {int(x[1:]) for x in align.additions(ids_a, found)}
    adds_b = {int(x[1:]) for x in align.additions(ids_b, found)}
    return score_case(case, spans_a, spans_b, predicted, adds_a, adds_b)


def evaluate(cases: list[Case], prepared: list[dict], params: align.AlignParams) -> tuple[Score, dict]:
    """Total score and per-language scores of the cases (prepared by `prepare`)."""
    total, per_set = Score(), {}
    for case, prep in zip(cases, prepared):
        s = run_case(case, prep, params)
        per_set.setdefault(case.lang, Score()).add(s)
        total.add(s)
    return total, per_set
