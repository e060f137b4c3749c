"""`analyze` against its encoder alone, both cold, in one run: the pipeline's overhead as a ratio.

Corpora: 300 English news articles (PolNeAR *train* split, ../shared/data/polnear/train.jsonl,
one annotation file per document; speed only, no labels used) and the bundled demo. For each:

1. a fresh process runs `presslens analyze CORPUS --db DB` (ingest, segmentation, compare,
   suggestions; the default encoder loaded cold) and reports its wall time and its parts;
2. a second fresh process loads the same encoder cold and encodes exactly the texts the
   analysis embedded (distinct content passages and titles, read back from DB).

ratio = encoder_s / analyze_s (goal >= 0.8: the pipeline costs at most 25 % on top of its
encoder), in wall time and in CPU seconds (the latter is what a shared machine can measure). Prints JSON. Usage: python bench/analyze_speed.py [--articles 300] [--only en|demo]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "train.jsonl"
GOAL_RATIO = 0.8


def english_corpus(path: Path, n: int) -> int:
    """The first `n` distinct PolNeAR train documents as presslens JSONL rows."""
    seen: set[str] = set()
    with POLNEAR.open(encoding="utf-8") as rows, path.open("w", encoding="utf-8") as out:
        for line in rows:
            doc = json.loads(line)
            if doc["doc_id"] in seen:
                continue
            seen.add(doc["doc_id"])
            out.write(json.dumps({"id": doc["doc_id"], "text": doc["text"], "title": doc.get("title"),
                                  "outlet": doc.get("publisher"), "published_at": doc.get("date"),
                                  "lang": "en"}, ensure_ascii=False) + "\n")
            if len(seen) >= n:
                break
    return len(seen)


class _Descendants:
    """CPU seconds of every process below this one (the ingest pool runs under a forkserver, so
    the OS does not add it to our children's usage): sampled every 0.2 s while they live."""

    def __init__(self):
        import threading

        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        import psutil  # a dependency of dask.distributed

        me = psutil.Process()
        while not self._stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    times = child.cpu_times()
                    self.seen[child.pid] = times.user + times.system
                except psutil.Error:
                    continue

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


def _cpu() -> float:
    """CPU seconds of this process, all threads."""
    return time.process_time()


def phase_analyze(corpus: str, db_path: str) -> dict:
    """Runs in a fresh process: the whole analysis, timed in parts."""
    start, cpu0, kids = time.perf_counter(), _cpu(), _Descendants()
    from annotate import pipeline
    from corpus import db as dbmod
    from corpus.ingest import ingest

    db = dbmod.connect(db_path)
    t0 = time.perf_counter()
    report = ingest(db, [corpus])
    t1 = time.perf_counter()
    encoder = pipeline.default_encoder()
    t2 = time.perf_counter()
    pipeline.analyze(db, report.article_ids, encoder)
    t3 = time.perf_counter()
    cpu = _cpu() - cpu0 + kids.stop()
    return {"analyze_s": round(t3 - start, 2), "analyze_cpu_s": round(cpu, 2), "imports_s": round(t0 - start, 2), "ingest_s": round(t1 - t0, 2),
            "encoder_load_s": round(t2 - t1, 2), "compare_and_suggest_s": round(t3 - t2, 2),
            "articles": len(report.article_ids), "errors": len(report.errors), "model": encoder.model_id}


def phase_encoder(db_path: str) -> dict:
    """Runs in a fresh process: load the default encoder and encode what the analysis embedded."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    texts = [r[0] for r in conn.execute("SELECT DISTINCT text FROM passages WHERE content = 1")]
    texts += [r[0] for r in conn.execute("SELECT DISTINCT title FROM articles WHERE title IS NOT NULL AND title != ''")]
    texts = list(dict.fromkeys(texts))
    conn.close()
    start, cpu0 = time.perf_counter(), _cpu()
    from compare.embed import get_encoder

    encoder = get_encoder()
    vectors = encoder.encode(texts)
    return {"encoder_s": round(time.perf_counter() - start, 2), "encoder_cpu_s": round(_cpu() - cpu0, 2), "texts": len(texts), "dim": int(vectors.shape[1])}


def _child(*args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(name: str, corpus: str, tmp: Path) -> dict:
    db_path = str(tmp / f"{name}.db")
    analysed = _child("--phase", "analyze", "--input", corpus, "--db", db_path)
    encoded = _child("--phase", "encoder", "--db", db_path)
    ratio = encoded["encoder_s"] / analysed["analyze_s"]
    # On a shared machine wall time counts other people's work; CPU seconds do not.
    ratio_cpu = encoded["encoder_cpu_s"] / max(analysed["analyze_cpu_s"], 1e-9)
    return {"corpus": name, **analysed, **encoded, "ratio_encoder_over_analyze": round(ratio, 3),
            "ratio_cpu": round(ratio_cpu, 3), "goal_ratio": GOAL_RATIO, "meets": bool(ratio >= GOAL_RATIO)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--only", choices=["en", "demo"])
    parser.add_argument("--phase", choices=["analyze", "encoder"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "analyze":
        print(json.dumps(phase_analyze(args.input, args.db)))
        return
    if args.phase == "encoder":
        print(json.dumps(phase_encoder(args.db)))
        return
    out = {"bench": "analyze_speed", "cores": len(os.sched_getaffinity(0)), "results": []}
    if args.only != "demo" and not POLNEAR.is_file():
        out["skipped"] = f"the shared dev data ({POLNEAR}) is not here; --only demo measures the demo alone"
        print(json.dumps(out, indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as tmp:
        if args.only in (None, "en"):
            corpus = Path(tmp) / "en.jsonl"
            n = english_corpus(corpus, args.articles)
            out["results"].append(measure(f"polnear-train-{n}-en", str(corpus), Path(tmp)))
        if args.only in (None, "demo"):
            out["results"].append(measure("demo", str(ROOT / "corpus" / "demo"), Path(tmp)))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
