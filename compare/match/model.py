"""The trained match model: a standardised logistic regression stored as numpy arrays.

Logistic regression, because its weights can be read (MODEL_CARD.md lists them) and stored as
plain arrays: `np.load(..., allow_pickle=False)` never runs code from the file, so no pickle and
no skops trust list are needed. Trained by bench/quality/train_matching.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from compare.match.features import FEATURES

WEIGHTS = Path(__file__).resolve().parent / "weights" / "match_use_e5.npz"


class MatchModelError(ValueError):
    """A weights file that is missing, unreadable or made for other features."""


@dataclass(frozen=True)
class MatchModel:
    """P(match) = sigmoid(((x - mean) / scale) . coef + intercept); accept at >= threshold."""
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    features: tuple[str, ...]

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Match probability of each feature row."""
        if x.size == 0:
            return np.zeros(len(x), dtype=np.float64)
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path) -> None:
        """Write the arrays (no pickle) to `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, mean=self.mean, scale=self.scale, coef=self.coef,
                 intercept=np.float64(self.intercept), threshold=np.float64(self.threshold),
                 features=np.array(self.features, dtype=str))


def read_model(path: Path) -> MatchModel:
    """Load a model saved by `MatchModel.save`; MatchModelError names the file when it is unusable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            model = MatchModel(data["mean"].astype(np.float64), data["scale"].astype(np.float64),
                               data["coef"].astype(np.float64), float(data["intercept"]),
                               float(data["threshold"]), tuple(str(f) for f in data["features"]))
    except (OSError, KeyError, ValueError) as exc:
        raise MatchModelError(f"{path}: cannot read match model: {exc}") from exc
    if model.features != FEATURES:
        raise MatchModelError(f"{path}: trained on features {model.features}, code computes {FEATURES}")
    return model


@lru_cache(maxsize=1)
def load_model() -> MatchModel:
    """The shipped model (read once per process)."""
    return read_model(WEIGHTS)
