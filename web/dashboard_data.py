"""Figures of the project dashboard, composed from the core layers (no SQL here).

Which labels count: the project's gold labels when a curator has adjudicated; else
annotate.campaign.stats over the project (per passage, its human labels where it has any, else the
machine suggestions the project has not decided), so a freshly analysed story already has a
dashboard. Annotators of blind projects see figures from their own labels only (recomputed
here, since annotate.campaign.stats counts every annotator of the project).
"""
from __future__ import annotations

from collections import Counter, defaultdict

import sqlite_utils

from annotate.campaign import speaker_names, stats
from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store
from annotate.labels.schemes import MACHINE_SOURCES
from web import compare_view, data


def counted_labels(db: sqlite_utils.Database, project_id: int) -> tuple[str, list[dict]]:
    """(which source, label rows) the dashboard counts: gold, else human, else suggestions."""
    gold = labels_store.list_gold(db, project_id)
    if gold:
        return "gold", gold
    human = labels_store.list_labels(db, project_id=project_id, sources=("human",), with_suggestions=False)
    if human:
        return "human", human
    articles = set(labels_store.project_article_ids(db, project_id))
    sugg = [l for l in labels_store.list_labels(db, project_id=project_id, sources=MACHINE_SOURCES)
            if l["article_id"] in articles]
    return "suggestions", sugg


def outlet_names(db: sqlite_utils.Database, article_ids) -> dict[str, str]:
    return {aid: (data.article_summary(db, aid) or {}).get("outlet") or aid[:8] for aid in article_ids}


def label_shares(db: sqlite_utils.Database, project_id: int, rows: list[dict]) -> list[tuple[str, dict]]:
    """[(outlet, {label: characters labelled})], outlets in name order."""
    outlets = outlet_names(db, labels_store.project_article_ids(db, project_id))
    shares: dict[str, Counter] = defaultdict(Counter)
    for outlet in outlets.values():
        shares[outlet]
    for row in rows:
        shares[outlets.get(row["article_id"], row["article_id"])][row["label"]] += row["end"] - row["start"]
    return sorted((o, dict(c)) for o, c in shares.items())


def coverage(db: sqlite_utils.Database, project_id: int, limit: int = 300) -> list[dict]:
    """Per story, the aligned rows × outlets: which outlet carries each passage, and how."""
    out = []
    for story in labels_store.list_stories(db, project_id):
        ids = story["article_ids"][:data.MAX_COLUMNS]
        articles = [a for a in (data.article_with_passages(db, aid) for aid in ids) if a]
        alignments = data.story_alignments(db, story["id"])
        visible = {p["id"] for a in articles for p in a["passages"]}
        links = compare_view.links(alignments, visible)
        rows = []
        for row in compare_view.build_rows(articles, alignments)[:limit]:
            first = next(ps[0] for ps in row.cells.values() if ps)
            cells = {a["id"]: compare_view.strongest([l["kind"] for p in row.cells.get(a["id"], [])
                                                      for l in links.get(p["id"], [])]) or
                      ("only" if row.cells.get(a["id"]) else None) for a in articles}
            rows.append({"excerpt": first["text"][:90], "cells": cells, "aligned": row.aligned,
                         "passage_ids": [p["id"] for ps in row.cells.values() for p in ps]})
        story = {**story, "title": story.get("title") or data.fallback_title(articles)}
        out.append({"story": story, "articles": articles, "rows": rows, "total": len(rows)})
    return out


def coverage_filters(blocks: list[dict]) -> dict:
    """The outlets and alignment kinds the coverage tables hold (the filter's choices)."""
    outlets = sorted({a["outlet"] or a["title"] for b in blocks for a in b["articles"]})
    kinds = sorted({k for b in blocks for r in b["rows"] for k in r["cells"].values() if k})
    return {"outlets": outlets, "kinds": kinds}


def filter_coverage(blocks: list[dict], *, outlet: str = "", kind: str = "", label: str = "",
                    labels_by_passage: dict[str, set] | None = None) -> list[dict]:
    """Coverage rows where `outlet` carries the passage, some outlet carries it as `kind`, and one
    of its passages carries `label` (in the labels the dashboard counts); empty means any."""
    labels_by_passage = labels_by_passage or {}
    out = []
    for block in blocks:
        ids = {a["id"] for a in block["articles"] if (a["outlet"] or a["title"]) == outlet}
        rows = [r for r in block["rows"]
                if (not outlet or any(r["cells"].get(i) for i in ids))
                and (not kind or kind in r["cells"].values())
                and (not label or any(label in labels_by_passage.get(p, ()) for p in r["passage_ids"]))]
        out.append({**block, "rows": rows})
    return out


