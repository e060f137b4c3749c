"""Rule spans found in a second process beside the comparison (with the loaded-word tagger's
word vectors encoded there too) give the same document and the same stored suggestions as the
sequential path."""
from __future__ import annotations

from annotate import pipeline, suggest
from annotate.models.framing import apply
from compare import vector_store
from compare.embed import get_encoder
from corpus import db as dbmod
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR

RUN_SUGGESTIONS = suggest.run_suggestions
STORED = "SELECT passage_id, start, [end], label, source, prob, model FROM annotations ORDER BY passage_id, start, label"


def _analyze(path, encoder, beside: bool, monkeypatch):
    """Analyse the demo with or without the second process; (beside used, document, rows, words cached before the suggestions)."""
    monkeypatch.setattr(pipeline, "BESIDE_MIN_ARTICLES", 1 if beside else 10**6)
    monkeypatch.setattr(apply.CachedWords, "_shared", {})  # nothing from an earlier run in this process
    db = dbmod.connect(path)
    ids = ingest(db, [str(DEMO_DIR)]).article_ids
    seen: dict = {}

    def spy(database, article_ids, **kwargs):
        texts = [p["text"] for p in suggest.content_passages_of(database, article_ids)]
        hashes = [vector_store.text_hash(w) for w in apply.word_types(texts)]
        cached = vector_store.cached_vectors(database, get_encoder(apply.encoder_name()).model_id, hashes)
        seen.update(beside=kwargs.get("rule_spans") is not None, words=len(cached) == len(hashes))
        return RUN_SUGGESTIONS(database, article_ids, **kwargs)

    monkeypatch.setattr(suggest, "run_suggestions", spy)
    document = pipeline.analyze(db, ids, encoder)
    rows = list(db.execute(STORED))
    db.conn.close()
    return seen, document, rows


def test_suggestions_beside_the_comparison_equal_the_sequential_ones(tmp_path, fake_encoder, monkeypatch):
    seen_seq, doc_seq, rows_seq = _analyze(tmp_path / "seq.db", fake_encoder, False, monkeypatch)
    seen_beside, doc_beside, rows_beside = _analyze(tmp_path / "beside.db", fake_encoder, True, monkeypatch)
    assert seen_beside == {"beside": True, "words": True}  # the tagger finds every word vector cached
    assert seen_seq == {"beside": False, "words": False}
    assert doc_beside["spans"] and doc_beside == doc_seq
    assert any(apply.LEARNED["model"] in (row[-1] or "") for row in rows_beside)  # the tagger ran
    assert rows_beside and rows_beside == rows_seq


def test_the_encoder_leaves_a_core_while_the_process_beside_runs_then_takes_it_back(monkeypatch):
    from concurrent.futures import Future

    monkeypatch.setattr(pipeline, "_cores", lambda: 4)
    encoder, beside = type("Encoder", (), {"threads": None})(), Future()
    pipeline._leave_a_core(encoder, beside)
    assert encoder.threads == 3
    beside.set_result({})
    assert encoder.threads is None


def test_use_vectors_are_the_same_whatever_cores_the_encoder_may_use():
    import numpy as np

    encoder = get_encoder("use")
    texts = ["Le ministre a parlé hier.", "The senator said the bill was a disgrace.", "Ok"] * 30
    before = encoder.threads
    try:
        encoder.threads = 1
        one = encoder.encode(texts)
        encoder.threads = None
        assert np.allclose(one, encoder.encode(texts), atol=1e-6)  # BLAS may sum in another order
    finally:
        encoder.threads = before


def test_overlapping_analyses_on_one_encoder_give_the_core_back_once_both_are_done(monkeypatch):
    from concurrent.futures import Future

    monkeypatch.setattr(pipeline, "_cores", lambda: 4)
    encoder, first, second = type("Encoder", (), {"threads": None})(), Future(), Future()
    pipeline._leave_a_core(encoder, first)
    pipeline._leave_a_core(encoder, second)  # a second analysis starts while the first runs
    first.set_result({})
    assert encoder.threads == 3  # the second process still runs beside
    second.set_result({})
    assert encoder.threads is None  # the setting from before either, not the lowered one


def test_a_failed_word_prefetch_beside_the_encoder_still_returns_the_rule_spans(tmp_path, monkeypatch):
    db = dbmod.connect(tmp_path / "p.db")
    ids = ingest(db, [str(DEMO_DIR)]).article_ids
    db.conn.close()

    def broken(*_args, **_kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(suggest, "prefetch_framing_words", broken)
    spans = pipeline._rule_spans_in_file(str(tmp_path / "p.db"), ids)
    assert spans and any(spans.values())
