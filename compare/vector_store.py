"""SQLite access of the compare layer's embedding cache (the `embeddings` table).

Vectors are float32 BLOBs keyed by (sha256 of the exact text, encoder.model_id): identical
passages in two outlets (verbatim copies are common) are embedded once, and a model change
never serves stale vectors. Only texts missing from the cache reach the encoder.
"""
from __future__ import annotations

import hashlib

import numpy as np
import sqlite_utils

from corpus.schema import now


_LOOKUP_CHUNK = 500  # stay well under SQLite's bound-parameter limit


def text_hash(text: str) -> str:
    """sha256 hex of the UTF-8 text: the cache key (together with the model id)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cached_vectors(db: sqlite_utils.Database, model_id: str, hashes: list[str]) -> dict[str, np.ndarray]:
    """Stored vectors of `model_id` for the given text hashes (absent ones are simply missing)."""
    found: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(hashes))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start:start + _LOOKUP_CHUNK]
        rows = db.execute(
            f"SELECT text_hash, dim, vector FROM embeddings WHERE model = ? AND text_hash IN "
            f"({','.join('?' * len(chunk))})", [model_id, *chunk]).fetchall()
        for h, dim, blob in rows:
            vector = _plain_vector(blob, dim)
            if vector is not None:  # a corrupt or crafted row is re-embedded rather than trusted
                found[h] = vector
    return found


def _plain_vector(blob, dim) -> np.ndarray | None:
    """A stored vector as float32 numbers, or None when the row is not `dim` finite floats (a
    database file can come from anyone: the BLOB is only ever read as raw little-endian floats)."""
    if not isinstance(blob, bytes) or not isinstance(dim, int) or len(blob) != 4 * dim or dim <= 0:
        return None
    vector = np.frombuffer(blob, dtype="<f4")
    return vector if np.isfinite(vector).all() else None


def store_vectors(db: sqlite_utils.Database, model_id: str, hashes: list[str], vectors: np.ndarray) -> None:
    """Insert (or replace) vectors for text hashes, all in one transaction."""
    created = now()
    rows = [(h, model_id, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes(), created)
            for h, v in zip(hashes, vectors)]
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO embeddings (text_hash, model, dim, vector, created_at) VALUES (?, ?, ?, ?, ?)",
            rows)


def passage_vectors(db: sqlite_utils.Database, encoder, texts: list[str]) -> np.ndarray:
    """Vectors (float32, one row per text, in order) from the cache, embedding only what is missing.

    Duplicates inside `texts` are embedded once too; new vectors are stored in one transaction.
    """
    texts = list(texts)
    hashes = [text_hash(t) for t in texts]
    found = cached_vectors(db, encoder.model_id, hashes)
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found:
            missing.setdefault(h, t)
    if missing:
        new = np.asarray(encoder.encode(list(missing.values())), dtype=np.float32)
        store_vectors(db, encoder.model_id, list(missing), new)
        found.update(zip(missing, new))
    if not texts:
        dim = getattr(encoder, "dim", 0)
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
