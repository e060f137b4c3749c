"""Encode PolNeAR's tagger sequences with e5 (per-word hidden states) and cache them as .npy.

One row per tagger token, in the order of speech_data.doc_sequences over the documents of a
split part ("fit", "tune" of train, or "dev"); layers 6 and 8 side by side (768 float16
columns) so the layer can be chosen on the tuning slice. Cache: /tmp/presslens-cache/e5speech/.
Run with nice: `nice -n 10 .venv/bin/python bench/quality/e5_speech_encode.py tune fit`.
torch uses one thread (the machine's cores are shared).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models.speech import tokens  # noqa: E402
from bench.quality import speech_data as sd  # noqa: E402

CACHE = sd.CACHE / "e5speech"
LAYERS = (6, 8)
SHARD = 40  # documents per cache file, so a stopped run keeps what it encoded


def doc_chunks(doc: dict) -> list[tuple[str, list[tuple[int, int]]]]:
    """(chunk text, word spans local to it) per sequence, in doc_sequences order."""
    out = []
    text = doc["text"]
    for p0, p1 in tokens.paragraphs(text):
        for seq in tokens.chunks(tokens.tokenize(text[p0:p1])):
            c0 = seq[0].start
            out.append((text[p0 + c0:p0 + seq[-1].end], [(t.start - c0, t.end - c0) for t in seq]))
    return out


def part_docs(part: str) -> list[dict]:
    if part == "dev":
        return sd.load("dev")
    fit, tune = sd.split_train(sd.load("train"))
    return fit if part == "fit" else tune


def shard_path(part: str, k: int) -> Path:
    return CACHE / f"{part}-L{'-'.join(map(str, LAYERS))}-{k:03d}.npy"


def encode_part(part: str, enc) -> None:
    docs = part_docs(part)
    CACHE.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(docs), SHARD):
        path = shard_path(part, k // SHARD)
        if path.exists():
            continue
        t0 = time.perf_counter()
        items = [c for d in docs[k:k + SHARD] for c in doc_chunks(d)]
        states = enc([t for t, _ in items], [s for _, s in items])
        arr = np.concatenate(states).astype(np.float16)
        np.save(path.with_suffix(".tmp.npy"), arr)
        path.with_suffix(".tmp.npy").replace(path)
        print(json.dumps({"part": part, "shard": k // SHARD, "tokens": len(arr), "chunks": len(items),
                          "seconds": round(time.perf_counter() - t0, 1)}), flush=True)


def load_part(part: str) -> np.ndarray:
    """All cached rows of a part (every shard must be there)."""
    n = (len(part_docs(part)) + SHARD - 1) // SHARD
    return np.concatenate([np.load(shard_path(part, k)) for k in range(n)])


def main() -> None:
    import torch

    torch.set_num_threads(1)
    from compare.encoders.e5_tokens import WordStates

    enc = WordStates(layers=LAYERS)
    for part in sys.argv[1:] or ["tune", "fit"]:
        encode_part(part, enc)


if __name__ == "__main__":
    main()
