"""Train the framing models and write their weights into annotate/models/framing/weights/.

Sentence model (sentence.npz): MLP over USE sentence vectors + cheap features, fitted on
CheckThat! 2025 train_{en,de,it} (+ BABE train-part opinion labels, see BABE_OPINION); the
decision threshold is the one maximising mean macro-F1 over dev_{en,de,it}. SEEDS networks are
fitted and merged into one wider network whose logit is their mean (an exact ensemble).
Loaded-word model (loaded.npz + loaded_vocab.npz): trained by bench/quality/train_loaded.py on
BABE's train part minus a tuning fifth (threshold and sentence gate chosen on that fifth; BABE's
test part is never read).
Usage: python bench/quality/train_framing.py [sentence|loaded ...]   (default: both)
Data: ../shared/data (see bench/quality/_framing_data.py); vectors cached in /tmp/presslens-cache.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.models.framing import features, sentence, weights  # noqa: E402
from bench import _data  # noqa: E402
from bench.quality import _framing_data as d  # noqa: E402
from bench.quality.train_loaded import train_loaded  # noqa: E402

ENCODER = "use"
# Chosen on CheckThat dev_{en,de,it} (mean macro-F1 over 3 seeds; grid and figures in MODEL_CARD.md).
SENT = {"hidden": 64, "alpha": 0.1, "feature_scale": 3.0, "babe_opinion": "mixed"}
SEEDS = (0, 1, 2, 3, 4)


def merged(nets: list[MLPClassifier]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One-hidden-layer nets side by side: the merged net's logit is the mean of theirs."""
    w0 = np.hstack([n.coefs_[0] for n in nets])
    b0 = np.concatenate([n.intercepts_[0] for n in nets])
    w1 = np.vstack([n.coefs_[1] for n in nets]) / len(nets)
    b1 = np.mean([n.intercepts_[1] for n in nets], axis=0)
    return [w0, w1], [b0, b1]


def sentence_block(rows: list[dict], lang: str, scale: float) -> np.ndarray:
    vecs = d.vectors(ENCODER, [r["text"] for r in rows])
    return np.hstack([vecs, d.sentence_feature_matrix(rows, lang) * scale])


def sentence_data(split: str, langs=d.LANGS, scale: float = SENT["feature_scale"]):
    xs, ys = [], []
    for lang in langs:
        rows = d.checkthat(split, lang)
        xs.append(sentence_block(rows, lang, scale))
        ys += [r["label"] == "SUBJ" for r in rows]
    return np.vstack(xs), np.array(ys)


def babe_opinion(mode: str, scale: float):
    """BABE train-part sentences as extra training rows: 'editorial' (fact vs writer's opinion),
    'mixed' (mixed counts as opinion too) or 'none'."""
    if mode == "none":
        return None
    rows = [r for r in d.babe("train") if r["derived_fact_vs_editorial"] in
            (("fact", "editorial", "mixed") if mode == "mixed" else ("fact", "editorial"))]
    return sentence_block(rows, "en", scale), np.array([r["derived_fact_vs_editorial"] != "fact" for r in rows])


def fit_sentence(params: dict, seeds=SEEDS) -> tuple[list[MLPClassifier], np.ndarray, np.ndarray]:
    x, y = sentence_data("train", scale=params["feature_scale"])
    extra = babe_opinion(params["babe_opinion"], params["feature_scale"])
    if extra is not None:
        x, y = np.vstack([x, extra[0]]), np.concatenate([y, extra[1]])
    nets = [MLPClassifier((params["hidden"],), alpha=params["alpha"], max_iter=300, early_stopping=True,
                          random_state=s).fit(x, y) for s in seeds]
    return nets, x, y


def dev_macro_f1(probs: dict, gold: dict, threshold: float) -> float:
    return float(np.mean([f1_score(gold[k], probs[k] >= threshold, average="macro") for k in gold]))


def train_sentence() -> dict:
    nets, _, _ = fit_sentence(SENT)
    coefs, intercepts = merged(nets)
    model = weights.MLP(tuple(coefs), tuple(intercepts))
    probs, gold = {}, {}
    for lang in d.LANGS:
        x, y = sentence_data("dev", (lang,))
        probs[lang], gold[lang] = model.predict(x), y
    grid = np.round(np.arange(0.2, 0.81, 0.02), 2)
    threshold = float(max(grid, key=lambda t: dev_macro_f1(probs, gold, t)))
    meta = {"encoder": ENCODER, "encoder_model_id": _encoder_id(), "dim": int(coefs[0].shape[0]) -
            len(features.SENTENCE_FEATURES), "features": list(features.SENTENCE_FEATURES), **SENT,
            "feature_scale": SENT["feature_scale"], "seeds": list(SEEDS),
            "trained_on": "CheckThat 2025 train_en+train_de+train_it" + (
                "" if SENT["babe_opinion"] == "none" else " + BABE SG2 train part (opinion labels)"),
            "threshold_tuned_on": "CheckThat 2025 dev_en+dev_de+dev_it (mean macro-F1)",
            "dev_macro_f1_at_threshold": round(dev_macro_f1(probs, gold, threshold), 4)}
    weights.save(weights.WEIGHTS_DIR / sentence.MODEL_FILE, {"net": weights.MLP(tuple(coefs), tuple(intercepts),
                                                                           threshold)}, meta)
    return meta | {"threshold": threshold}


def _encoder_id() -> str:
    from compare.embed import MODELS

    return MODELS[ENCODER].model_id


def main() -> None:
    _data.require("train_framing", d.CHECKTHAT / "train_en.jsonl", d.BABE)
    which = sys.argv[1:] or ["sentence", "loaded"]
    out = {}
    for name, fn in (("sentence", train_sentence), ("loaded", train_loaded)):
        if name in which:
            start = time.perf_counter()
            out[name] = fn() | {"seconds": round(time.perf_counter() - start, 1)}
            weights.load.cache_clear()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
