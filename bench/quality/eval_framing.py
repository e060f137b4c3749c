"""Quality of the learned framing models (annotate/models/framing) on splits they never saw.

Rows (protocol of bench/quality/run.py), for each sentence model (the default USE MLP, then the
opt-in e5 model): sentence-level SUBJ macro-F1 on CheckThat! 2025
dev_test_{en,de,it} (held out) and dev_* (tuned on, labelled so); BABE opinion on its held-out
test part; French passages of the demo gold; loaded-word recall/precision on BABE's held-out test
part (and the word-list rules on the same part, for comparison); French carry-over on the
hand-written fixture tests/data/framing_fr_cases.json. Usage: python bench/quality/eval_framing.py
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotate.models.framing import features, loaded, sentence, sentence_e5
from annotate.models.framing.weights import WEIGHTS_DIR as WEIGHTS
from bench.quality import _framing_data as d

FR_CASES = ROOT / "tests" / "data" / "framing_fr_cases.json"
DEMO_GOLD = ROOT / "tests" / "data" / "demo_gold_annotations.json"
SENT_MODEL = "annotate/models/framing/sentence.npz (MLP over USE + cheap features)"
E5_MODEL = "annotate/models/framing/sentence_e5.npz (e5-small, first 8 layers + LoRA, linear head; opt-in \"e5\")"
LOADED_MODEL = ("annotate/models/framing/loaded.npz + loaded_vocab.npz (word-type, word x sentence context and token "
                "logistic regressions over USE)")


def row(task, data, split, metric, figure, goal=None, model=SENT_MODEL, note=None) -> dict:
    return {"task": task, "data": data, "split": split, "metric": metric,
            "figure": None if figure is None else round(float(figure), 4), "goal": goal, "model": model,
            "note": note}


def skipped(task: str, data: str, why: str) -> dict:
    return row(task, data, "–", "skipped", None, model=None, note=why)


@dataclass(frozen=True)
class SentenceModel:
    """One sentence framing model as the rows see it: scores(texts, lang), threshold, name."""
    name: str
    scores: Callable[[list[str], str], np.ndarray]
    threshold: float
    dev_note: str


def sentence_models() -> list[SentenceModel]:
    """The default USE model, then the opt-in e5 model (annotate.models.framing.apply.SENTENCE_MODELS)."""
    use = SentenceModel(SENT_MODEL, lambda texts, lang: sentence.sentence_scores(d.vectors("use", texts), texts, lang),
                        sentence.model_info()["threshold"], "tuned on: threshold and hyperparameters chosen on dev_*")
    e5 = SentenceModel(E5_MODEL, e5_scores, sentence_e5.model_info()["threshold"],
                       "tuned on: epoch, learning rates and threshold chosen on dev_*")
    return [use, e5]


def e5_scores(texts: list[str], lang: str) -> np.ndarray:
    """sentence_e5 probabilities, cached on disk by weights file and texts (a transformer pass each)."""
    weights_hash = hashlib.sha256((WEIGHTS / sentence_e5.MODEL_FILE).read_bytes()).hexdigest()[:12]
    key = hashlib.sha256(("\n".join(texts) + "\0" + weights_hash).encode()).hexdigest()[:20]
    path = d.CACHE / f"sentence-e5-{key}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    probs = sentence_e5.sentence_scores(texts, lang)
    d.CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, probs, allow_pickle=False)
    return probs


def sentence_rows(m: SentenceModel) -> list[dict]:
    out = []
    for split, note in (("dev_test", None), ("dev", m.dev_note)):
        for lang in d.LANGS:
            rows = d.checkthat(split, lang)
            probs = m.scores([r["text"] for r in rows], lang)
            gold = [r["label"] == "SUBJ" for r in rows]
            goal = ">= 0.78" if (split, lang) == ("dev_test", "en") else None
            out.append(row("editorial framing (sentence)", "CheckThat 2025 subjectivity", f"{split}_{lang}",
                           "macro-F1 SUBJ/OBJ", f1_score(gold, probs >= m.threshold, average="macro"), goal,
                           m.name, note))
    rows = [r for r in d.babe("test") if r["derived_fact_vs_editorial"] in ("fact", "editorial")]
    probs = m.scores([r["text"] for r in rows], "en")
    gold = [r["derived_fact_vs_editorial"] == "editorial" for r in rows]
    out.append(row("editorial framing (sentence)", "BABE SG2 opinion (fact vs writer's opinion)",
                   "babe test part (20%, salted hash)", "macro-F1",
                   f1_score(gold, probs >= m.threshold, average="macro"), model=m.name))
    return out + demo_rows(m) + [french_case_row(m)]


def model_rows(m: SentenceModel) -> list[dict]:
    """sentence_rows, or one skipped row when the model cannot run here (e5 without torch or its folder)."""
    from compare.embed import EncoderError

    try:
        return sentence_rows(m)
    except EncoderError as exc:
        return [skipped("editorial framing (sentence)", "CheckThat 2025 subjectivity", f"{m.name}: {exc}")]


def demo_rows(m: SentenceModel) -> list[dict]:
    """French: passages of the demo gold labelled editorial_framing vs the rest."""
    from corpus.segment import segment

    gold = json.loads(DEMO_GOLD.read_text(encoding="utf-8"))["articles"]
    texts, labels = [], []
    for name, article in gold.items():
        passages = {p.text[:40]: p.text for p in segment((ROOT / "corpus" / "demo" / name).read_text(encoding="utf-8"))}
        for prefix, label in article["passages"].items():
            if prefix[:40] in passages:
                texts.append(passages[prefix[:40]])
                labels.append(label == "editorial_framing")
    probs = m.scores(texts, "fr")
    note = f"{len(texts)} French passages of the demo gold (tests/data); the model never saw them" + (
        ", but the French rule lexicon it uses as a feature was written from these articles" if m.name == SENT_MODEL
        else "")
    return [row("editorial framing (sentence)", "demo corpus gold (fr)", "all demo gold passages", "macro-F1",
                f1_score(labels, probs >= m.threshold, average="macro"), model=m.name, note=note)]


def french_case_row(m: SentenceModel) -> dict:
    """Accuracy of the subjective / not decision on the hand-written French cases."""
    cases = json.loads(FR_CASES.read_text(encoding="utf-8"))["cases"]
    probs = m.scores([c["text"] for c in cases], "fr")
    acc = np.mean((probs >= m.threshold) == np.array([c["subjective"] for c in cases]))
    return row("editorial framing (sentence)", "hand-written French cases (tests/data/framing_fr_cases.json)",
               f"all {len(cases)} cases", "accuracy", acc, None, m.name,
               "written for presslens, never used for training or tuning")


def word_scores(pred: list[set], gold: list[set]) -> tuple[float, float]:
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    return tp / max(sum(map(len, gold)), 1), tp / max(sum(map(len, pred)), 1)


def loaded_rows() -> list[dict]:
    rows = d.babe("test")
    texts = [r["text"] for r in rows]
    gold = [{w.lower() for w in r["biased_words"]} for r in rows]
    words = loaded.WordVectors(lambda ws: d.vectors("use", ws))
    found = loaded.batch_loaded_spans(texts, "en", [[] for _ in texts], d.vectors("use", texts), words=words)
    recall, precision = word_scores([{s.text.lower() for s in spans} for spans in found], gold)
    rules = [{m.group().lower() for m in features.loaded_matches(t, "en")} for t in texts]
    r_recall, r_precision = word_scores(rules, gold)
    data, split = "BABE SG2 biased words", "babe test part (20%, salted hash)"
    rule_model = "annotate/framing_lexicon.py EN_LOADED (word list)"
    out = [row("loaded words (span)", data, split, "recall", recall, ">= 0.60", LOADED_MODEL),
           row("loaded words (span)", data, split, "precision", precision, ">= 0.50", LOADED_MODEL),
           row("loaded words (span)", data, split, "recall", r_recall, None, rule_model),
           row("loaded words (span)", data, split, "precision", r_precision, None, rule_model)]
    return out + french_rows(words) + demo_span_rows()


def demo_span_rows() -> list[dict]:
    """French demo gold: share of its framing spans in which the tagger (with the bracket rule)
    finds at least one span, and how many words it tags over all content passages."""
    from corpus.segment import segment

    gold = json.loads(DEMO_GOLD.read_text(encoding="utf-8"))["articles"]
    spans = [f for article in gold.values() for f in article["framing"]]
    touched = sum(bool(loaded.framing_spans(f, "fr")) for f in spans)
    passages = [p.text for name in gold for p in segment((ROOT / "corpus" / "demo" / name).read_text(encoding="utf-8"))
                if p.content]
    tagged = sum(len(f) for f in loaded.batch_loaded_spans(passages, "fr"))
    note = (f"{len(spans)} gold framing spans of the demo corpus (mostly whole sentences); the tagger marks "
            f"{tagged} words in {len(passages)} content passages: it is conservative on French")
    return [row("loaded words (span)", "demo corpus gold (fr)", "all demo gold framing spans",
                "share of spans with a tagged word or bracket", touched / max(len(spans), 1), None, LOADED_MODEL, note)]


def french_rows(words) -> list[dict]:
    cases = json.loads(FR_CASES.read_text(encoding="utf-8"))["cases"]
    texts = [c["text"] for c in cases]
    vecs = d.vectors("use", texts)
    found = loaded.batch_loaded_spans(texts, "fr", None, vecs, words=words)
    recall, precision = word_scores([{s.text.lower() for s in f} for f in found],
                                    [{w.lower() for w in c["loaded"]} for c in cases])
    data, split = "hand-written French cases (tests/data/framing_fr_cases.json)", f"all {len(cases)} cases"
    note = "written for presslens, never used for training or tuning; quoted words count as not loaded"
    return [row("loaded words (span)", data, split, "recall", recall, None, LOADED_MODEL, note),
            row("loaded words (span)", data, split, "precision", precision, None, LOADED_MODEL, note)]


# --- e5 loaded-word model (annotate/models/framing/loaded_e5.py, opt-in) ------------------------
E5_LOADED_MODEL = ("annotate/models/framing/loaded_e5.npz (frozen multilingual-e5-small word states, layer 8 "
                   "+ the USE tagger's token features: logistic regressions)")


def e5_loaded_rows() -> list[dict]:
    """The e5 model on the same data as loaded_rows: BABE test part and the French cases."""
    from annotate.models.framing import loaded_e5, weights
    from compare.embed import EncoderError

    try:
        loaded_e5.word_states(tuple(weights.load(loaded_e5.MODEL_FILE).meta["layers"]))
    except (EncoderError, ImportError, OSError) as exc:
        return [skipped("loaded words (span)", "BABE SG2 biased words", f"e5 folder unavailable: {exc}")]
    words = loaded.WordVectors(lambda ws: d.vectors("use", ws))
    rows = d.babe("test")
    texts = [r["text"] for r in rows]
    found = loaded_e5.batch_loaded_spans(texts, "en", [[] for _ in texts], d.vectors("use", texts), words=words)
    recall, precision = word_scores([{s.text.lower() for s in f} for f in found],
                                    [{w.lower() for w in r["biased_words"]} for r in rows])
    data, split = "BABE SG2 biased words", "babe test part (20%, salted hash)"
    out = [row("loaded words (span)", data, split, "recall", recall, ">= 0.60", E5_LOADED_MODEL),
           row("loaded words (span)", data, split, "precision", precision, ">= 0.50", E5_LOADED_MODEL)]
    cases = json.loads(FR_CASES.read_text(encoding="utf-8"))["cases"]
    texts = [c["text"] for c in cases]
    found = loaded_e5.batch_loaded_spans(texts, "fr", None, d.vectors("use", texts), words=words)
    recall, precision = word_scores([{s.text.lower() for s in f} for f in found],
                                    [{w.lower() for w in c["loaded"]} for c in cases])
    data, split = "hand-written French cases (tests/data/framing_fr_cases.json)", f"all {len(cases)} cases"
    note = "written for presslens, never used for training or tuning; quoted words count as not loaded"
    return out + [row("loaded words (span)", data, split, "recall", recall, None, E5_LOADED_MODEL, note),
                  row("loaded words (span)", data, split, "precision", precision, None, E5_LOADED_MODEL, note)]


def main() -> None:
    out = []
    if not d.CHECKTHAT.exists() or not d.BABE.exists():
        why = f"dev data not found under {d.DATA} (see its README)"
        out = [skipped("editorial framing (sentence)", "CheckThat 2025 subjectivity", why),
               skipped("loaded words (span)", "BABE SG2 biased words", why)]
    else:
        out = [r for m in sentence_models() for r in model_rows(m)] + loaded_rows() + e5_loaded_rows()
    print(json.dumps({"rows": out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
