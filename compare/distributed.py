"""Run the heavy parts of a comparison on a dask.distributed cluster; SQLite stays on the driver.

Three parts move to the workers: embedding (passages the vector cache lacks, in chunks),
story candidates (exact neighbour search, one block of article rows per task) and alignment
(one story per task). The driver reads the database, sends plain numpy arrays and passage
lists, gathers the results and writes them, so the stored runs, stories and vectors are the
same as a local run's (tests/test_compare_distributed.py checks it on a LocalCluster).

Workers load the encoder themselves by its registered name (`compare.embed.get_encoder`, once
per worker process): start them from a presslens checkout with the same requirements. An encoder
without a registered name (a test double) is sent to the workers once instead.
"""
from __future__ import annotations

import os

import numpy as np

from compare import stories

ENCODE_CHUNK = 256   # texts per embedding task: big enough that the encoder batches well
EDGE_BLOCK = 1024    # article rows per candidate task (memory: block x n floats per task)
SCHEDULER_ENV = "PRESSLENS_DASK_SCHEDULER"  # a config key the web job runner can read too


def scheduler_address(given: str | None = None) -> str | None:
    """The scheduler address given, else $PRESSLENS_DASK_SCHEDULER, else None."""
    return given or os.environ.get(SCHEDULER_ENV) or None


def _encode_named(name: str, texts: list[str]) -> np.ndarray:
    from compare.embed import get_encoder

    return np.asarray(get_encoder(name).encode(texts), dtype=np.float32)


def _encode_with(encoder, texts: list[str]) -> np.ndarray:
    return np.asarray(encoder.encode(texts), dtype=np.float32)


def _registered(encoder) -> str | None:
    from compare.embed import MODELS

    name = getattr(encoder, "name", None)
    return name if name in MODELS else None


class DaskEncoder:
    """The Encoder protocol over a cluster: same model id and vectors, chunks encoded on workers."""

    def __init__(self, client, encoder, chunk: int = ENCODE_CHUNK):
        self.client, self.local, self.chunk = client, encoder, chunk
        self.model_id = encoder.model_id
        self.dim = getattr(encoder, "dim", None)
        self.name = getattr(encoder, "name", None)
        self._name = _registered(encoder)
        self._remote = None if self._name else client.scatter(encoder, broadcast=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        chunks = [texts[i:i + self.chunk] for i in range(0, len(texts), self.chunk)]
        if not chunks:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        if self._name:
            futures = [self.client.submit(_encode_named, self._name, c, pure=False) for c in chunks]
        else:
            futures = [self.client.submit(_encode_with, self._remote, c, pure=False) for c in chunks]
        return np.vstack(self.client.gather(futures))


class DaskEngine:
    """Where `compare.pipeline.run_compare` sends embedding, candidates and alignment."""

    def __init__(self, address: str | None = None, client=None):
        from distributed import Client  # imported here: only --engine dask needs it

        if client is None and not address:
            raise ValueError(f"a dask scheduler address is needed (--scheduler or ${SCHEDULER_ENV})")
        self.client = client or Client(address)
        self._owned = client is None

    def encoder(self, encoder) -> DaskEncoder:
        return DaskEncoder(self.client, encoder)

    def map(self, fn, items: list) -> list:
        """fn over items on the workers, results in order."""
        if not items:
            return []
        return self.client.gather(self.client.map(fn, items, pure=False))

    def edges(self, vectors: np.ndarray, k: int, threshold: float) -> list[tuple[int, int]]:
        """`stories.neighbour_edges` with one block of rows per task (the matrix is sent once)."""
        n = len(vectors)
        if n > stories.ANN_MIN:  # approximate index: one task, the index is built where it runs
            from compare.ann import knn_edges

            return self.client.submit(knn_edges, vectors, k, threshold).result()
        shared = self.client.scatter(vectors, broadcast=True)
        futures = [self.client.submit(stories.block_edges, shared, s, min(s + EDGE_BLOCK, n), k, threshold)
                   for s in range(0, n, EDGE_BLOCK)]
        return sorted({edge for block in self.client.gather(futures) for edge in block})

    def close(self) -> None:
        if self._owned:
            self.client.close()
