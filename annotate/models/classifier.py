"""Passage classifier: logistic regression over rule features (+ sentence embeddings).

Why logistic regression: with tens to hundreds of labelled passages it trains in milliseconds,
and its probabilities are reasonably calibrated out of the box (it minimises log loss), which is
what uncertainty sampling needs. Training data are weak labels from the rules, overridden and
up-weighted by the project's human labels.

Why no pickle: a database file travels (`restore`, shared backups, a campaign sent to a
colleague), so `classifiers.blob` is untrusted input and unpickling it would run whatever code a
crafted row carries. The blob is a numpy .npz of plain arrays (coefficients, intercepts, class
names) plus a JSON string of settings, read with `allow_pickle=False` and checked field by field;
anything else is refused with `UnsafeModel`, which tells the user to retrain.
"""
from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from annotate.rules.spans import LABELS
from corpus.errors import Conflict, Invalid

if TYPE_CHECKING:  # SKLEARN_LAZY below
    from sklearn.linear_model import LogisticRegression

# SKLEARN_LAZY: sklearn is imported by the functions that fit or rebuild a model, not with this
# module: `annotate.suggest` imports it for every analysis, and most analyses have no stored
# classifier; the import alone cost about 0.8 s of CPU in each of the analysis's two processes
# (python -X importtime; 300 PolNeAR train articles, bench/analyze_speed.py).
HUMAN_WEIGHT = 4.0  # one human label outweighs several rule guesses
# The logistic regression's settings, recorded with every stored classifier (annotate.models.training).
# Library defaults except: balanced classes (framing and facts are rarer than body text in news)
# and enough iterations for lbfgs to converge on 500+ embedding dimensions.
SETTINGS = {"C": 1.0, "max_iter": 2000, "class_weight": "balanced"}
RULE_FEATURE_SCALE = 3.0  # rule features are few; scale them against hundreds of embedding dims


FORMAT = "presslens-logreg"
FORMAT_VERSION = 1
ARRAYS = ("coef", "intercept", "classes", "meta")
MAX_BLOB_BYTES = 64 * 1024 * 1024  # unpacked size; a real model is ~3 x 800 floats (about 20 KB)
RETRAIN = "run `./presslens annotate train` (add --project N for a project's model)"


class TrainError(Invalid):
    """Not enough or not varied enough data to fit a classifier."""


class UnsafeModel(Conflict):
    """A stored classifier that is not plain arrays in the expected shape: never loaded, retrain."""


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
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

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
    """The model as an .npz of plain arrays + JSON settings (no pickled objects anywhere)."""
    meta = {"format": FORMAT, "version": FORMAT_VERSION, "encoder_id": model.encoder_id,
            "encoder_name": model.encoder_name, "metrics": model.metrics,
            "rule_feature_scale": RULE_FEATURE_SCALE, "n_features": int(model.clf.n_features_in_),
            "params": {"C": model.clf.C, "max_iter": model.clf.max_iter, "class_weight": SETTINGS["class_weight"]}}
    out = io.BytesIO()
    # Coefficients keep their fitted dtype (float32 on float32 input), so predictions are identical.
    np.savez(out, coef=np.asarray(model.clf.coef_), intercept=np.asarray(model.clf.intercept_),
             classes=np.asarray([str(c) for c in model.clf.classes_], dtype=str),
             meta=np.asarray(json.dumps(meta)))
    return out.getvalue()


def loads(blob: bytes) -> PassageModel:
    """Rebuild a model written by `dumps`; raises UnsafeModel for anything else (a pickle from an
    older presslens or a crafted database row) without executing any of it."""
    arrays = _read_arrays(blob)
    meta = _read_meta(arrays["meta"])
    coef, intercept, classes = arrays["coef"], arrays["intercept"], arrays["classes"]
    _check_shapes(coef, intercept, classes, meta["n_features"])
    params = meta.get("params") if isinstance(meta.get("params"), dict) else {}
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(**{**SETTINGS, "C": float(params.get("C", SETTINGS["C"])),
                                "max_iter": int(params.get("max_iter", SETTINGS["max_iter"]))})
    clf.coef_, clf.intercept_ = coef, intercept
    clf.classes_, clf.n_features_in_ = classes.astype(str), coef.shape[1]
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    return PassageModel(clf, meta.get("encoder_id") or None, meta.get("encoder_name") or None, metrics)


def _refuse(why: str) -> UnsafeModel:
    return UnsafeModel(f"the stored classifier was not loaded: {why}; the model must be retrained: {RETRAIN}")


def _read_arrays(blob) -> dict[str, np.ndarray]:
    """The .npz members as arrays, read with allow_pickle=False after checking sizes and names."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or bytes(blob[:4]) != b"PK\x03\x04":
        raise _refuse("it is not in presslens's plain-array format (an old pickled model or a crafted row)")
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(blob))) as archive:
            names = sorted(info.filename for info in archive.infolist())
            if sum(info.file_size for info in archive.infolist()) > MAX_BLOB_BYTES:
                raise _refuse("it is larger than any real model")
        if names != sorted(f"{name}.npy" for name in ARRAYS):
            raise _refuse(f"unexpected contents {names}")
        with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as npz:
            return {name: npz[name] for name in ARRAYS}
    except UnsafeModel:
        raise
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise _refuse(f"it cannot be read as plain arrays ({type(exc).__name__})") from None


def _read_meta(meta: np.ndarray) -> dict:
    if meta.dtype.kind != "U" or meta.ndim != 0:
        raise _refuse("its settings are not a JSON string")
    try:
        doc = json.loads(str(meta))
    except ValueError:
        raise _refuse("its settings are not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
        raise _refuse(f"it is not a {FORMAT} v{FORMAT_VERSION} model")
    if doc.get("rule_feature_scale") != RULE_FEATURE_SCALE or not isinstance(doc.get("n_features"), int):
        raise _refuse("it was trained with different feature settings")
    for key in ("encoder_id", "encoder_name"):
        if doc.get(key) is not None and not isinstance(doc[key], str):
            raise _refuse(f"its {key} is not a string")
    return doc


def _check_shapes(coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray, n_features: int) -> None:
    """Binary logistic regression has one row of coefficients, multinomial one per class."""
    if coef.dtype.kind != "f" or intercept.dtype.kind != "f" or classes.dtype.kind != "U":
        raise _refuse("its arrays have the wrong types")
    labels = [str(c) for c in classes.tolist()] if classes.ndim == 1 else []
    if len(labels) < 2 or len(set(labels)) != len(labels) or not set(labels) <= set(LABELS):
        raise _refuse(f"its classes {labels} are not distinct labels of {list(LABELS)}")
    rows = 1 if len(labels) == 2 else len(labels)
    if coef.shape != (rows, n_features) or intercept.shape != (rows,):
        raise _refuse(f"its coefficients have shape {coef.shape}, expected {(rows, n_features)}")
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise _refuse("its coefficients are not finite numbers")


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
