"""The full-text index stays exactly in step with the stored passages when ingest defers it to
one statement per batch (store.batched_search_index): every kept passage is searchable, rolled
back ones are not, and later edits or single saves keep the index consistent."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import batch, schema, store
from corpus import db as dbmod
from corpus.ingest import ingest
from corpus.models import ArticleInput
from corpus.segment import segment


def _indexed(db) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM passages_fts_docsize ORDER BY id")]


def _stored(db) -> list[int]:
    return [r[0] for r in db.execute("SELECT rowid FROM passages ORDER BY rowid")]


def _save(db, text: str) -> str:
    return store.save_article(db, ArticleInput(text, "a.txt", text[:8], lang="fr"), segment(text, "fr"))[0]


def test_pooled_batched_ingest_indexes_each_kept_passage_once(db, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "POOL_MIN", 40)
    monkeypatch.setattr(batch, "BATCH", 16)
    monkeypatch.setenv("PRESSLENS_WORKERS", "2")
    real = store.save_article

    def failing(database, article, passages, outlet_domain=None):
        if "poison" in article.text:
            with database.atomic():  # its passages are written, then its savepoint rolls them back
                real(database, article, passages, outlet_domain=outlet_domain)
                raise RuntimeError("disk said no")
        return real(database, article, passages, outlet_domain=outlet_domain)

    monkeypatch.setattr(store, "save_article", failing)
    rows = [{"text": f"Brève numéro {i} : le conseil a voté.\nDeuxième ligne {i}."} for i in range(100)]
    rows[50] = {"text": "poison dans le lot."}
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    report = ingest(db, [str(path)])
    assert len(report.added) == 99 and [e.line for e in report.errors] == [51]
    assert _indexed(db) == _stored(db) and len(_stored(db)) == 99 * 2
    assert [h["text"] for h in store.search(db, "numéro 77")] == ["Brève numéro 77 : le conseil a voté."]
    assert [h["text"] for h in store.search(db, "deuxieme ligne 3")] == ["Deuxième ligne 3."]
    assert store.search(db, "poison") == []
    assert db.execute("SELECT count(*) FROM fts_deferrals").fetchone()[0] == 0


def test_passages_from_a_batch_can_be_edited_and_deleted_with_search_in_step(db):
    with store.batched_search_index(db):
        aid = _save(db, "Le préfet a signé l'arrêté. La mairie conteste.")
    assert [h["article_id"] for h in store.search(db, "prefet")] == [aid]
    db.execute("UPDATE passages SET text = 'Le maire a signé.' WHERE text LIKE 'Le préfet%'")
    db.execute("DELETE FROM passages WHERE text = 'La mairie conteste.'")
    db.conn.commit()
    assert store.search(db, "prefet") == [] and store.search(db, "mairie conteste") == []
    assert [h["text"] for h in store.search(db, "maire")] == ["Le maire a signé."]
    assert _indexed(db) == _stored(db)


def test_a_failed_batch_stores_and_indexes_nothing_and_single_saves_still_index(db):
    with pytest.raises(RuntimeError), store.batched_search_index(db):
        _save(db, "Un article perdu avec le lot.")
        raise RuntimeError("batch failed")
    assert store.stats(db)["passages"] == 0 and _indexed(db) == []
    assert db.execute("SELECT count(*) FROM fts_deferrals").fetchone()[0] == 0
    aid = _save(db, "Un article seul, indexé par le déclencheur.")
    assert [h["article_id"] for h in store.search(db, "declencheur")] == [aid]
    assert _indexed(db) == _stored(db)


def test_a_database_from_before_the_batched_index_migrates_and_keeps_its_index(tmp_path: Path):
    names = [name for name, _ in schema.MIGRATIONS]
    old = schema.MIGRATIONS[:names.index("m010_batched_search_index")]
    database = dbmod.connect(tmp_path / "old.db", migrate=False)
    database.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, fn in old:
        fn(database)
        database.execute("INSERT INTO migrations VALUES (?, ?)", [name, schema.now()])
    aid = _save(database, "Avant la migration, le texte est indexé.")
    assert "m010_batched_search_index" in schema.migrate(database)
    assert [h["article_id"] for h in store.search(database, "migration")] == [aid]
    with store.batched_search_index(database):
        other = _save(database, "Après la migration aussi.")
    assert [h["article_id"] for h in store.search(database, "apres")] == [other]
    assert _indexed(database) == _stored(database)
