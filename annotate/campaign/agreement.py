"""Inter-annotator agreement: Cohen's κ per pair, Fleiss' κ, Krippendorff's α, span overlap F1.

The coefficients are pure functions over plain lists so they can be checked against hand
computations (tests, bench/agreement_synthetic.py); `project_agreement` gathers a project's
human labels through annotate.labels.store and applies them. Coefficients that are undefined (all
items in one category: expected agreement 1) are returned as None, never NaN, so the JSON stays
valid and nobody reads a made-up number.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """κ = (po − pe) / (1 − pe) for two raters over the same items."""
    if len(a) != len(b):
        raise ValueError("both raters must label the same items")
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[c] * cb[c] for c in set(ca) | set(cb)) / (n * n)
    return None if pe == 1 else (po - pe) / (1 - pe)


def fleiss_kappa(items: Iterable[Sequence[Hashable]]) -> float | None:
    """Fleiss' κ; every item must carry the same number (≥ 2) of ratings."""
    items = [list(i) for i in items]
    if not items:
        return None
    m = len(items[0])
    if m < 2 or any(len(i) != m for i in items):
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of ratings on every item")
    n = len(items)
    counts = [Counter(i) for i in items]
    p_i = [(sum(c * c for c in cnt.values()) - m) / (m * (m - 1)) for cnt in counts]
    totals = Counter()
    for cnt in counts:
        totals.update(cnt)
    pe = sum((t / (n * m)) ** 2 for t in totals.values())
    p_bar = sum(p_i) / n
    return None if pe == 1 else (p_bar - pe) / (1 - pe)


def krippendorff_alpha(units: Mapping[Hashable, Mapping[Hashable, Hashable]]) -> float | None:
    """Nominal Krippendorff's α over {item: {rater: label}} (missing ratings allowed)."""
    raters = sorted({r for ratings in units.values() for r in ratings}, key=str)
    labels = sorted({l for ratings in units.values() for l in ratings.values()}, key=str)
    pairable = [u for u in units.values() if len(u) >= 2]
    if len(raters) < 2 or len(labels) < 2 or not pairable:
        return None
    import krippendorff  # imported here: only agreement needs it

    code = {l: i for i, l in enumerate(labels)}
    data = np.full((len(raters), len(units)), np.nan)
    for j, ratings in enumerate(units.values()):
        for i, r in enumerate(raters):
            if r in ratings:
                data[i, j] = code[ratings[r]]
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return None if math.isnan(value) else value


def percent_agreement(items: Iterable[Sequence[Hashable]]) -> float | None:
    """Share of rater pairs, over all items, that gave the same label."""
    agree = total = 0
    for ratings in items:
        for x, y in itertools.combinations(ratings, 2):
            agree += x == y
            total += 1
    return agree / total if total else None


Span = tuple[int, int, str]  # (start, end, label) in code points


def _units(spans: Iterable[Span], tokens: list[tuple[int, int]] | None) -> dict[str, set]:
    """Characters (or tokens overlapping the span) covered by each label."""
    out: dict[str, set] = defaultdict(set)
    for start, end, label in spans:
        if tokens is None:
            out[label].update(range(start, end))
        else:
            out[label].update(i for i, (s, e) in enumerate(tokens) if s < end and e > start)
    return out


def span_f1(a: Iterable[Span], b: Iterable[Span], text: str | None = None, unit: str = "char") -> dict:
    """Overlap F1 between two annotators' spans, per label and micro-averaged.

    F1 = 2|A∩B| / (|A|+|B|) over the characters (unit='char') or word tokens (unit='token',
    needs `text`) that each annotator put under a label; symmetric, so no annotator is 'gold'.
    """
    tokens = [m.span() for m in re.finditer(r"\w+", text or "")] if unit == "token" else None
    if unit == "token" and text is None:
        raise ValueError("token overlap needs the text")
    ua, ub = _units(a, tokens), _units(b, tokens)
    per_label, inter_sum, size_sum = {}, 0, 0
    for label in sorted(set(ua) | set(ub)):
        inter, size = len(ua[label] & ub[label]), len(ua[label]) + len(ub[label])
        per_label[label] = 2 * inter / size if size else None
        inter_sum, size_sum = inter_sum + inter, size_sum + size
    return {"unit": unit, "f1": 2 * inter_sum / size_sum if size_sum else None, "per_label": per_label}


