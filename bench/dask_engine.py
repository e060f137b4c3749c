"""What each part of `analyze --engine dask` costs per 1,000 articles, next to the local engine.

A LocalCluster of two worker processes (one thread each) on this machine stands in for remote
workers; the parts are the ones the engine moves: embedding (encoder loaded cold on each
worker, then every content passage and title), story candidates (exact neighbour blocks) and
alignment (one story per task). Articles: the first N distinct PolNeAR *train* documents
(../shared/data, speed only), or the demo texts rotated (bench/ingest.py's variants) when the data
is absent. Figures per 1,000 articles are the measured seconds scaled by 1,000 / N (linear: each
part is per passage or per story, and candidate blocks are O(n) each at these sizes).

Usage: python bench/dask_engine.py [--articles 100]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _parts(db, ids: list[str], encoder, engine) -> dict:
    from compare import align, pipeline, stories

    out = {}
    start = time.perf_counter()
    enc = engine.encoder(encoder) if engine else encoder
    enc.encode(["warm-up: load the encoder"])
    out["encoder_load_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    arts, title_vecs = pipeline.load_articles(db, ids, enc)
    out["embed_s"] = round(time.perf_counter() - start, 2)
    matrix = pipeline.article_matrix(arts, title_vecs)
    params = stories.params_for(encoder.model_id)
    start = time.perf_counter()
    groups = stories.cluster(ids, matrix, [a.published_at for a in arts], params, engine.edges if engine else None)
    out["stories_s"] = round(time.perf_counter() - start, 2)
    by_id = {a.article_id: a for a in arts}
    jobs = [([by_id[m] for m in g], align.params_for(encoder.model_id)) for g in groups]
    start = time.perf_counter()
    found = engine.map(pipeline.align_one, jobs) if engine else [pipeline.align_one(j) for j in jobs]
    out["align_s"] = round(time.perf_counter() - start, 2)
    out["stories"], out["alignments"] = len(groups), sum(len(f[1]) for f in found if f[0] == "ok")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args()
    from analyze_speed import POLNEAR, english_corpus
    from distributed import Client, LocalCluster
    from ingest import build

    from compare.distributed import DaskEngine
    from compare.embed import get_encoder
    from corpus import db as dbmod
    from corpus.ingest import ingest

    report = {"bench": "dask_engine", "workers": "LocalCluster, 2 processes x 1 thread, this machine"}
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as tmp:
        rows = Path(tmp) / "articles.jsonl"
        if POLNEAR.is_file():
            n = english_corpus(rows, args.articles)
            report["corpus"] = f"polnear train, {n} articles"
        else:
            build(rows, args.articles)
            report["corpus"] = f"demo variants, {args.articles} articles"
        results = {}
        for name in ("local", "dask"):
            db = dbmod.connect(Path(tmp) / f"{name}.db")  # separate caches: nothing embedded twice
            ids = ingest(db, [str(rows)]).article_ids
            if name == "local":
                results[name] = _parts(db, ids, get_encoder(), None)
                continue
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
                    Client(lc) as client:
                results[name] = _parts(db, ids, get_encoder(), DaskEngine(client=client))
            db.conn.close()
        scale = 1000 / len(ids)
        report["articles"] = len(ids)
        report["measured_s"] = results
        report["per_1000_articles_s"] = {name: {k: round(v * scale, 1) for k, v in r.items()
                                                if k.endswith("_s") and k != "encoder_load_s"}
                                         for name, r in results.items()}
        report["same_result"] = results["local"]["stories"] == results["dask"]["stories"] and \
            results["local"]["alignments"] == results["dask"]["alignments"]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
