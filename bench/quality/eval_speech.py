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
- the opt-in e5 variant (PRESSLENS_SPEECH_MODEL=crf-e5, annotate/models/speech/e5.py) gets its
  own rows (model column E5_MODEL) on dev and the tuning slice; --no-e5 skips it (it runs e5 on
  every paragraph: minutes on 2 cores).
Missing ../shared/data → one skipped row, exit 0.
Usage: .venv/bin/python bench/quality/eval_speech.py [--no-rules] [--no-e5]
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev
from bench.quotes_polnear import as_tuples, score_polnear

DATA = ROOT.parent / "shared" / "data"
POLNEAR_DEV = DATA / "polnear" / "dev.jsonl"
AADS = DATA / "aads_french_direct_speech" / "test_paragraphs.jsonl"
MODEL = "crf-speech (annotate/models/speech)"
RULES = "rules (annotate/quotes.py)"
STORED = "crf-speech as stored by presslens (annotate/models/speech/apply.py)"
E5_MODEL = "crf-e5-speech (annotate/models/speech/e5.py, opt-in)"
E5_STORED = "crf-e5-speech as stored by presslens (opt-in)"


def model_predict(model, lang: str = "en", stored: bool = False):
    """predict(text) -> [(start, end, speaker, speaker_span, cue)] with the learned tagger; with
    `stored`, only what presslens stores as quotations (annotate.models.speech.apply.is_stored:
    no indirect statement without cue or source, "according to" a document kept as a sourced fact)."""
    from annotate.models.speech.apply import is_stored

    def predict(text: str) -> list[tuple]:
        out = []
        for m in re.finditer(r"[^\n]+", text):
            for a in model.find(m.group(), lang):
                if stored and not is_stored(a, lang, m.group()):
                    continue
                s = m.start()
                src = a.source
                out.append((a.content.start + s, a.content.end + s, src.text if src else None,
                            (src.start + s, src.end + s) if src else None, a.cue.text if a.cue else None))
        return out
    return predict


def rules_predict(text: str) -> list[tuple]:
    from bench.quotes_polnear import predict

    return as_tuples(predict(text))


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


class Memo:
    """A model whose find() answers each (text, lang) once: the e5 variant's predictions serve
    both its plain and its stored rows."""

    def __init__(self, model):
        self.model, self.seen = model, {}

    def find(self, text: str, lang: str = "en"):
        if (text, lang) not in self.seen:
            self.seen[text, lang] = self.model.find(text, lang)
        return self.seen[text, lang]


def e5_rows(dev: list[dict], tune: list[dict] | None) -> list[dict]:
    """Rows of the e5 variant on dev (plain and stored) and on the tuning slice."""
    from annotate.models.speech.e5 import E5SpeechModel

    model = Memo(E5SpeechModel())
    note = ("opt-in; head and CRF trained on PolNeAR train, layer, head and features chosen on the seeded "
            "slice of train; dev scored once, never tuned on")
    rows = polnear_rows(score_polnear(dev, model_predict(model)), E5_MODEL, note)
    rows += polnear_rows(score_polnear(dev, model_predict(model, stored=True)), E5_STORED,
                         "what the pipeline stores with PRESSLENS_SPEECH_MODEL=crf-e5 (same filter as the CRF's); " + note)
    if tune is not None:
        from bench.quality import speech_data as sd

        rows += polnear_rows(score_polnear(tune, model_predict(model)), E5_MODEL,
                             "TUNING DATA: the e5 layer, head and features were chosen on this slice",
                             split=f"train.jsonl tuning slice (seed {sd.SEED!r}, {len(tune)} articles, not trained on)")
    return rows


def main(with_rules: bool = True, with_e5: bool = True) -> None:
    if not POLNEAR_DEV.exists():
        print(json.dumps({"rows": [{"task": "reported_speech", "data": "polnear", "split": "dev.jsonl", "metric": None,
                                    "figure": None, "goal": None, "model": MODEL,
                                    "note": f"skipped: dev data not found at {POLNEAR_DEV} (see ../shared/data/README.md)"}]}))
        return
    from annotate.models.speech import SpeechModel
    from bench.quality import speech_data as sd

    model = SpeechModel()
    dev = sd.load("dev", POLNEAR_DEV)
    tune = None
    rows = polnear_rows(score_polnear(dev, model_predict(model)), MODEL,
                        "trained on PolNeAR train; windows and guards set on a seeded slice of train; dev never tuned on")
    rows += polnear_rows(score_polnear(dev, model_predict(model, stored=True)), STORED,
                         "what the pipeline stores: the tagger's attributions minus indirect ones with no source and "
                         "no cue or only an impersonal one ('is expected to'), and those introduced by 'according to' a document (a sourced fact in presslens's scheme, "
                         "an attribution in PolNeAR's): recall is lower by design; dev never tuned on")
    if (sd.DATA / "train.jsonl").exists():
        _, tune = sd.split_train(sd.load("train"))
        rows += polnear_rows(score_polnear(tune, model_predict(model)), MODEL,
                             "TUNING DATA: every choice (features, regularisation, decoder) was made on this slice",
                             split=f"train.jsonl tuning slice (seed {sd.SEED!r}, {len(tune)} articles, not trained on)")
    if with_e5:
        rows += e5_rows(dev, tune)
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
    main(with_rules="--no-rules" not in sys.argv, with_e5="--no-e5" not in sys.argv)
