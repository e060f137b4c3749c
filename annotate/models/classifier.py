"""Passage classifier: logistic regression over rule features (+ sentence embeddings).

Why logistic regression: with tens to hundreds of labelled passages it trains in milliseconds,
and its probabilities are reasonably calibrated out of the box (it minimises log loss), which is
what uncertainty sampling needs. Training data are weak labels from the rules, overridden and
up-weighted by the project's human labels. The fitted model is pickled into `classifiers.blob`;
the blob is only ever read back from the local database the model was written to.
"""
from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from annotate.rules.spans import LABELS
from corpus.errors import Invalid

HUMAN_WEIGHT = 4.0  # one human label outweighs several rule guesses
# The logistic regression's settings, recorded with every stored classifier (annotate.models.training).
# Library defaults except: balanced classes (framing and facts are rarer than body text in news)
# and enough iterations for lbfgs to converge on 500+ embedding dimensions.
SETTINGS = {"C": 1.0, "max_iter": 2000, "class_weight": "balanced"}
RULE_FEATURE_SCALE = 3.0  # rule features are few; scale them against hundreds of embedding dims


class TrainError(Invalid):
    """Not enough or not varied enough data to fit a classifier."""


@dataclass
class PassageModel:
    """A fitted classifier and what it needs to be applied again (the encoder's model id)."""
    clf: LogisticRegression
    encoder_id: str | None
    encoder_name: str | None = None
    metrics: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "logreg+rules" + (f"+{self.encoder_id}" if self.encoder_id else "")

    def predict_proba(self, feats: np.ndarray, vecs: np.ndarray | None) -> np.ndarray:
        """(n, 3) probabilities in LABELS order; labels absent from training get 0; rows sum to 1."""
        raw = self.clf.predict_proba(design(feats, vecs if self.encoder_id else None))
        out = np.zeros((len(feats), len(LABELS)), dtype=np.float64)
        for j, label in enumerate(self.clf.classes_):
            out[:, LABELS.index(label)] = raw[:, j]
        return out


def design(feats: np.ndarray, vecs: np.ndarray | None) -> np.ndarray:
    """The model's input matrix: scaled rule features, then the embedding if any."""
    feats = np.asarray(feats, dtype=np.float32) * RULE_FEATURE_SCALE
    return feats if vecs is None else np.hstack([feats, np.asarray(vecs, dtype=np.float32)])


def train(feats: np.ndarray, vecs: np.ndarray | None, y: list[str], weights: list[float],
          encoder_id: str | None = None, encoder_name: str | None = None) -> PassageModel:
    """Fit on labelled passages; raises TrainError with fewer than 2 classes or 4 passages."""
    counts = Counter(y)
    if len(y) < 4 or len(counts) < 2:
        raise TrainError(f"need at least 4 passages with 2 different labels, got {dict(counts)}")
    x = design(feats, vecs)
    clf = LogisticRegression(**SETTINGS)
    clf.fit(x, y, sample_weight=np.asarray(weights, dtype=np.float64))
    metrics = {"n": len(y), "classes": dict(counts), "train_accuracy": round(float(clf.score(x, y)), 4)}
    folds = min(5, min(counts.values()))
    if folds >= 2:
        cv = cross_val_score(LogisticRegression(**SETTINGS), x, y, cv=folds)
        metrics["cv_accuracy"] = round(float(cv.mean()), 4)
    return PassageModel(clf, encoder_id, encoder_name, metrics)


def dumps(model: PassageModel) -> bytes:
    return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> PassageModel:
    return pickle.loads(blob)


def uncertainty(probs: np.ndarray, method: str = "margin") -> np.ndarray:
    """Higher = less sure. margin: 1 - (p1 - p2); entropy: normalised Shannon entropy."""
    probs = np.asarray(probs, dtype=np.float64)
    if method == "entropy":
        p = np.clip(probs, 1e-12, 1.0)
        return -(p * np.log(p)).sum(axis=1) / np.log(probs.shape[1])
    if method != "margin":
        raise ValueError(f"unknown uncertainty method {method!r}; expected margin or entropy")
    top2 = np.sort(probs, axis=1)[:, -2:]
    return 1.0 - (top2[:, 1] - top2[:, 0])
