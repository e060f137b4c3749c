"""Approximate nearest neighbours over article vectors (usearch HNSW), kept beside the database.

Story candidates at 100,000 articles cannot come from comparing every pair, and re-reading every
passage vector to rebuild an index each time does not scale either: the index lives in
`<db>.<model>.usearch`, with a small JSON file beside it (`.json`: model, dimension, count).
Keys are the article ids themselves: an article id is the first 16 hex digits of a sha256
(`corpus.store.article_id`), i.e. a 64-bit integer, so the id map is `int(id, 16)` both ways
and nothing else has to be stored or kept in sync.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

# HNSW parameters, usearch defaults except expansion_search: at 16 the recall of the 10 nearest
# article neighbours was 0.93 on bench/scale_stories.py's synthetic vectors, at 64 it was 0.999.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 64
_HEX16 = re.compile(r"[0-9a-f]{16}")


def key_of(article_id: str) -> int:
    """The usearch key of an article id (its 16 hex digits as an unsigned 64-bit integer)."""
    if not _HEX16.fullmatch(article_id):
        raise ValueError(f"not an article id (16 hex digits): {article_id!r}")
    return int(article_id, 16)


def id_of(key: int) -> str:
    """The article id of a usearch key."""
    return f"{int(key):016x}"


def index_path(db_path: str | os.PathLike, model_id: str) -> Path:
    """Where the index of `model_id`'s article vectors lives for the database at `db_path`."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id).strip("-") or "model"
    return Path(f"{db_path}.{slug}.usearch")


class ArticleIndex:
    """Cosine HNSW index of unit article vectors, keyed by article id; in memory until `save`."""

    def __init__(self, dim: int, model_id: str, path: Path | None = None):
        from usearch.index import Index  # imported here: only story clustering needs it

        self.dim, self.model_id, self.path = dim, model_id, path
        self.index = Index(ndim=dim, metric="cos", dtype="f32", connectivity=CONNECTIVITY,
                           expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)

    @classmethod
    def open(cls, path: Path, model_id: str, dim: int) -> ArticleIndex:
        """The stored index at `path` when it matches the model and dimension, else a new one."""
        made = cls(dim, model_id, path)
        meta_path = Path(f"{path}.json")
        if path.is_file() and meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("model") == model_id and meta.get("dim") == dim:
                made.index.load(str(path))
        return made

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, article_id: str) -> bool:
        return bool(self.index.contains(key_of(article_id)))

    def add(self, article_ids: list[str], vectors: np.ndarray) -> None:
        """Insert or replace the vectors of these articles (zero rows are left out: no story)."""
        keys = np.array([key_of(a) for a in article_ids], dtype=np.uint64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(keys), self.dim)
        present = np.asarray(self.index.contains(keys), dtype=bool).reshape(-1) if len(self.index) else None
        if present is not None and present.any():
            self.index.remove(keys[present])
        live = np.linalg.norm(vectors, axis=1) > 0
        if live.any():
            self.index.add(keys[live], vectors[live])

    def remove(self, article_ids: list[str]) -> None:
        """Forget these articles (absent ones are ignored)."""
        keys = np.array([key_of(a) for a in article_ids if a in self], dtype=np.uint64)
        if len(keys):
            self.index.remove(keys)

    def vectors(self, article_ids: list[str]) -> np.ndarray:
        """Stored vectors of these articles (rows in order; a zero row for an absent one)."""
        out = np.zeros((len(article_ids), self.dim), dtype=np.float32)
        for row, aid in enumerate(article_ids):
            if aid in self:
                out[row] = np.asarray(self.index.get(key_of(aid)), dtype=np.float32).reshape(-1)[:self.dim]
        return out

    def neighbours(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to `k` (article id, cosine) pairs, most similar first."""
        if not len(self.index) or not len(vectors):
            return [[] for _ in range(len(vectors))]
        found = self.index.search(np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim), min(k, len(self.index)))
        keys = np.atleast_2d(found.keys)
        dists = np.atleast_2d(found.distances)
        counts = np.atleast_1d(getattr(found, "counts", [keys.shape[1]]))
        return [[(id_of(keys[r, c]), float(1.0 - dists[r, c])) for c in range(int(counts[r]))]
                for r in range(keys.shape[0])]

    def save(self) -> None:
        """Write the index and its metadata atomically (temp files, then rename)."""
        if self.path is None:
            raise ValueError("this index has no path")
        tmp = Path(f"{self.path}.{os.getpid()}.tmp")
        self.index.save(str(tmp))
        meta_tmp = Path(f"{tmp}.json")
        meta_tmp.write_text(json.dumps({"model": self.model_id, "dim": self.dim, "count": len(self.index)}),
                            encoding="utf-8")
        os.replace(tmp, self.path)
        os.replace(meta_tmp, f"{self.path}.json")


def knn_edges(vectors: np.ndarray, k: int, threshold: float) -> list[tuple[int, int]]:
    """Pairs (i < j), j among i's k approximate nearest rows with cosine >= threshold (no disk)."""
    from usearch.index import Index

    dim = vectors.shape[1]
    index = Index(ndim=dim, metric="cos", dtype="f32", connectivity=CONNECTIVITY,
                  expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
    live = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    if len(live) < 2:
        return []
    index.add(live.astype(np.uint64), np.ascontiguousarray(vectors[live], dtype=np.float32))
    found = index.search(np.ascontiguousarray(vectors[live], dtype=np.float32), min(k + 1, len(live)))
    keys, dists = np.atleast_2d(found.keys), np.atleast_2d(found.distances)
    counts = np.atleast_1d(getattr(found, "counts", [keys.shape[1]]))
    valid = (np.arange(keys.shape[1])[None, :] < counts[:, None]).reshape(-1)
    rows = np.repeat(live, keys.shape[1])
    cols = keys.reshape(-1).astype(np.int64)
    keep = valid & (cols != rows) & (1.0 - dists.reshape(-1) >= threshold)
    pairs = np.stack([np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])], axis=1)
    return [(int(i), int(j)) for i, j in np.unique(pairs, axis=0)] if len(pairs) else []
