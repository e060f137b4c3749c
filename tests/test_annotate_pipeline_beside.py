"""Rule spans found in a second process beside the comparison give the same document
and the same stored suggestions as the sequential path."""
from __future__ import annotations

from annotate import pipeline
from corpus import db as dbmod
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR

STORED = "SELECT passage_id, start, [end], label, source, prob FROM annotations ORDER BY passage_id, start, label"


def _analyze(path, encoder, beside_min: int, monkeypatch):
    monkeypatch.setattr(pipeline, "BESIDE_MIN_ARTICLES", beside_min)
    db = dbmod.connect(path)
    ids = ingest(db, [str(DEMO_DIR)]).article_ids
    used = pipeline.rules_beside(db, ids)
    if used is not None:
        used.pool.shutdown(wait=True)
    document = pipeline.analyze(db, ids, encoder)
    rows = list(db.execute(STORED))
    db.conn.close()
    return used is not None, document, rows


def test_suggestions_beside_the_comparison_equal_the_sequential_ones(tmp_path, fake_encoder, monkeypatch):
    beside, doc_beside, rows_beside = _analyze(tmp_path / "beside.db", fake_encoder, 1, monkeypatch)
    sequential, doc_seq, rows_seq = _analyze(tmp_path / "seq.db", fake_encoder, 10**6, monkeypatch)
    assert beside and not sequential
    assert doc_beside["spans"] and doc_beside == doc_seq
    assert rows_beside and rows_beside == rows_seq
