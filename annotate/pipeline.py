"""The whole analysis of a set of stored articles, as one JSON-ready document (`presslens analyze`).

Three steps, one per layer:

- corpus: the articles and their passages with kinds and offsets;
- `compare.pipeline.run_compare(db, ids, encoder)` fills `alignments` and `stories` and adds
  per-article `additions` (passages found in no other outlet);
- `annotate.suggest.run_suggestions(db, ids)` adds a `label` and `scores` to each passage and
  fills `spans` (quotations with speaker and cue).

The later steps are imported when `analyze` runs, so importing this module stays cheap.
"""
from __future__ import annotations

import logging
import os
import threading

import sqlite_utils

from annotate.models import choices
from annotate.models.choices import ModelChoices
from corpus import store
from corpus.errors import NotFound

ARTICLE_KEYS = ("id", "source_file", "source_id", "outlet", "title", "lang", "chars")


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


def analyze(db: sqlite_utils.Database, article_ids: list[str], encoder=None, engine=None,
            models: ModelChoices | None = None) -> dict:
    """Run every analysis step over `article_ids`; see the module docstring.

    `encoder` (a `compare.embed.Encoder`) is used by the compare step; None means the default
    encoder from `compare.embed.get_encoder()`. `engine` (`compare.distributed.DaskEngine`)
    runs the compare step's embedding, story candidates and alignment on a cluster.
    `models`: which learned model makes each kind of suggestion (None: the settings,
    `annotate.models.choices.current()`).
    """
    document = corpus_document(db, article_ids)
    ids = [article["id"] for article in document["articles"]]
    from annotate.suggest import run_suggestions
    from compare.pipeline import run_compare

    models = models or choices.current()
    if encoder is None:
        encoder = default_encoder()
    beside = rules_beside(db, ids, models)
    if beside is not None:
        _leave_a_core(encoder, beside)
    try:
        with choices.applied(models):
            merge_compare(document, run_compare(db, ids, encoder, engine=engine))
            rule_spans = beside.result() if beside else None
            merge_suggestions(document, run_suggestions(db, ids, encoder=encoder, rule_spans=rule_spans,
                                                        framing_model=models.framing))
    finally:
        if beside is not None:
            beside.pool.shutdown(wait=True, cancel_futures=True)
    return document


# Below this many articles a second process costs more (its imports) than the overlap saves.
# Starting it for French text too, so that the French parser's load overlaps the encoder, made
# the demo slower (11.1 s against 10.4 s, bench/analyze_speed.py): the encoder there is short.
BESIDE_MIN_ARTICLES = 20


def rules_beside(db: sqlite_utils.Database, ids: list[str], models: ModelChoices | None = None):
    """The rule spans of every content passage, found in a second process while this one
    compares (a Future of {passage id: local spans}), or None.

    The rules need no encoder, so on two cores or more they run beside the embedding instead of
    after it (300 English articles: they cost about as much CPU as the encoder, see
    bench/analyze_speed.py). The same process then encodes the word types the loaded-word tagger
    will look up into the vector cache, so the learned models, which read the passage vectors the
    comparison is computing, run here on top of them without encoding anything. In-memory
    databases and small batches keep the sequential path.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    path = db.execute("PRAGMA database_list").fetchone()[2]
    cores = _cores()
    if not path or cores < 2 or len(ids) < BESIDE_MIN_ARTICLES:
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver"))
    future = pool.submit(_rule_spans_in_file, path, ids, models or choices.current())
    future.pool = pool
    return future


_handover = threading.Lock()


def _leave_a_core(encoder, beside) -> None:
    """Let the encoder use one core fewer until the process beside it is done (then all again).

    A shared encoder (the web app's, or get_encoder's cached one) may serve two overlapping
    analyses: the count of processes beside it decides, so the last one to finish gives the
    core back and none restores another's lowered setting."""
    if not hasattr(encoder, "threads"):
        return
    with _handover:
        active = getattr(encoder, "_beside_count", 0)
        if active == 0:
            encoder._threads_before = encoder.threads
        encoder._beside_count = active + 1
        encoder.threads = max(1, _cores() - 1)

    def give_back(_future) -> None:
        with _handover:
            encoder._beside_count -= 1
            if encoder._beside_count == 0:
                encoder.threads = encoder._threads_before

    beside.add_done_callback(give_back)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _rule_spans_in_file(path: str, ids: list[str], models: ModelChoices | None = None) -> dict:
    """The rule spans, found with the caller's model choices (a forkserver child keeps the
    environment its server started with, not the caller's current one; None: the settings)."""
    from annotate.suggest import content_passages_of, local_spans, prefetch_framing_words
    from corpus import db as dbmod

    db = dbmod.connect(path, migrate=False)
    try:
        passages = content_passages_of(db, ids)
        with choices.applied(models or choices.current()):
            spans = {p["id"]: spans for p, spans in zip(passages, local_spans(passages))}
        try:  # only a speed-up: the suggestions encode what is missing themselves
            prefetch_framing_words(db, passages, threads=1)  # the encoder beside has the other cores
        except Exception:  # noqa: BLE001  (e.g. the database locked past its timeout: the rule spans still count)
            logging.getLogger("presslens.analyze").warning("word prefetch beside the encoder failed", exc_info=True)
        return spans
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
