"""SUBJ → editorial_framing on CheckThat! 2025 subjectivity (English sentences).

Data: ../shared/data/checkthat2025_subjectivity/{dev_en,dev_test_en}.jsonl (not in the repo).
A sentence is predicted SUBJ when the framing rules find any span in it outside quotations.
The English framing lexicon was tuned on dev_en; dev_test_en is reported as held out.
Prints JSON: SUBJ precision/recall/F1, macro F1 (the task's measure) and accuracy per split.
The second part trains the presslens classifier on dev_en's labels and tests it on dev_test_en.
Usage: .venv/bin/python bench/framing_checkthat.py [encoder name | none]  (default: compare's default)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev  # noqa: E402
from annotate.rules import framing  # noqa: E402
from bench import _data  # noqa: E402  (bench/_data.py: absent dev data → a clear 'skipped')

DATA = ROOT.parent / "shared" / "data" / "checkthat2025_subjectivity"


def is_subjective(text: str) -> bool:
    return any(s.kind != "insertion" for s in framing.find_framing(text, "en"))


def score(path: Path) -> dict:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    t0 = time.perf_counter()
    pred = [is_subjective(r["text"]) for r in rows]
    gold = [r["label"] == "SUBJ" for r in rows]
    out = {}
    for name, positive in (("SUBJ", True), ("OBJ", False)):
        tp = sum(p == positive and g == positive for p, g in zip(pred, gold))
        out[name] = ev.prf(tp, sum(p == positive for p in pred), sum(g == positive for g in gold))
    return {
        "sentences": len(rows), "SUBJ": out["SUBJ"], "macro_f1": round((out["SUBJ"]["f1"] + out["OBJ"]["f1"]) / 2, 4),
        "accuracy": round(sum(p == g for p, g in zip(pred, gold)) / len(rows), 4),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def model_score(encoder_name: str | None) -> dict:
    """The presslens classifier (logistic regression over rule features + embeddings) trained on
    dev_en labels (SUBJ → editorial_framing, OBJ → sourced_fact), measured on dev_test_en: what
    retraining from human labels buys over the rules."""
    import numpy as np

    from annotate.models import classifier
    from annotate.rules import detect as rules
    from annotate.models.features import rule_features

    def load(name: str):
        rows = [json.loads(line) for line in (DATA / name).open(encoding="utf-8")]
        texts = [r["text"] for r in rows]
        feats = np.stack([rule_features(t, rules.detect(t, "en", parse=False)) for t in texts])
        labels = ["editorial_framing" if r["label"] == "SUBJ" else "sourced_fact" for r in rows]
        return texts, feats, labels

    tr_texts, tr_feats, tr_y = load("dev_en.jsonl")
    te_texts, te_feats, te_y = load("dev_test_en.jsonl")
    out = {}
    encoder = None
    if encoder_name != "none":
        from compare.embed import get_encoder

        encoder = get_encoder(encoder_name)
    for variant, enc in (("rule_features_only", None), (f"rules+{encoder.model_id}" if encoder else "", encoder)):
        if not variant:
            continue
        t0 = time.perf_counter()
        tr_v = enc.encode(tr_texts) if enc else None
        te_v = enc.encode(te_texts) if enc else None
        model = classifier.train(tr_feats, tr_v, tr_y, [1.0] * len(tr_y), enc.model_id if enc else None)
        probs = model.predict_proba(te_feats, te_v)
        pred = [bool(p[2] > p[0]) for p in probs]  # LABELS order: sourced_fact, quotation, editorial_framing
        gold = [y == "editorial_framing" for y in te_y]
        tp = sum(p and g for p, g in zip(pred, gold))
        tn = sum(not p and not g for p, g in zip(pred, gold))
        subj = ev.prf(tp, sum(pred), sum(gold))
        obj = ev.prf(tn, len(pred) - sum(pred), len(gold) - sum(gold))
        out[variant] = {"SUBJ": subj, "macro_f1": round((subj["f1"] + obj["f1"]) / 2, 4),
                        "accuracy": round((tp + tn) / len(gold), 4), "seconds": round(time.perf_counter() - t0, 2)}
    return out


def main() -> None:
    _data.require("framing_checkthat", DATA / "dev_en.jsonl", DATA / "dev_test_en.jsonl")
    encoder = sys.argv[1] if len(sys.argv) > 1 else None
    print(json.dumps({
        "bench": "framing_checkthat",
        "rules": {
            "dev_en (tuned on)": score(DATA / "dev_en.jsonl"),
            "dev_test_en (held out)": score(DATA / "dev_test_en.jsonl"),
        },
        "classifier trained on dev_en, tested on dev_test_en": model_score(encoder),
    }, indent=1))


if __name__ == "__main__":
    main()
