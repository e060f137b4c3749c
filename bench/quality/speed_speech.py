"""Inference cost of the speech tagger on ~7,500 passages, next to today's rules, in one run.

Passages: the paragraphs of PolNeAR dev (English news), cycled to N_PASSAGES; the tagger is
loaded before the clock starts (loading is timed apart). Prints JSON: wall and CPU seconds
(CPU time is what a shared, loaded machine distorts least) for the tagger in one process,
wall seconds for find_many over 2 worker processes (start-up and model loading included), the
same for the rules over the same passages, the ratios, ms per passage, the load average.
With --e5 the opt-in e5 variant (PRESSLENS_SPEECH_MODEL=crf-e5) is timed on the same passages
in the same run (its load apart, one process, torch's default threads) and its ratio to the
plain CRF is printed; it is ~50x slower, so give a smaller n_passages (e.g. 1000).
Missing ../shared/data → a skipped line, exit 0.
Usage: nice -n 10 .venv/bin/python bench/quality/speed_speech.py [n_passages] [--e5]
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


def main(n: int = N_PASSAGES, with_e5: bool = False) -> None:
    _data.require("speed_speech", DEV)
    paras = [m.group() for line in DEV.open(encoding="utf-8")
             for m in re.finditer(r"[^\n]+", json.loads(line)["text"])]
    passages = list(itertools.islice(itertools.cycle(paras), n))
    load_s, model_s, model_cpu, found = timed(_crf, passages)
    t0 = time.perf_counter()
    from annotate.models.speech import find_many

    found2 = sum(map(len, find_many(passages, "en", workers=2)))
    model2_s = time.perf_counter() - t0
    assert found2 == found
    from annotate.rules import quotes

    t0, c0 = time.perf_counter(), time.process_time()
    rules_found = sum(len(quotes.find_quotes(p, "en")) for p in passages)
    rules_s, rules_cpu = time.perf_counter() - t0, time.process_time() - c0
    e5 = time_e5(passages, model_cpu) if with_e5 else {}
    print(json.dumps({
        **e5, "bench": "speed_speech", "passages": n, "chars": sum(map(len, passages)),
        "distinct_passages": len(set(passages)), "load_seconds": round(load_s, 3),
        "model_seconds": round(model_s, 3), "model_cpu_seconds": round(model_cpu, 3), "model_ms_per_passage": round(1000 * model_s / n, 3),
        "model_seconds_2_workers": round(model2_s, 3), "rules_seconds": round(rules_s, 3),
        "rules_cpu_seconds": round(rules_cpu, 3), "model_over_rules_cpu": round(model_cpu / rules_cpu, 2), "model_over_rules": round(model_s / rules_s, 2),
        "attributions": found, "rule_quotations": rules_found, "goal": "well under 8 s on 2 cores", "load_average_1min": round(os.getloadavg()[0], 2),
    }, indent=1))


def _crf():
    from annotate.models.speech import SpeechModel

    return SpeechModel()


def _e5():
    from annotate.models.speech.e5 import E5SpeechModel

    return E5SpeechModel()


def timed(make_model, passages: list[str]) -> tuple[float, float, float, int]:
    """(load seconds (import included), wall seconds, CPU seconds, attributions found) of one
    model over `passages`."""
    t0 = time.perf_counter()
    model = make_model()
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    found = sum(len(model.find(p, "en")) for p in passages)
    return load_s, time.perf_counter() - t0, time.process_time() - c0, found


def time_e5(passages: list[str], crf_cpu: float) -> dict:
    """The e5 variant over the same passages: load, wall and CPU seconds, CPU ratio to the CRF."""
    load_s, wall, cpu, found = timed(_e5, passages)
    return {"e5_load_seconds": round(load_s, 2), "e5_seconds": round(wall, 2), "e5_cpu_seconds": round(cpu, 2),
            "e5_ms_per_passage": round(1000 * wall / len(passages), 2), "e5_over_crf_cpu": round(cpu / crf_cpu, 1),
            "e5_attributions": found}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--e5"]
    main(int(args[0]) if args else N_PASSAGES, "--e5" in sys.argv)
