"""Ingest + segment throughput: 2,000 articles built from the demo texts, into a fresh database.

Each article is a demo text with a numbered edition line and a rotated paragraph order, so every
content hash differs and nothing is skipped as "already present". The whole `corpus.ingest`
path runs (JSONL reading, language detection, segmentation with pysbd, boilerplate marking,
one transaction per batch of articles with the full-text index updated once per batch,
a process pool preparing the next batch on every core).
Prints JSON: articles/s (goal >= 200), passages/s and the peak RSS of the main process.

The variants repeat the demo's lines, and segmentation remembers lines it has seen
(`corpus.sentences`, as bylines, footers and wire copy repeat in real feeds): this bench measures
ingest with a warm line memo. bench/analyze_speed.py measures ingest on 300 distinct articles.

Usage: python bench/ingest.py [--articles N]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import db as dbmod
from corpus.batch import workers
from corpus.ingest import ingest
from corpus.lang import detect
from corpus.segment import segment

GOAL = 200  # articles per second (issue 11)

DEMO = sorted((ROOT / "corpus" / "demo").glob("*.txt"))


def variant(text: str, i: int) -> str:
    """The demo text with its paragraphs rotated by i and an edition line: a distinct article."""
    paragraphs = text.split("\n\n") if "\n\n" in text else text.split("\n")
    k = i % len(paragraphs)
    sep = "\n\n" if "\n\n" in text else "\n"
    return f"Édition n° {i} du {1 + i % 28} novembre 2023.{sep}" + sep.join(paragraphs[k:] + paragraphs[:k])


def build(path: Path, n: int) -> int:
    texts = [p.read_text(encoding="utf-8") for p in DEMO]
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = variant(texts[i % len(texts)], i)
            chars += len(text)
            out.write(json.dumps({"id": f"bench-{i}", "text": text, "outlet": f"Outlet {i % 7}"}, ensure_ascii=False) + "\n")
    return chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as tmp:
        rows = Path(tmp) / "articles.jsonl"
        chars = build(rows, args.articles)
        warm = DEMO[0].read_text(encoding="utf-8")
        segment(warm), detect(warm)  # load pysbd's rules and the language model outside the timing
        db = dbmod.connect(Path(tmp) / "bench.db")
        start, cpu_start = time.perf_counter(), time.process_time()
        report = ingest(db, [str(rows)])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
        db.conn.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "bench": "ingest", "articles": len(report.added), "errors": len(report.errors),
        "passages": passages, "chars": chars, "seconds": round(seconds, 2),
        "articles_per_s": round(len(report.added) / seconds, 1),
        "passages_per_s": round(passages / seconds, 1),
        "chars_per_s": round(chars / seconds),
        # Wall time counts waiting for a shared CPU; per-CPU-second rates do not. CPU seconds are
        # this process's only: the pool's workers are forkserver children, not counted here.
        "cpu_seconds": round(cpu, 2), "articles_per_cpu_s": round(len(report.added) / cpu, 1),
        "passages_per_cpu_s": round(passages / cpu, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "goal_articles_per_s": GOAL, "meets": bool(len(report.added) / seconds >= GOAL),
        "workers": workers(),
        "python": platform.python_version(), "machine": platform.machine(),
    }, indent=2))


if __name__ == "__main__":
    main()
