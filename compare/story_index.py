"""Incremental story clustering: new articles join the stored stories through the ANN index.

Re-clustering a 100,000-article corpus because 1,000 articles arrived wastes minutes. Instead the
new article vectors go into the index beside the database (`compare.ann`), their neighbours
above the story threshold are looked up, and only the *touched* set is clustered again: the new
articles, those neighbours, and every member of the auto stories those belong to. The decision
rules (pair model or threshold, dates, average linkage) are `compare.stories`' own, unchanged; auto stories
wholly inside the touched set are replaced, every other story keeps its id and its runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from compare import store as cstore
from compare import stories
from compare.ann import ArticleIndex, index_path
from corpus import store as corpus_store


@dataclass
class Update:
    """What one incremental update did (for the CLI and the bench)."""
    added: int = 0
    touched: int = 0
    story_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": self.added, "touched": self.touched, "stories": len(self.story_ids)}


def touched_by(db, index: ArticleIndex, article_ids: list[str], vectors: np.ndarray,
               params: stories.StoryParams) -> list[str]:
    """The new articles, their indexed neighbours above the threshold, and their auto stories' members."""
    touched = set(article_ids)
    floor = params.candidate_floor(params.pair_model is not None)
    for row in index.neighbours(vectors, params.k + 1):
        touched.update(other for other, sim in row if sim >= floor)
    for story in cstore.auto_stories_touching(db, touched):
        touched.update(story["article_ids"])
    return sorted(touched)


def update_stories(db, index: ArticleIndex, article_ids: list[str], vectors: np.ndarray,
                   params: stories.StoryParams) -> Update:
    """Add articles (already stored, rows of `vectors`) to the index and re-cluster what they touch."""
    if not article_ids:
        return Update()
    index.add(article_ids, vectors)
    ids = touched_by(db, index, article_ids, vectors, params)
    edges_fn = _index_edges(index, ids) if len(ids) > stories.ANN_MIN else None
    from compare.pipeline import word_background

    texts = corpus_store.article_texts(db, ids) if params.pair_model else None
    background = word_background(db, ids, params)
    groups = stories.cluster(ids, index.vectors(ids), corpus_store.published_dates(db, ids), params, edges_fn,
                             texts, background)
    record = {"model": index.model_id, **params.as_dict()}
    sids = cstore.save_auto_stories(db, groups, record, scope=set(ids))
    return Update(added=len(article_ids), touched=len(ids), story_ids=sids)


def _index_edges(index: ArticleIndex, ids: list[str]):
    """Candidate edges among `ids` from the stored index itself (building a second one would
    double the work of a large first run): neighbours outside `ids` are left out."""
    row_of = {aid: row for row, aid in enumerate(ids)}

    def edges(vectors: np.ndarray, k: int, threshold: float) -> list[tuple[int, int]]:
        found = set()
        for i, row in enumerate(index.neighbours(vectors, k + 1)):
            for other, sim in row:
                j = row_of.get(other)
                if j is not None and j != i and sim >= threshold:
                    found.add((min(i, j), max(i, j)))
        return sorted(found)

    return edges


def database_path(db) -> Path | None:
    """The file of the main database of a connection (None for an in-memory one)."""
    row = db.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def index_new_articles(db, encoder, chunk: int = 500) -> Update:
    """Put every stored article that the index beside the database lacks into stories; save the index."""
    from compare.pipeline import article_matrix, load_articles

    path = database_path(db)
    if path is None:
        raise cstore.StoryError("incremental stories need a database file (the index is stored beside it)")
    dim = getattr(encoder, "dim", None) or len(encoder.encode(["dimension"])[0])
    index = ArticleIndex.open(index_path(path, encoder.model_id), encoder.model_id, dim)
    params = stories.params_for(encoder.model_id)
    new = [row["id"] for row in corpus_store.list_articles(db) if row["id"] not in index]
    total = Update()
    for start in range(0, len(new), chunk):  # passage vectors of one chunk at a time in memory
        arts, title_vecs = load_articles(db, new[start:start + chunk], encoder)
        done = update_stories(db, index, [a.article_id for a in arts], article_matrix(arts, title_vecs, dim), params)
        total.added, total.touched = total.added + done.added, total.touched + done.touched
        total.story_ids.extend(done.story_ids)
    index.save()
    return total
