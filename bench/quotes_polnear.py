"""Quotation content and speaker accuracy on PolNeAR dev (English political news, 2016).

Data: ../shared/data/polnear/dev.jsonl (not in the repo); primary annotations only. Each
attribution's content (first to last piece) is a gold quotation span, its source the speaker.
The rules run per paragraph, as presslens runs them per passage. Prints JSON: content
precision/recall/F1 (overlap and exact), recall on direct quotes (content with quotation marks)
and on indirect ones, speaker accuracy over matched quotations (containment match and exact
offsets), cue accuracy. PolNeAR also marks attributed beliefs and thoughts, which these
rules do not look for, so recall is bounded well below 1.
Usage: .venv/bin/python bench/quotes_polnear.py [path]
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev  # noqa: E402
from annotate.rules import quotes  # noqa: E402
from bench import _data  # noqa: E402  (bench/_data.py: absent dev data → a clear 'skipped')

DATA = ROOT.parent / "shared" / "data" / "polnear" / "dev.jsonl"
QUOTE_MARKS = re.compile(r"[“”\"«»]")


def predict(text: str) -> list:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        out += [s.shift(m.start()) for s in quotes.find_quotes(m.group(), "en")]
    return out


def gold_of(doc: dict) -> list[dict]:
    out = []
    for a in doc["attributions"]:
        if not a["content"]:
            continue
        start, end = min(c["start"] for c in a["content"]), max(c["end"] for c in a["content"])
        src = a["source"]
        out.append({"span": (start, end), "direct": bool(QUOTE_MARKS.search(doc["text"][start:end])),
                    "speaker": " ".join(s["text"] for s in src) if src else None,
                    "speaker_span": (src[0]["start"], src[-1]["end"]) if src else None,
                    "cue": " ".join(c["text"] for c in a["cue"]) if a["cue"] else None})
    return out


def as_tuples(spans: list) -> list[tuple]:
    """Quotation spans as the (start, end, speaker, speaker_span, cue) tuples `score_polnear` reads."""
    return [(p.start, p.end, p.speaker.text if p.speaker else None,
             (p.speaker.start, p.speaker.end) if p.speaker else None, p.cue.text if p.cue else None)
            for p in spans]


def score_polnear(docs: list[dict], predict) -> dict:
    """The figures of the module docstring for `predict` over `docs`."""
    c = dict.fromkeys(("exact", "overlap", "pred", "gold", "spk", "spk_exact", "cue", "direct", "direct_hit",
                       "indirect", "indirect_hit"), 0)
    t0 = time.perf_counter()
    for doc in docs:
        gold, pred = gold_of(doc), predict(doc["text"])
        gs, ps = [g["span"] for g in gold], [(p[0], p[1]) for p in pred]
        c["exact"] += len(ev.match(gs, ps, "exact"))
        pairs = ev.match(gs, ps, "overlap")
        c["overlap"] += len(pairs)
        c["pred"] += len(ps)
        c["gold"] += len(gs)
        hit = {i for i, _ in pairs}
        for i, g in enumerate(gold):
            key = "direct" if g["direct"] else "indirect"
            c[key] += 1
            c[key + "_hit"] += i in hit
        for i, j in pairs:
            g, p = gold[i], pred[j]
            c["spk"] += ev.same_speaker(g["speaker"], p[2])
            c["spk_exact"] += bool(p[3] and g["speaker_span"] == p[3])
            c["cue"] += ev.same_speaker(g["cue"], p[4])
    n = c["overlap"] or 1
    return {"content_overlap": ev.prf(c["overlap"], c["pred"], c["gold"]),
            "content_exact": ev.prf(c["exact"], c["pred"], c["gold"]),
            "recall_direct": round(c["direct_hit"] / max(1, c["direct"]), 4),
            "recall_indirect": round(c["indirect_hit"] / max(1, c["indirect"]), 4),
            "speaker_accuracy": round(c["spk"] / n, 4), "speaker_exact": round(c["spk_exact"] / n, 4),
            "cue_accuracy": round(c["cue"] / n, 4), "seconds": round(time.perf_counter() - t0, 2),
            "gold": c["gold"], "direct": c["direct"], "indirect": c["indirect"]}


def main(path: Path = DATA) -> None:
    _data.require("quotes_polnear", path)
    docs = [d for d in map(json.loads, path.open(encoding="utf-8")) if d.get("primary", True)]
    figs = score_polnear(docs, lambda text: as_tuples(predict(text)))
    print(json.dumps({
        "bench": "quotes_polnear", "documents": len(docs), "attributions": figs["gold"],
        "content_overlap": figs["content_overlap"], "content_exact": figs["content_exact"],
        "recall_direct": figs["recall_direct"], "direct": figs["direct"],
        "recall_indirect": figs["recall_indirect"], "indirect": figs["indirect"],
        "speaker_accuracy": figs["speaker_accuracy"], "speaker_exact_offsets": figs["speaker_exact"],
        "cue_accuracy": figs["cue_accuracy"], "seconds": figs["seconds"],
        "tuned_on": "this dev split (English cue list and speaker rules)",
    }, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
