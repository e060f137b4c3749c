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

import sqlite_utils

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


def analyze(db: sqlite_utils.Database, article_ids: list[str], encoder=None) -> dict:
    """Run every analysis step over `article_ids`; see the module docstring.

    `encoder` (a `compare.embed.Encoder`) is used by the compare step; None means the default
    encoder from `compare.embed.get_encoder()`.
    """
    document = corpus_document(db, article_ids)
    ids = [article["id"] for article in document["articles"]]
    from annotate.suggest import run_suggestions
    from compare.pipeline import run_compare

    if encoder is None:
        encoder = default_encoder()
    merge_compare(document, run_compare(db, ids, encoder))
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
