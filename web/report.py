"""The printable comparison report: what a fact-checker attaches to a verdict.

Pure: it takes the compare page's columns (articles with content passages) and the ordered
alignment list, and says what every outlet reports, per outlet what it added (no counterpart anywhere), what it left out
(passages of each other outlet with no counterpart in it), which aligned passages were reworded
(with their word diff, or what carried over across languages) and which quotes changed.
"""
from __future__ import annotations

from collections import Counter

from compare.carry import carried_over, changed_quotes
from compare.diff import word_diff
from web.compare_view import diff_segments

REWORDED_KINDS = ("paraphrase", "partial")
MAX_ITEMS = 60  # per list: a report stays printable; the page says how many were left out


def build_report(articles: list[dict], alignments: list[dict]) -> dict:
    """{"kinds", "everywhere", "added", "cut", "reworded", "quotes"} for the report template."""
    where = {p["id"]: (a, p) for a in articles for p in a["content"]}
    reach: dict[str, set[str]] = {pid: set() for pid in where}
    for al in alignments:
        reach[al["a"]].add(where[al["b"]][0]["id"])
        reach[al["b"]].add(where[al["a"]][0]["id"])
    return {"kinds": _kinds(where, alignments), "everywhere": _everywhere(articles, reach),
            "added": _added(articles, reach), "cut": _cut(articles, reach),
            "reworded": _capped([_reworded(where, al) for al in alignments if al["kind"] in REWORDED_KINDS]),
            "quotes": _capped(_quotes(where, alignments))}


def name(article: dict) -> str:
    return article.get("outlet") or article.get("title") or article["id"]


def _capped(items: list) -> dict:
    return {"items": items[:MAX_ITEMS], "more": max(0, len(items) - MAX_ITEMS)}


def _kinds(where: dict, alignments: list[dict]) -> list[dict]:
    pairs: dict[tuple[str, str], Counter] = {}
    for al in alignments:
        key = (name(where[al["a"]][0]), name(where[al["b"]][0]))
        pairs.setdefault(key, Counter())[al["kind"]] += 1
    return [{"a": a, "b": b, "counts": dict(c), "total": sum(c.values())} for (a, b), c in pairs.items()]


def _everywhere(articles: list[dict], reach: dict) -> dict:
    """What every outlet reports: the first outlet's passages with a counterpart in each other
    one (in its words; the columns and the reworded list show how the others put it)."""
    if len(articles) < 2:
        return {"outlet": None, **_capped([])}
    others = {a["id"] for a in articles[1:]}
    return {"outlet": name(articles[0]), **_capped([p for p in articles[0]["content"] if others <= reach[p["id"]]])}


def _added(articles: list[dict], reach: dict) -> list[dict]:
    return [{"outlet": name(a), **_capped([p for p in a["content"] if not reach[p["id"]]])} for a in articles]


def _cut(articles: list[dict], reach: dict) -> list[dict]:
    out = []
    for a in articles:
        missing = [{"from": name(o), **p} for o in articles if o is not a for p in o["content"]
                   if reach[p["id"]] and a["id"] not in reach[p["id"]]]
        out.append({"outlet": name(a), **_capped(missing)})
    return out


def _reworded(where: dict, al: dict) -> dict:
    (art_a, pa), (art_b, pb) = where[al["a"]], where[al["b"]]
    item = {"a": name(art_a), "b": name(art_b), "kind": al["kind"], "score": al["score"],
            "seq_a": pa["seq"], "seq_b": pb["seq"]}
    if art_a.get("lang") and art_b.get("lang") and art_a["lang"] != art_b["lang"]:
        return {**item, "carried": carried_over(pa["text"], pb["text"]).as_dict(), "text_a": pa["text"],
                "text_b": pb["text"]}
    ops = word_diff(pa["text"], pb["text"])
    return {**item, "seg_a": diff_segments(pa["text"], ops, "a"), "seg_b": diff_segments(pb["text"], ops, "b")}


def _quotes(where: dict, alignments: list[dict]) -> list[dict]:
    out = []
    for al in alignments:
        (art_a, pa), (art_b, pb) = where[al["a"]], where[al["b"]]
        if art_a.get("lang") != art_b.get("lang"):
            continue  # a translated quote always "changes": the carried-over list covers it
        for quote, became in changed_quotes(pa["text"], pb["text"]):
            out.append({"a": name(art_a), "b": name(art_b), "quote": quote, "became": became,
                        "seq_a": pa["seq"], "seq_b": pb["seq"]})
    return out