def quoted(db: sqlite_utils.Database, project_id: int, rows: list[dict], limit: int = 20) -> list[dict]:
    """Speakers of quotation labels: how often, and by which outlets; one person under several
    mentions ("Chief executive Maria Olsen", "Olsen") counts once (annotate.campaign.speaker_names)."""
    outlets = outlet_names(db, {r["article_id"] for r in rows})
    said = [(r, r["speaker_text"].strip()) for r in rows
            if r["label"] == "quotation" and speaker_names.names_someone(r.get("speaker_text"))]
    # a lone surname joins a full name of its own story only: "Martin" here is not another story's "Anne Martin"
    story_of = {aid: s["id"] for s in labels_store.list_stories(db, project_id) for aid in s["article_ids"]}
    mentions: dict[int | None, set[str]] = defaultdict(set)
    for row, speaker in said:
        mentions[story_of.get(row["article_id"])].add(speaker)
    keys = {sid: speaker_names.speaker_keys(sorted(found)) for sid, found in mentions.items()}
    counts: Counter = Counter()
    display: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, set] = defaultdict(set)
    for row, speaker in said:
        key = keys[story_of.get(row["article_id"])][speaker]
        counts[key] += 1
        display[key][speaker] += 1
        where[key].add(outlets.get(row["article_id"], ""))
    return [{"speaker": speaker_names.shown_name(display[k]), "count": n,
             "outlets": sorted(where[k])} for k, n in counts.most_common(limit)]


def annotator_progress(db: sqlite_utils.Database, project_id: int) -> list[dict]:
    """Per annotator: passages assigned, done, and labels written."""
    human = labels_store.list_labels(db, project_id=project_id, sources=("human",), with_suggestions=False)
    written = Counter(l["annotator_id"] for l in human)
    passages = defaultdict(set)
    for l in human:
        passages[l["annotator_id"]].add(l["passage_id"])
    out = []
    for m in labels_store.list_members(db, project_id, "annotator"):
        assigned = labels_store.list_assignments(db, project_id, m["user_id"])
        done = sum(1 for a in assigned if a["done"])
        out.append({"user_id": m["user_id"], "name": m["display_name"] or m["username"],
                    "assigned": len(assigned), "done": done, "labels": written[m["user_id"]],
                    "passages": len(passages[m["user_id"]]),
                    "pct": round(100 * done / len(assigned)) if assigned else None})
    return out


def agreement(db: sqlite_utils.Database, project_id: int) -> dict:
    return campaign.project_agreement(db, project_id)


def project_stats(db: sqlite_utils.Database, project_id: int) -> dict:
    """annotate.campaign.stats over the project's stories, counting the project's labels only."""
    return stats.stats(db, project_id=project_id)


def article_entries(st: dict) -> list[dict]:
    """The per-article entries of annotate.campaign.stats, each article once (an article may sit in
    several of the project's stories; counting it per story would weigh it twice)."""
    seen, out = set(), []
    for story in st["stories"]:
        for o in story["outlets"]:
            if o["article_id"] not in seen:
                seen.add(o["article_id"])
                out.append(o)
    return out


def stats_source(st: dict) -> str:
    """Which labels the stats rested on: human, suggestions, or both (passages differ)."""
    basis: Counter = Counter()
    for o in article_entries(st):
        basis.update(o["basis"])
    if basis["human"] and basis["suggestion"]:
        return "human+suggestions"
    return "suggestions" if basis["suggestion"] else "human"


def stats_shares(st: dict) -> list[tuple[str, dict]]:
    """[(outlet, {label: characters})] from annotate.campaign.stats (passage classes), outlets by name."""
    shares: dict[str, Counter] = defaultdict(Counter)
    for o in article_entries(st):
        name = o["outlet"] or o["article_id"][:8]
        shares[name]
        for label, share in o["by_chars"].items():
            shares[name][label] += share * o["chars_labelled"]
    return sorted((o, {k: round(v) for k, v in c.items()}) for o, c in shares.items())


def stats_quoted(st: dict, limit: int = 20) -> list[dict]:
    """Who is quoted (speakers matched after normalisation), how often, by which outlets."""
    counts: Counter = Counter()
    display: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, set] = defaultdict(set)
    for o in article_entries(st):
        for sp in o["speakers"]["speakers"]:
            counts[sp["key"]] += sp["count"]
            display[sp["key"]][sp["speaker"]] += sp["count"]
            where[sp["key"]].add(o["outlet"] or "")
    return [{"speaker": speaker_names.shown_name(display[k]), "count": n, "outlets": sorted(where[k])}
            for k, n in counts.most_common(limit)]


def changed_quotes(st: dict, titles: dict[int, str]) -> list[dict]:
    """Quotations that changed between aligned passages of two outlets (cut, paraphrased,
    edited, attributed to someone else), with the story they belong to."""
    return [{**c, "story_id": story["story_id"], "story": titles.get(story["story_id"], "")}
            for story in st["stories"] for c in story["changed_quotes"]]
