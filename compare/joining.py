"""Which story a newly added article belongs to: the nearest stories with their scores.

A story's score for an article is the average cosine between the article's vector and each
member's vector (average linkage, the same measure `compare.stories` clusters with), so
"joins: Briefcam, 0.71" means what clustering would have decided. The article joins the best
story when that score reaches the encoder's story threshold (`stories.params_for`); otherwise
it starts a new story and the nearest one is still shown, with its score, for the user to pick.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compare import pipeline, stories
from compare import store as cstore


@dataclass(frozen=True)
class Candidate:
    """A story an article could join, with its average-linkage cosine."""
    story_id: int
    score: float


def article_vectors(db, article_ids: list[str], encoder) -> dict[str, np.ndarray]:
    """Unit article vectors (content passages + title), computed through the embedding cache."""
    arts, title_vecs = pipeline.load_articles(db, article_ids, encoder)
    matrix = pipeline.article_matrix(arts, title_vecs, getattr(encoder, "dim", None))
    return {a.article_id: matrix[i] for i, a in enumerate(arts)}


def nearest_stories(db, article_id: str, encoder, limit: int = 5) -> list[Candidate]:
    """Stories not holding `article_id`, best first, scored by average-linkage cosine."""
    candidates = [s for s in cstore.list_stories(db) if s["article_ids"] and article_id not in s["article_ids"]]
    members = sorted({a for s in candidates for a in s["article_ids"]})
    vectors = article_vectors(db, [article_id, *members], encoder)
    mine = vectors[article_id]
    scored = []
    for story in candidates:
        sims = [float(mine @ vectors[a]) for a in story["article_ids"] if a in vectors]
        if sims:
            scored.append(Candidate(story["id"], round(sum(sims) / len(sims), 3)))
    scored.sort(key=lambda c: (-c.score, c.story_id))
    return scored[:limit]


def choose_story(candidates: list[Candidate], model_id: str) -> Candidate | None:
    """The candidate the article joins, or None (a new story) when none reaches the threshold."""
    threshold = stories.params_for(model_id).threshold
    best = candidates[0] if candidates else None
    return best if best is not None and best.score >= threshold else None
