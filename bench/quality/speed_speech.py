"""Inference cost of the speech tagger on ~7,500 passages, next to today's rules, in one run.

Passages: the paragraphs of PolNeAR dev (English news), cycled to N_PASSAGES; the tagger is
loaded before the clock starts (loading is timed apart). Prints JSON: wall and CPU seconds
(CPU time is what a shared, loaded machine distorts least) for the tagger in one process,
wall seconds for find_many over 2 worker processes (start-up and model loading included), the
same for the rules over the same passages, the ratios, ms per passage, the load average.
Missing ../shared/data → a skipped line, exit 0.
Usage: nice -n 10 .venv/bin/python bench/quality/speed_speech.py [n_passages]
"""
from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench import _data  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"
N_PASSAGES = 7500  # the budget: suggestions for ~7,500 passages in well under 8 s


def main(n: int = N_PASSAGES) -> None:
    _data.require("speed_speech", DEV)
    paras = [m.group() for line in DEV.open(encoding="utf-8")
             for m in re.finditer(r"[^\n]+", json.loads(line)["text"])]
    passages = list(itertools.islice(itertools.cycle(paras), n))
    t0 = time.perf_counter()
    from annotate.models.speech import SpeechModel

    model = SpeechModel()
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    found = sum(len(model.find(p, "en")) for p in passages)
    model_s, model_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    from annotate.models.speech import find_many

    found2 = sum(map(len, find_many(passages, "en", workers=2)))
    model2_s = time.perf_counter() - t0
    assert found2 == found
    from annotate.rules import quotes

    t0, c0 = time.perf_counter(), time.process_time()
    rules_found = sum(len(quotes.find_quotes(p, "en")) for p in passages)
    rules_s, rules_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({
        "bench": "speed_speech", "passages": n, "chars": sum(map(len, passages)),
        "distinct_passages": len(set(passages)), "load_seconds": round(load_s, 3),
        "model_seconds": round(model_s, 3), "model_cpu_seconds": round(model_cpu, 3), "model_ms_per_passage": round(1000 * model_s / n, 3),
        "model_seconds_2_workers": round(model2_s, 3), "rules_seconds": round(rules_s, 3),
        "rules_cpu_seconds": round(rules_cpu, 3), "model_over_rules_cpu": round(model_cpu / rules_cpu, 2), "model_over_rules": round(model_s / rules_s, 2),
        "attributions": found, "rule_quotations": rules_found, "goal": "well under 8 s on 2 cores", "load_average_1min": round(os.getloadavg()[0], 2),
    }, indent=1))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else N_PASSAGES)
