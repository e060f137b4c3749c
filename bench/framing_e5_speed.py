"""CPU cost of the two sentence framing models, measured in one run: USE MLP vs e5 (LoRA) model.

Takes 1,000 real news sentences (every 7th of CheckThat! 2025 all splits en/de/it, then BABE, as
bench/framing_speed.py lists them) and times, one after the other in this process:
- `use_cached`: the default model (sentence.sentence_scores) on USE vectors already computed (the
  pipeline's case: the comparison has put them in the vector cache), rule features run inside;
- `use_with_encoding`: the same plus encoding the sentences with USE (a cold vector cache);
- `e5`: the opt-in model (sentence_e5.sentence_scores: 8 e5 layers with LoRA merged, then its head);
  its one-off load (folder + weight merge) is timed apart.
Figures: CPU seconds of this process (all threads) and wall seconds, each also as ms per 1,000
passages, and the e5 / USE ratios from this run. Prints JSON.
Usage: .venv/bin/python bench/framing_e5_speed.py [--n 1000] [--threads 1]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _data
from bench.framing_speed import passages
from bench.quality import _framing_data as d

STEP = 7  # every 7th of bench/framing_speed.py's 7,500 passages: en/de/it and BABE, ~1,070


def timed(fn) -> tuple[object, float, float]:
    """(result, CPU seconds of the process, wall seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, round(time.process_time() - cpu, 3), round(time.perf_counter() - wall, 3)


def by_language(texts: list[str], langs: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        out.setdefault(lang, []).append(i)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=1, help="torch and USE threads (the machine is shared)")
    args = ap.parse_args()
    _data.require("framing_e5_speed", d.CHECKTHAT / "train_en.jsonl", d.BABE)
    import torch

    from annotate.models.framing import sentence, sentence_e5
    from compare.embed import get_encoder

    torch.set_num_threads(args.threads)
    texts, langs = passages()
    texts, langs = texts[::STEP][:args.n], langs[::STEP][:args.n]
    groups = by_language(texts, langs)
    use = get_encoder("use")
    use.threads = args.threads
    vecs = d.vectors("use", texts)  # stands for the vector cache
    sentence.sentence_scores(vecs[:1], texts[:1], "en")  # weights loaded outside the timings
    use.encode(texts[:2])
    _, use_cpu, use_wall = timed(lambda: [sentence.sentence_scores(vecs[ix], [texts[i] for i in ix], lang)
                                          for lang, ix in groups.items()])
    _, enc_cpu, enc_wall = timed(lambda: [sentence.sentence_scores(use.encode([texts[i] for i in ix]),
                                                                   [texts[i] for i in ix], lang)
                                          for lang, ix in groups.items()])
    _, load_cpu, load_wall = timed(sentence_e5.encoder)
    _, e5_cpu, e5_wall = timed(lambda: [sentence_e5.sentence_scores([texts[i] for i in ix], lang)
                                        for lang, ix in groups.items()])
    per_k = 1000 / len(texts)
    print(json.dumps({
        "bench": "framing_e5_speed", "passages": len(texts), "threads": args.threads,
        "use_cached_ms_per_1000": {"cpu": round(use_cpu * per_k * 1000), "wall": round(use_wall * per_k * 1000)},
        "use_with_encoding_ms_per_1000": {"cpu": round(enc_cpu * per_k * 1000), "wall": round(enc_wall * per_k * 1000)},
        "e5_ms_per_1000": {"cpu": round(e5_cpu * per_k * 1000), "wall": round(e5_wall * per_k * 1000)},
        "e5_load_s": {"cpu": load_cpu, "wall": load_wall},
        "ratio_cpu_e5_vs_use_cached": round(e5_cpu / max(use_cpu, 1e-9), 1),
        "ratio_cpu_e5_vs_use_with_encoding": round(e5_cpu / max(enc_cpu, 1e-9), 1),
        "note": "one process, one run; CPU = process time over all threads; USE vectors of use_cached precomputed",
    }))


if __name__ == "__main__":
    main()
