"""The whole analysis of a set of stored articles, as one JSON-ready document (`presslens analyze`).

The corpus part (articles and their passages with kinds and offsets) is always built. The later
steps belong to layers written separately, and each is included when its layer is installed:

- `compare.pipeline.run_compare(db, ids, encoder)` (when `compare/pipeline.py` exists) fills
  `alignments` and `stories` and adds per-article `additions` (passages found in no other outlet);
- `annotate.suggest.run_suggestions(db, ids)` (when `annotate/suggest.py` exists) adds a `label`
  and `scores` to each passage and fills `spans` (quotations with speaker and cue).

A missing layer leaves its keys as empty lists, so the document's shape never changes.
"""
from __future__ import annotations

from importlib.util import find_spec

import sqlite_utils

from corpus import store
from corpus.errors import NotFound

ARTICLE_KEYS = ("id", "source_file", "source_id", "outlet", "title", "lang", "chars")


def installed(module: str) -> bool:
    """True when `module` can be imported (a layer that another helper may not have written yet)."""
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def corpus_document(db: sqlite_utils.Database, article_ids: list[str]) -> dict:
    """Articles and passages of `article_ids`, in that order, with empty later-step sections."""
    articles, passages = [], []
    for article_id in dict.fromkeys(article_ids):
        row = store.get_article(db, article_id, with_text=False)
        if row is None:
            raise NotFound(f"no article with id {article_id!r}")
        articles.append({key: row[key] for key in ARTICLE_KEYS})
        passages.extend(store.get_passages(db, article_id))
    return {"articles": articles, "passages": passages, "alignments": [], "stories": [], "spans": []}


def analyze(db: sqlite_utils.Database, article_ids: list[str], encoder=None, engine=None) -> dict:
    """Run every analysis step that is installed over `article_ids`; see the module docstring.

    `encoder` (a `compare.embed.Encoder`) is used by the compare step; None means the default
    encoder from `compare.embed.get_encoder()`. `engine` (`compare.distributed.DaskEngine`)
    runs the compare step's embedding, story candidates and alignment on a cluster.
    """
    document = corpus_document(db, article_ids)
    ids = [article["id"] for article in document["articles"]]
    if encoder is None and installed("compare.embed"):
        encoder = default_encoder()
    beside = suggest_beside(db, ids) if installed("annotate.suggest") and installed("compare.pipeline") else None
    try:
        if installed("compare.pipeline"):
            from compare.pipeline import run_compare

            merge_compare(document, run_compare(db, ids, encoder, engine=engine))
        if installed("annotate.suggest"):
            from annotate.suggest import run_suggestions

            merge_suggestions(document, beside.result() if beside else run_suggestions(db, ids, encoder=encoder))
    finally:
        if beside is not None:
            beside.pool.shutdown(wait=True, cancel_futures=True)
    return document


# Below this many articles a second process costs more (its imports) than the overlap saves.
BESIDE_MIN_ARTICLES = 20


def suggest_beside(db: sqlite_utils.Database, ids: list[str]):
    """Rule suggestions in a second process while this one compares (a Future), or None.

    Rules need no encoder and touch only their own table, so on two cores or more they run
    beside the embedding instead of after it (300 English articles: the rules cost about as
    much CPU as the encoder, see bench/analyze_speed.py). A stored classifier needs the passage
    vectors the comparison is computing, so it keeps the sequential path; so do in-memory
    databases and small batches.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from annotate import suggest_store

    path = db.execute("PRAGMA database_list").fetchone()[2]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if (not path or cores < 2 or len(ids) < BESIDE_MIN_ARTICLES
            or suggest_store.latest_classifier(db, None) is not None):
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver"))
    future = pool.submit(_suggest_in_file, path, ids)
    future.pool = pool
    return future


def _suggest_in_file(path: str, ids: list[str]) -> dict:
    from annotate.suggest import run_suggestions
    from corpus import db as dbmod

    db = dbmod.connect(path, migrate=False)
    try:
        return run_suggestions(db, ids)
    finally:
        db.conn.close()


def default_encoder():
    """The default encoder of the compare layer (env PRESSLENS_MODEL, else its measured default)."""
    from compare.embed import get_encoder

    return get_encoder()


def merge_compare(document: dict, result: dict) -> None:
    """Alignments and stories as returned; `additions` attached to each article (ids of passages)."""
    document["alignments"] = list(result.get("alignments", []))
    document["stories"] = list(result.get("stories", []))
    additions = result.get("additions", {})
    for article in document["articles"]:
        article["additions"] = list(additions.get(article["id"], []))


def merge_suggestions(document: dict, result: dict) -> None:
    """Per-passage `label` and `scores` (None / {} where the model said nothing) and the spans."""
    by_passage = result.get("passages", {})
    for passage in document["passages"]:
        suggestion = by_passage.get(passage["id"], {})
        passage["label"] = suggestion.get("label")
        passage["scores"] = suggestion.get("scores", {})
    document["spans"] = list(result.get("spans", []))
