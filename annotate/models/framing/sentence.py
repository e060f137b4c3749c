"""Sentence-level editorial framing: is this the outlet's own evaluative voice (CheckThat SUBJ)?

A small multilayer perceptron over the passage's sentence vector from the default encoder (USE,
already in the vector cache when suggestions run, so it costs nothing to get) and a few cheap
features (punctuation, shape, first/second person, modals, reporting verbs, framing-rule hits;
see features.py). Trained on CheckThat! 2025 subjectivity (en, de, it) and BABE opinion labels;
see MODEL_CARD.md for data, splits and figures.
"""
from __future__ import annotations

import numpy as np

from annotate.models.framing import features, weights

MODEL_FILE = "sentence.npz"


class VectorMismatch(ValueError):
    """Vectors from another encoder than the one the model was trained on."""


def model_info() -> dict:
    """Metadata stored with the weights: encoder model id and name, features, threshold, figures."""
    model = weights.load(MODEL_FILE)
    return {**model.meta, "threshold": model["net"].threshold}


def design(vectors: np.ndarray, texts: list[str], lang: str | None, rule_spans: list | None = None) -> np.ndarray:
    """Model input rows: the sentence vector, then the scaled cheap features of each text."""
    meta = weights.load(MODEL_FILE).meta
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts) or vectors.shape[1] != meta["dim"]:
        raise VectorMismatch(f"need ({len(texts)}, {meta['dim']}) vectors from {meta['encoder_model_id']}, "
                             f"got shape {vectors.shape}")
    voice = len(meta["features"]) > len(features.SENTENCE_FEATURES)  # the weights list VOICE_FEATURES too
    if not texts:
        return np.zeros((0, meta["dim"] + len(meta["features"])), dtype=np.float32)
    spans = rule_spans if rule_spans is not None else [None] * len(texts)
    feats = np.stack([features.sentence_features(t, lang, sp, voice) for t, sp in zip(texts, spans)])
    feats = feats * meta["feature_scale"]
    return np.hstack([vectors, feats])


def sentence_scores(vectors: np.ndarray, texts: list[str], lang: str | None,
                    rule_spans: list[list] | None = None) -> np.ndarray:
    """Probability that each text is editorial framing (the author's opinion), one per row.

    `vectors` are the texts' L2-normalised vectors from the encoder named in `model_info()`
    (USE: `compare.embed.get_encoder("use")`, or the vector cache); `lang` is an ISO code.
    `rule_spans`: per text, the rule spans the caller already computed (annotate.rules.detect, local
    offsets); saves running the framing rules again (most of this function's cost). Quotations
    are the caller's business: the model scores the passage as given (CheckThat's guideline makes
    neutrally reported speech OBJ, so a pure quotation passage tends to score low by itself).
    """
    return weights.load(MODEL_FILE)["net"].predict(design(vectors, texts, lang, rule_spans))


def is_framing(vectors: np.ndarray, texts: list[str], lang: str | None,
               rule_spans: list[list] | None = None) -> np.ndarray:
    """Boolean decision per text at the threshold stored with the weights (chosen on dev)."""
    return sentence_scores(vectors, texts, lang, rule_spans) >= weights.load(MODEL_FILE)["net"].threshold
