"""Suggestions vs the hand-made dev gold of the demo corpus (tests/data/demo_gold_annotations.json).

Prints JSON: quotation span P/R/F1 (exact and overlap), speaker and cue accuracy over matched
quotations, scare-quote/name traps wrongly taken as quotes, framing span P/R/F1 (overlap),
insertions found, passage label accuracy. Usage: .venv/bin/python bench/demo_gold.py
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.models import evaluation as ev  # noqa: E402
from annotate.suggest import run_suggestions  # noqa: E402
from corpus import db as dbmod  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from corpus.store import get_article, get_passages  # noqa: E402

GOLD = ROOT / "tests" / "data" / "demo_gold_annotations.json"


def locate(text: str, snippet: str) -> tuple[int, int]:
    starts = ev.find_all(text, snippet)
    if not starts:
        raise LookupError(f"gold snippet not in article: {snippet[:60]!r}")
    return starts[0], starts[0] + len(snippet)


def evaluate(db, ids_by_name: dict[str, str], gold: dict) -> dict:
    """Every figure of the module docstring, summed over the gold articles."""
    out = run_suggestions(db, list(ids_by_name.values()), store=False)
    acc = {"q_gold": [], "q_pred": [], "q_exact": 0, "q_overlap": 0, "spk": 0, "cue": 0, "traps": [],
           "f_gold": 0, "f_pred": 0, "f_tp_g": 0, "f_tp_p": 0, "ins": 0, "ins_gold": 0, "p_ok": 0, "p_n": 0}
    for name, g in gold["articles"].items():
        _article(db, ids_by_name[name], g, out, acc)
    return _summary(acc)


def _article(db, aid: str, g: dict, out: dict, acc: dict) -> None:
    text = get_article(db, aid)["text"]
    spans = [s for s in out["spans"] if s["article_id"] == aid]
    quotes = [s for s in spans if s["label"] == "quotation"]
    gq = [locate(text, q["text"]) for q in g["quotations"]]
    pq = [(s["start"], s["end"]) for s in quotes]
    acc["q_exact"] += len(ev.match(gq, pq, "exact"))
    pairs = ev.match(gq, pq, "overlap")
    acc["q_overlap"] += len(pairs)
    acc["q_gold"] += gq
    acc["q_pred"] += pq
    for i, j in pairs:
        acc["spk"] += ev.same_speaker(g["quotations"][i]["speaker"], (quotes[j]["speaker"] or {}).get("text"))
        acc["cue"] += ev.same_speaker(g["quotations"][i]["cue"], (quotes[j]["cue"] or {}).get("text"))
    for trap in g["not_quotes"]:
        acc["traps"] += [trap for st in ev.find_all(text, trap) if (st, st + len(trap)) in pq]
    _framing(text, g, spans, acc)
    for p in get_passages(db, aid, content_only=True):
        want = g["passages"].get(p["text"][:40].replace("\u00a0", " "))
        if want is not None:
            acc["p_n"] += 1
            acc["p_ok"] += out["passages"][p["id"]]["label"] == want


def _framing(text: str, g: dict, spans: list[dict], acc: dict) -> None:
    gf = [locate(text, f) for f in g["framing"]]
    pf = [(s["start"], s["end"]) for s in spans if s["label"] == "editorial_framing" and s["kind"] != "insertion"]
    acc["f_gold"] += len(gf)
    acc["f_pred"] += len(pf)
    acc["f_tp_g"] += sum(any(min(e, b) > max(s, a) for a, b in pf) for s, e in gf)
    acc["f_tp_p"] += sum(any(min(e, b) > max(s, a) for a, b in gf) for s, e in pf)
    ins = {(s["start"], s["end"]) for s in spans if s["kind"] == "insertion"}
    for snippet in g.get("insertions", []):
        acc["ins_gold"] += 1
        acc["ins"] += locate(text, snippet) in ins


def _summary(acc: dict) -> dict:
    n_matched = acc["q_overlap"]
    fp = acc["f_tp_p"] / acc["f_pred"] if acc["f_pred"] else 0.0
    fr = acc["f_tp_g"] / acc["f_gold"] if acc["f_gold"] else 0.0
    return {
        "quotation_exact": ev.prf(acc["q_exact"], len(acc["q_pred"]), len(acc["q_gold"])),
        "quotation_overlap": ev.prf(n_matched, len(acc["q_pred"]), len(acc["q_gold"])),
        "speaker_accuracy": round(acc["spk"] / n_matched, 4) if n_matched else 0.0,
        "cue_accuracy": round(acc["cue"] / n_matched, 4) if n_matched else 0.0,
        "traps_taken_as_quotes": acc["traps"],
        "framing_overlap": {"precision": round(fp, 4), "recall": round(fr, 4),
                            "f1": round(2 * fp * fr / (fp + fr), 4) if fp + fr else 0.0,
                            "pred": acc["f_pred"], "gold": acc["f_gold"]},
        "insertions_found": f"{acc['ins']}/{acc['ins_gold']}",
        "passage_accuracy": round(acc["p_ok"] / acc["p_n"], 4) if acc["p_n"] else 0.0,
        "passages": acc["p_n"],
    }


def main() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "demo.db")
        report = ingest(db, [str(ROOT / "corpus" / "demo")])
        ids = {Path(get_article(db, a)["source_file"]).name: a for a in report.added}
        t0 = time.perf_counter()
        result = evaluate(db, ids, gold)
        result["seconds"] = round(time.perf_counter() - t0, 2)
    print(json.dumps({"bench": "demo_gold", **result}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
