"""What every presslens encoder shares: batching, an optional progress bar, a lock, checks.

Engines differ (C via ctypes, numpy, torch) but callers only see `encode(texts)` returning
L2-normalised float32 rows; this base class makes that contract hold for all of them.
"""
from __future__ import annotations

import abc
import sys
import threading
from contextlib import AbstractContextManager
from functools import lru_cache

import numpy as np

PROGRESS_MIN_TEXTS = 300  # below this a bar only flickers: encoding takes a few seconds at most


class BatchedEncoder(abc.ABC):
    """Base class: subclasses set `model_id`, `dim` and implement `_encode_batch`."""

    model_id: str = ""
    dim: int = 0
    name: str = ""  # set by compare.embed.get_encoder: the name that loads this encoder
    # Cores the engine may use from the next batch on (None: its own default, every core).
    # annotate.pipeline lowers it while a second process works beside the encoder: two engines
    # each spinning threads on every core of a 2-core machine slowed the encoder 2.4x.
    threads: int | None = None

    def __init__(self, batch_size: int = 64, progress: bool = False) -> None:
        self.batch_size = batch_size
        self.progress = progress
        # Engines hold scratch state (OpenMP pools, torch modules): one batch at a time per
        # encoder keeps web threads that share the process-wide encoder from interleaving.
        self._lock = threading.Lock()

    @abc.abstractmethod
    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one batch (the engine's own call); rows need not be normalised yet."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` in batches; float32 rows of unit L2 norm, shape (len(texts), dim)."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        bar = self._bar(len(texts))
        with self._lock:
            for start in range(0, len(texts), self.batch_size):
                chunk = texts[start:start + self.batch_size]
                out[start:start + len(chunk)] = self._encode_batch(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        if bar is not None:
            bar.close()
        return l2_normalise(out)

    def _bar(self, total: int):
        if not self.progress or total < PROGRESS_MIN_TEXTS:
            return None
        from tqdm import tqdm

        return tqdm(total=total, desc=f"embedding ({self.model_id})", unit="text", file=sys.stderr)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_id} dim={self.dim}>"


def one_blas_thread() -> AbstractContextManager:
    """numpy's BLAS limited to one thread for the block it guards. Small matrix products only
    spin-wait on a busy 2-core machine with more threads (measured 4-8x slower, and they slow
    torch's threads beside them): compare.align's cosine matrices, the e5 speech head."""
    return _blas().limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit norm (zero rows stay zero), as float32.

    Engines already normalise, but fp32 rounding and empty inputs vary; renormalising here is
    what lets callers use a plain dot product as the cosine.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)
