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
    if installed("compare.pipeline"):
        from compare.pipeline import run_compare

        merge_compare(document, run_compare(db, ids, encoder, engine=engine))
    if installed("annotate.suggest"):
        from annotate.suggest import run_suggestions

        merge_suggestions(document, run_suggestions(db, ids, encoder=encoder))
    return document


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
