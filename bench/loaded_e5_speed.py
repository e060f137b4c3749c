"""What the opt-in e5 loaded-word model (PRESSLENS_LOADED_MODEL=e5) costs beside the default one.

Corpus: the content passages of bench/analyze_speed.py's 300 English articles (PolNeAR train, as
bench/framing_speed.py takes them), with their USE vectors precomputed (the vector cache holds them
when suggestions run). The USE tagger runs once untimed so its word vectors are warm for both
models; then, in one run: the USE tagger (default), the e5 model (USE tagger rows + e5 on the
passages that pass the USE sentence gate and the cascade floor), with wall and process CPU seconds
and how many passages e5 read. Loading the e5 folder is timed apart (once per process).
Usage: .venv/bin/python bench/loaded_e5_speed.py [--articles N]
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
from bench.framing_speed import article_passages
from bench.quality import _framing_data as d


def timed(fn) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


class Counting:
    """An e5 word-state reader that counts the passages it is given."""

    def __init__(self, states) -> None:
        self.states, self.passages = states, 0

    def __call__(self, texts, spans):
        self.passages += len(texts)
        return self.states(texts, spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="English articles to take (default 300)")
    args = parser.parse_args()
    _data.require("loaded_e5_speed", d.DATA / "polnear" / "train.jsonl")
    from annotate.models.framing import loaded, loaded_e5, weights

    texts = article_passages(args.articles)
    vecs = d.vectors("use", texts)
    words = loaded.WordVectors()
    loaded.batch_loaded_spans(texts, "en", vectors=vecs, words=words)  # warm: both models read these words
    use_spans, use_wall, use_cpu = timed(lambda: loaded.batch_loaded_spans(texts, "en", vectors=vecs, words=words))
    layers = tuple(weights.load(loaded_e5.MODEL_FILE).meta["layers"])
    states, load_wall, _ = timed(lambda: Counting(loaded_e5.word_states(layers)))
    e5_spans, e5_wall, e5_cpu = timed(lambda: loaded_e5.batch_loaded_spans(texts, "en", vectors=vecs, words=words,
                                                                           states=states))
    rows = loaded.token_rows(texts, "en", vecs, words)
    print(json.dumps({
        "bench": "loaded_e5_speed", "articles": args.articles, "passages": len(texts),
        "passages_past_use_gate": sum(r is not None for r in rows), "passages_read_by_e5": states.passages,
        "e5_layers_run": max(layers), "e5_load_s": load_wall,
        "use_tagger_wall_s": use_wall, "use_tagger_cpu_s": use_cpu,
        "e5_model_wall_s": e5_wall, "e5_model_cpu_s": e5_cpu, "e5_over_use_wall": round(e5_wall / max(use_wall, 1e-9), 1),
        "use_spans": sum(map(len, use_spans)), "e5_spans": sum(map(len, e5_spans)),
        "note": "USE word vectors warm for both; e5 model time includes the USE tagger rows it stacks on",
    }))


if __name__ == "__main__":
    main()