def passage_classes(labels: Iterable[Mapping]) -> dict[tuple, str]:
    """{(annotator_id, passage_id): label}: the passage's class for each annotator.

    A whole-passage label wins (latest one); otherwise the label covering most characters of the
    passage's spans, so span-only annotators still count for class agreement.
    """
    best: dict[tuple, tuple] = {}
    for l in labels:
        key = (l["annotator_id"], l["passage_id"])
        whole = int(bool(l.get("whole")))
        rank = (whole, l["end"] - l["start"] if not whole else 0, l["id"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, l["label"])
    return {k: v[1] for k, v in best.items()}


def agreement_report(classes: Mapping[tuple, str], spans_by_annotator: Mapping | None = None,
                     names: Mapping | None = None, text: str | None = None) -> dict:
    """Agreement figures from {(annotator, item): label} (see `passage_classes`)."""
    names = names or {}
    units: dict = defaultdict(dict)
    for (rater, item), label in classes.items():
        units[item][rater] = label
    raters = sorted({r for r, _ in classes}, key=str)
    shared = {i: u for i, u in units.items() if len(u) >= 2}
    m = max((len(u) for u in shared.values()), default=0)
    full = [list(u.values()) for u in shared.values() if len(u) == m]
    report = {
        "annotators": [names.get(r, r) for r in raters], "items": len(units), "items_shared": len(shared),
        "overall": {
            "percent": percent_agreement(u.values() for u in shared.values()),
            "fleiss_kappa": fleiss_kappa(full) if m >= 2 else None, "fleiss_items": len(full),
            "krippendorff_alpha": krippendorff_alpha(units),
        },
        "pairs": _pairs(units, raters, names),
        "per_label": _per_label(units, names),
    }
    if spans_by_annotator:
        report["spans"] = _span_pairs(spans_by_annotator, names, text)
    return report


def _pairs(units: Mapping, raters: list, names: Mapping) -> list[dict]:
    out = []
    for r1, r2 in itertools.combinations(raters, 2):
        both = [(u[r1], u[r2]) for u in units.values() if r1 in u and r2 in u]
        a, b = [x for x, _ in both], [y for _, y in both]
        out.append({"a": names.get(r1, r1), "b": names.get(r2, r2), "n": len(both),
                    "percent": sum(x == y for x, y in both) / len(both) if both else None,
                    "cohen_kappa": cohen_kappa(a, b) if both else None})
    return out


def _per_label(units: Mapping, names: Mapping) -> dict:
    """One-vs-rest agreement for each label (does everyone see *this* label here?)."""
    labels = sorted({l for u in units.values() for l in u.values()})
    out = {}
    for label in labels:
        binary = {i: {r: l == label for r, l in u.items()} for i, u in units.items()}
        out[label] = {"count": sum(l == label for u in units.values() for l in u.values()),
                      "krippendorff_alpha": krippendorff_alpha(binary),
                      "cohen_kappa_pairs": {f"{p['a']}|{p['b']}": p["cohen_kappa"]
                                            for p in _pairs(binary, sorted({r for u in binary.values()
                                                                            for r in u}, key=str), names)}}
    return out


def _span_pairs(spans_by_annotator: Mapping, names: Mapping, text: str | None = None) -> list[dict]:
    """Char-overlap (and, given the text, token-overlap) F1 per pair over the passages both
    annotators labelled.

    Spans are (start, end, label, passage_id) with start/end already made unique across
    articles by the caller (offsets of different articles must never overlap).
    """
    out = []
    for r1, r2 in itertools.combinations(sorted(spans_by_annotator, key=str), 2):
        s1, s2 = spans_by_annotator[r1], spans_by_annotator[r2]
        common = {s[3] for s in s1} & {s[3] for s in s2}
        a = [s[:3] for s in s1 if s[3] in common]
        b = [s[:3] for s in s2 if s[3] in common]
        char = span_f1(a, b)
        out.append({"a": names.get(r1, r1), "b": names.get(r2, r2), "passages": len(common),
                    "char_f1": char["f1"], "per_label": char["per_label"],
                    "token_f1": span_f1(a, b, text, unit="token")["f1"] if text is not None else None})
    return out
