"""annotate.pipeline: the analyze document, built from the corpus, compare and annotate steps."""
from __future__ import annotations

import pytest

from annotate import pipeline
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR


@pytest.fixture
def demo_ids(db) -> list[str]:
    return ingest(db, [str(DEMO_DIR)]).article_ids


def test_corpus_document_lists_articles_and_exact_passages(db, demo_ids):
    doc = pipeline.corpus_document(db, demo_ids)
    assert [a["id"] for a in doc["articles"]] == demo_ids
    assert (doc["alignments"], doc["stories"], doc["spans"]) == ([], [], [])
    texts = {a["id"]: (DEMO_DIR / a["source_file"]).read_text(encoding="utf-8") for a in doc["articles"]}
    assert all(texts[p["article_id"]][p["start"]:p["end"]] == p["text"] for p in doc["passages"])
    assert {a["chars"] for a in doc["articles"]} == {len(t) for t in texts.values()}


def test_corpus_document_rejects_unknown_ids(db):
    with pytest.raises(LookupError):
        pipeline.corpus_document(db, ["0" * 16])


def test_merges_attach_additions_labels_and_spans():
    doc = {"articles": [{"id": "a"}], "passages": [{"id": "a-0000"}, {"id": "a-0001"}],
           "alignments": [], "stories": [], "spans": []}
    pipeline.merge_compare(doc, {"alignments": [{"a": "a-0000", "b": "b-0000"}], "stories": [{"id": 1}],
                                 "additions": {"a": ["a-0001"]}})
    pipeline.merge_suggestions(doc, {"passages": {"a-0000": {"label": "quotation", "scores": {"quotation": 0.9}}},
                                     "spans": [{"article_id": "a", "start": 0, "end": 3}]})
    assert doc["articles"][0]["additions"] == ["a-0001"] and doc["stories"] == [{"id": 1}]
    assert doc["passages"][0]["label"] == "quotation" and doc["passages"][1] == {"id": "a-0001", "label": None, "scores": {}}
    assert len(doc["spans"]) == 1 and len(doc["alignments"]) == 1


@pytest.mark.slow
def test_analyze_runs_every_layer_with_the_given_encoder(db, demo_ids, fake_encoder):
    doc = pipeline.analyze(db, demo_ids, fake_encoder)
    assert len(doc["articles"]) == 2
    assert fake_encoder.calls > 0 and doc["stories"]
    assert all("additions" in a for a in doc["articles"])
    assert all("label" in p and "scores" in p for p in doc["passages"])
