"""Weights of the framing models: numpy .npz files read with allow_pickle=False.

A model file holds one or more small multilayer perceptrons (ReLU hidden layers, logistic
output; no hidden layer = logistic regression) as fitted by scikit-learn, stored as plain float32
arrays under "<part>.w<i>" / "<part>.b<i>", plus one JSON metadata string. Loading runs no code
from the file and inference needs numpy alone. Each process loads each file once.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class MLP:
    """Weights, biases and the decision threshold of one network."""
    coefs: tuple[np.ndarray, ...]
    intercepts: tuple[np.ndarray, ...]
    threshold: float = 0.5

    def logit(self, x: np.ndarray) -> np.ndarray:
        h = np.asarray(x, dtype=np.float32)
        for w, b in zip(self.coefs[:-1], self.intercepts[:-1]):
            h = np.maximum(h @ w + b, 0.0)
        return (h @ self.coefs[-1] + self.intercepts[-1])[:, 0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Positive-class probability per row of `x`."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logit(x), -30, 30)))


@dataclass(frozen=True)
class ModelFile:
    """The networks of one file by part name, its metadata (provenance, features, figures) and
    any plain tables stored with it (e.g. a vocabulary with counts)."""
    parts: dict
    meta: dict
    tables: dict = None

    def __getitem__(self, part: str) -> MLP:
        return self.parts[part]


def from_sklearn(estimator, threshold: float = 0.5) -> MLP:
    """An MLP from a fitted MLPClassifier (coefs_) or LogisticRegression (coef_)."""
    if hasattr(estimator, "coefs_"):
        return MLP(tuple(estimator.coefs_), tuple(estimator.intercepts_), threshold)
    return MLP((estimator.coef_.T,), (estimator.intercept_,), threshold)


def save(path: Path, parts: dict[str, MLP], meta: dict, tables: dict[str, np.ndarray] | None = None) -> None:
    """Write networks as float32 arrays + JSON metadata + plain tables (numbers or fixed-width
    unicode: no object arrays, so no pickle)."""
    arrays = {"meta": np.array(json.dumps(meta, sort_keys=True))}
    for name, table in (tables or {}).items():
        table = np.asarray(table)
        if table.dtype == object:
            raise ValueError(f"table {name!r} would need pickle")
        arrays[f"table_{name}"] = table
    for name, mlp in parts.items():
        arrays.update({f"{name}.w{i}": np.asarray(w, dtype=np.float32) for i, w in enumerate(mlp.coefs)})
        arrays.update({f"{name}.b{i}": np.asarray(b, dtype=np.float32) for i, b in enumerate(mlp.intercepts)})
        arrays[f"{name}.threshold"] = np.array(mlp.threshold, dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


@functools.lru_cache(maxsize=8)
def load(name: str) -> ModelFile:
    """The models stored as weights/`name` (allow_pickle=False: a file cannot run code)."""
    with np.load(WEIGHTS_DIR / name, allow_pickle=False) as z:
        names = sorted({k.split(".")[0] for k in z.files if k != "meta" and not k.startswith("table_")})
        tables = {k[len("table_"):]: z[k] for k in z.files if k.startswith("table_")}
        parts = {}
        for part in names:
            layers = sum(1 for k in z.files if k.startswith(f"{part}.w"))
            parts[part] = MLP(tuple(z[f"{part}.w{i}"] for i in range(layers)),
                              tuple(z[f"{part}.b{i}"] for i in range(layers)), float(z[f"{part}.threshold"]))
        return ModelFile(parts, json.loads(str(z["meta"])), tables)
