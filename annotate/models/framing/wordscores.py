"""Per-word-type inputs of the loaded tagger, from a shipped vocabulary or from USE word vectors.

The tagger reads two things about each word type, both fixed once the weights are: a
context-free score ("is this word loaded?") and a short code for how its loadedness shifts with
the sentence around it (a bilinear term s·(w ⊙ v) between the sentence vector s and the word
vector v, compressed to `ctx_basis`'s rank). Both depend only on the word, so they are
precomputed for ~54k frequent English and French words in weights/loaded_vocab.npz; only words
outside it need a USE call (cached per type in memory, and by callers in the vector cache).
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from annotate.models.framing import weights

WordEncoder = Callable[[list[str]], np.ndarray]
VOCAB_FILE = "loaded_vocab.npz"
MAX_CACHED_WORDS = 200_000


class WordVectors:
    """USE vectors of single words, cached per lowercased word type for the process."""

    def __init__(self, encode: WordEncoder | None = None) -> None:
        self._encode = encode
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, words: Iterable[str]) -> dict[str, np.ndarray]:
        words = {w.lower() for w in words}
        with self._lock:
            missing = sorted(w for w in words if w not in self._cache)
            if len(self._cache) + len(missing) > MAX_CACHED_WORDS:
                self._cache.clear()  # bounded memory: 200k types x 2 KiB = 400 MiB at most
            if missing:
                vecs = np.asarray(self._encoder()(missing), dtype=np.float32)
                self._cache.update(zip(missing, vecs))
            return {w: self._cache[w] for w in words}

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Vectors of whole texts from the same encoder (not cached: pass cached ones instead)."""
        return np.asarray(self._encoder()(list(texts)), dtype=np.float32)

    def _encoder(self) -> WordEncoder:
        if self._encode is None:
            from compare.embed import get_encoder

            self._encode = get_encoder("use").encode
        return self._encode


@dataclass(frozen=True)
class Scores:
    """Per word type: `logit` (context-free), `ctx_a` (the word's own part of the context term)
    and `ctx_code` (its coordinates in the context basis), rows aligned with `index`."""
    index: dict[str, int]
    logit: np.ndarray
    ctx_a: np.ndarray
    ctx_code: np.ndarray


def from_vectors(model: weights.ModelFile, words: list[str], vecs: np.ndarray) -> Scores:
    """Scores of `words` computed from their USE vectors (what the vocabulary stores precomputed)."""
    t = model.tables
    vecs = np.asarray(vecs, dtype=np.float32).reshape(len(words), -1)
    code = (vecs * t["ctx_wc"] - t["ctx_mean"]) @ t["ctx_basis"].T
    return Scores({w: i for i, w in enumerate(words)}, model["type"].logit(vecs) if len(words) else np.zeros(0),
                  vecs @ t["ctx_wv"], code.astype(np.float32))


@functools.lru_cache(maxsize=2)
def vocabulary(name: str = VOCAB_FILE) -> Scores:
    """The shipped scored vocabulary (numpy, allow_pickle=False): words joined by newlines, their
    logits, context parts and int8 context codes with one scale per basis row."""
    with np.load(weights.WEIGHTS_DIR / name, allow_pickle=False) as z:
        words = str(z["words"]).split("\n")
        code = z["ctx_code"].astype(np.float32) * z["ctx_scale"]
        return Scores({w: i for i, w in enumerate(words)}, z["logit"].astype(np.float32),
                      z["ctx_a"].astype(np.float32), code)


def quantise(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and a float scale per column (symmetric): 1 byte per number in the vocabulary."""
    scale = np.maximum(np.abs(code).max(axis=0), 1e-8) / 127.0
    return np.round(code / scale).astype(np.int8), scale.astype(np.float32)


def lookup(model: weights.ModelFile, words: Iterable[str], vectors: Callable,
           use_vocabulary: bool = True) -> Scores:
    """Scores of the lowercased `words`: the vocabulary's where it has them, the rest from
    `vectors` (a WordVectors), which is called only for words outside the vocabulary."""
    index = vocabulary().index if use_vocabulary else {}
    words = sorted({w.lower() for w in words})
    known = [w for w in words if w in index]
    missing = [w for w in words if w not in index]
    rank = model.tables["ctx_basis"].shape[0]
    parts = [Scores({}, np.zeros(0, np.float32), np.zeros(0, np.float32), np.zeros((0, rank), np.float32))]
    if known:
        rows, vocab = np.array([index[w] for w in known], dtype=np.int64), vocabulary()
        parts.append(Scores({}, vocab.logit[rows], vocab.ctx_a[rows], vocab.ctx_code[rows]))
    if missing:
        vecs = vectors(missing)
        parts.append(from_vectors(model, missing, np.stack([vecs[w] for w in missing])))
    return Scores({w: i for i, w in enumerate(known + missing)}, np.concatenate([p.logit for p in parts]),
                  np.concatenate([p.ctx_a for p in parts]), np.vstack([p.ctx_code for p in parts]))
