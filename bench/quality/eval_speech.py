"""Reported speech and speakers: the learned tagger against today's rules, on reporting splits.

Prints ONE JSON object {"rows": [{task, data, split, metric, figure, goal, model, note}]}.
Metric definitions are those of bench/quotes_polnear.py (same gold, same matching), so the
rules' figures there and the rows here compare:
- gold quotation = one PolNeAR attribution with content, from its first to its last content
  piece; its speaker = its source pieces' text; primary annotations only.
- predictions are made paragraph by paragraph (one presslens passage = one line).
- content_overlap precision/recall: one-to-one matching, a pair shares at least one character
  (largest overlaps paired first); content_exact: identical offsets.
- speaker_accuracy: over overlap-matched pairs, the predicted source text contains the gold
  source text or is contained in it (case/space/quote-normalised); no gold and no predicted
  source also counts as right. speaker_exact: identical offsets.
- recall_direct / recall_indirect: gold contents with / without a quotation mark.
- AADS (French fiction, direct speech only): pieces of predicted direct attributions vs gold
  direct-speech spans, overlap and exact F1.
Missing ../shared/data → one skipped row, exit 0.
Usage: .venv/bin/python bench/quality/eval_speech.py [--no-rules]
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev  # noqa: E402
from bench.quotes_polnear import gold_of  # noqa: E402  (same gold as the rules' benchmark)

DATA = ROOT.parent / "shared" / "data"
POLNEAR_DEV = DATA / "polnear" / "dev.jsonl"
AADS = DATA / "aads_french_direct_speech" / "test_paragraphs.jsonl"
MODEL = "crf-speech (annotate/models/speech)"
RULES = "rules (annotate/quotes.py)"


def model_predict(model, lang: str = "en"):
    """predict(text) -> [(start, end, speaker, speaker_span, cue)] with the learned tagger."""
    def predict(text: str) -> list[tuple]:
        out = []
        for m in re.finditer(r"[^\n]+", text):
            for a in model.find(m.group(), lang):
                s = m.start()
                src = a.source
                out.append((a.content.start + s, a.content.end + s, src.text if src else None,
                            (src.start + s, src.end + s) if src else None, a.cue.text if a.cue else None))
        return out
    return predict


def rules_predict(text: str) -> list[tuple]:
    from bench.quotes_polnear import predict

    return [(p.start, p.end, p.speaker.text if p.speaker else None,
             (p.speaker.start, p.speaker.end) if p.speaker else None, p.cue.text if p.cue else None)
            for p in predict(text)]


def score_polnear(docs: list[dict], predict) -> dict:
    """The figures of the module docstring for `predict` over `docs`."""
    c = dict.fromkeys(("exact", "overlap", "pred", "gold", "spk", "spk_exact", "cue", "direct", "direct_hit",
                       "indirect", "indirect_hit"), 0)
    t0 = time.perf_counter()
    for doc in docs:
        gold, pred = gold_of(doc), predict(doc["text"])
        gs, ps = [g["span"] for g in gold], [(p[0], p[1]) for p in pred]
        c["exact"] += len(ev.match(gs, ps, "exact"))
        pairs = ev.match(gs, ps, "overlap")
        c["overlap"] += len(pairs)
        c["pred"] += len(ps)
        c["gold"] += len(gs)
        hit = {i for i, _ in pairs}
        for i, g in enumerate(gold):
            key = "direct" if g["direct"] else "indirect"
            c[key] += 1
            c[key + "_hit"] += i in hit
        for i, j in pairs:
            g, p = gold[i], pred[j]
            c["spk"] += ev.same_speaker(g["speaker"], p[2])
            c["spk_exact"] += bool(p[3] and g["speaker_span"] == p[3])
            c["cue"] += ev.same_speaker(g["cue"], p[4])
    n = c["overlap"] or 1
    return {"content_overlap": ev.prf(c["overlap"], c["pred"], c["gold"]),
            "content_exact": ev.prf(c["exact"], c["pred"], c["gold"]),
            "recall_direct": round(c["direct_hit"] / max(1, c["direct"]), 4),
            "recall_indirect": round(c["indirect_hit"] / max(1, c["indirect"]), 4),
            "speaker_accuracy": round(c["spk"] / n, 4), "speaker_exact": round(c["spk_exact"] / n, 4),
            "cue_accuracy": round(c["cue"] / n, 4), "seconds": round(time.perf_counter() - t0, 2)}


def score_aads(rows: list[dict], predict) -> dict:
    exact = overlap = n_pred = n_gold = 0
    for row in rows:
        gold = [(d["start"], d["end"]) for d in row["direct_speech"]]
        pred = predict(row["text"])
        exact += len(ev.match(gold, pred, "exact"))
        overlap += len(ev.match(gold, pred, "overlap"))
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
    return {"exact": ev.prf(exact, n_pred, n_gold), "overlap": ev.prf(overlap, n_pred, n_gold)}


def model_direct_pieces(model):
    def predict(text: str) -> list[tuple[int, int]]:
        return [(p.start, p.end) for a in model.find(text, "fr") if a.direct for p in (a.pieces or (a.content,))]
    return predict


def rules_direct(text: str) -> list[tuple[int, int]]:
    from annotate.rules import quotes

    return [(s.start, s.end) for s in quotes.find_quotes(text, "fr") if s.kind != "reported"]


def polnear_rows(figs: dict, model: str, note: str, split: str = "dev.jsonl (primary annotations, 84 articles)") -> list[dict]:
    data = "polnear"
    goals = {"content_overlap_recall": ">= 0.80", "content_overlap_precision": ">= 0.85", "speaker_accuracy": ">= 0.80"}
    vals = {"content_overlap_precision": figs["content_overlap"]["precision"],
            "content_overlap_recall": figs["content_overlap"]["recall"],
            "content_overlap_f1": figs["content_overlap"]["f1"], "content_exact_f1": figs["content_exact"]["f1"],
            "recall_direct": figs["recall_direct"], "recall_indirect": figs["recall_indirect"],
            "speaker_accuracy": figs["speaker_accuracy"], "speaker_exact_offsets": figs["speaker_exact"],
            "cue_accuracy": figs["cue_accuracy"]}
    return [{"task": "reported_speech", "data": data, "split": split, "metric": k, "figure": v,
             "goal": goals.get(k), "model": model, "note": note} for k, v in vals.items()]


def aads_rows(figs: dict, model: str, note: str) -> list[dict]:
    split = "test_paragraphs.jsonl (574 paragraphs, 381 spans)"
    return [{"task": "direct_speech_fr", "data": "aads_french_direct_speech", "split": split,
             "metric": f"{mode}_{k}", "figure": figs[mode][k], "goal": None, "model": model, "note": note}
            for mode in ("overlap", "exact") for k in ("precision", "recall", "f1")]


def main(with_rules: bool = True) -> None:
    if not POLNEAR_DEV.exists():
        print(json.dumps({"rows": [{"task": "reported_speech", "data": "polnear", "split": "dev.jsonl", "metric": None,
                                    "figure": None, "goal": None, "model": MODEL,
                                    "note": f"skipped: dev data not found at {POLNEAR_DEV} (see ../shared/data/README.md)"}]}))
        return
    from annotate.models.speech import get_model
    from bench.quality import speech_data as sd

    model = get_model()
    dev = sd.load("dev", POLNEAR_DEV)
    rows = polnear_rows(score_polnear(dev, model_predict(model)), MODEL,
                        "trained on PolNeAR train; windows and guards set on a seeded slice of train; dev never tuned on")
    if (sd.DATA / "train.jsonl").exists():
        _, tune = sd.split_train(sd.load("train"))
        rows += polnear_rows(score_polnear(tune, model_predict(model)), MODEL,
                             "TUNING DATA: every choice (features, regularisation, decoder) was made on this slice",
                             split=f"train.jsonl tuning slice (seed {sd.SEED!r}, {len(tune)} articles, not trained on)")
    if with_rules:
        rows += polnear_rows(score_polnear(dev, rules_predict), RULES,
                             "before: today's rules; their cue list and speaker rules were tuned on this dev split")
    if AADS.exists():
        aads = [json.loads(line) for line in AADS.open(encoding="utf-8")]
        fiction = "FICTION (19th-c. novels), not news; direct speech only; evaluation only, never trained on"
        rows += aads_rows(score_aads(aads, model_direct_pieces(model)), MODEL, fiction + "; the French guillemets "
                          "and dash patterns were added after one first figure here (recall 0.21), without error analysis")
        if with_rules:
            rows += aads_rows(score_aads(aads, rules_direct), RULES, fiction + "; the rules' dash and incise "
                              "patterns were fitted to this file's errors")
    print(json.dumps({"rows": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(with_rules="--no-rules" not in sys.argv)
