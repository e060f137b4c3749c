"""Which story a newly added article belongs to: the nearest stories with their scores.

A story's score for an article is the average, over the story's members, of the measure
`compare.stories` clusters with (average linkage), so "joins: Briefcam, 0.71" means what
clustering would have decided: the learned P(same story) of `compare.story_pairs` when the
encoder's story params name a pair model and the articles have text, else the cosine between
article vectors. The article joins the best story when that score reaches the matching cut
(the pair model's link, or the encoder's cosine threshold); otherwise it starts a new story and
the nearest one is still shown, with its score, for the user to pick.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compare import pipeline, stories
from compare import store as cstore


@dataclass(frozen=True)
class Candidate:
    """A story an article could join, with its average-linkage score and the cut that score
    must reach to join (`measure` says which: "probability" or "cosine")."""
    story_id: int
    score: float
    cut: float = 0.0
    measure: str = "cosine"


def article_vectors(db, article_ids: list[str], encoder) -> dict[str, np.ndarray]:
    """Unit article vectors (content passages + title), computed through the embedding cache."""
    return _articles(db, article_ids, encoder)[0]


def _articles(db, article_ids: list[str], encoder) -> tuple[dict[str, np.ndarray], list[str], np.ndarray, list[str]]:
    arts, title_vecs = pipeline.load_articles(db, article_ids, encoder)
    matrix = pipeline.article_matrix(arts, title_vecs, getattr(encoder, "dim", None))
    ids = [a.article_id for a in arts]
    return {aid: matrix[i] for i, aid in enumerate(ids)}, ids, matrix, pipeline.story_texts(db, arts)


def nearest_stories(db, article_id: str, encoder, limit: int = 5) -> list[Candidate]:
    """Stories not holding `article_id`, best first, scored by average linkage (see module doc)."""
    candidates = [s for s in cstore.list_stories(db) if s["article_ids"] and article_id not in s["article_ids"]]
    members = sorted({a for s in candidates for a in s["article_ids"]})
    vectors, ids, matrix, texts = _articles(db, [article_id, *members], encoder)
    if article_id not in vectors:
        return []
    params = stories.params_for(encoder.model_id)
    params, scorer = stories.learned(params, matrix, texts, pipeline.word_background(db, ids, params))
    row = {aid: i for i, aid in enumerate(ids)}
    if scorer is not None:
        others = np.array([row[a] for a in ids if a != article_id], dtype=np.int64)
        probs = scorer.pairs(np.full(len(others), row[article_id]), others)
        pair = {ids[j]: float(p) for j, p in zip(others, probs)}
        cut, measure = params.link, "probability"
    else:
        mine = vectors[article_id]
        pair = {a: float(mine @ v) for a, v in vectors.items() if a != article_id}
        cut, measure = params.threshold, "cosine"
    scored = []
    for story in candidates:
        sims = [pair[a] for a in story["article_ids"] if a in pair]
        if sims:
            scored.append(Candidate(story["id"], round(sum(sims) / len(sims), 3), cut, measure))
    scored.sort(key=lambda c: (-c.score, c.story_id))
    return scored[:limit]


def choose_story(candidates: list[Candidate], model_id: str) -> Candidate | None:
    """The candidate the article joins, or None (a new story) when none reaches its cut (the
    encoder's cosine threshold for candidates scored without one)."""
    best = candidates[0] if candidates else None
    if best is None:
        return None
    cut = best.cut if best.measure == "probability" else stories.params_for(model_id).threshold
    return best if best.score >= cut else None
