"""Store: atomic article writes, id prefixes, passages and escape-safe full-text search."""
from __future__ import annotations

import sqlite3

import pytest

from corpus import store
from corpus.models import ArticleInput, Passage
from corpus.segment import segment

TEXT = "Briefcam équipe la police. La CNIL n’a rien vu.\nLire aussi : autre chose"


def article(text: str = TEXT, outlet: str = "Le Média") -> ArticleInput:
    return ArticleInput(text=text, source_file="a.txt", source_id="a.txt", outlet=outlet, title="T", lang="fr")


def test_save_article_returns_content_hash_id_and_is_idempotent(db):
    aid, added = store.save_article(db, article(), segment(TEXT))
    assert added and aid == store.content_hash(TEXT)[:16]
    assert store.save_article(db, article(), segment(TEXT)) == (aid, False)
    assert store.stats(db) == {"outlets": 1, "articles": 1, "passages": 3, "content_passages": 2}


def test_failed_passage_write_leaves_no_article_behind(db):
    bad = [Passage(0, 8, "Briefcam"), Passage(9, 14, None)]  # NOT NULL violation on the second passage
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(db, article(), bad)
    assert store.stats(db)["articles"] == 0 and store.stats(db)["passages"] == 0


def test_get_article_and_passages(db):
    aid, _ = store.save_article(db, article(), segment(TEXT))
    row = store.get_article(db, aid)
    assert (row["outlet"], row["text"], row["chars"]) == ("Le Média", TEXT, len(TEXT))
    passages = store.get_passages(db, aid)
    assert [p["id"] for p in passages] == [f"{aid}-0000", f"{aid}-0001", f"{aid}-0002"]
    assert set(passages[0]) == {"id", "article_id", "seq", "start", "end", "text", "kind", "content"}
    assert [p["kind"] for p in store.get_passages(db, aid, content_only=True)] == ["body", "body"]
    assert store.get_article(db, "0" * 16) is None


def test_outlets_are_shared_by_name(db):
    store.save_article(db, article(), segment(TEXT))
    store.save_article(db, article("Autre texte. Fin."), segment("Autre texte. Fin."))
    assert store.stats(db)["outlets"] == 1


def test_resolve_article_by_unique_prefix(db):
    aid, _ = store.save_article(db, article(), segment(TEXT))
    assert store.resolve_article(db, aid[:4]) == aid
    assert store.resolve_article(db, "zz") is None
    assert store.resolve_article(db, "%") is None  # LIKE wildcards are escaped


def test_ambiguous_prefix_raises(db):
    ids = [store.save_article(db, article(f"Texte numéro {i}. Fin."), [])[0] for i in range(40)]
    prefix = next(a[:1] for a in ids if sum(b.startswith(a[:1]) for b in ids) > 1)
    with pytest.raises(store.AmbiguousArticle):
        store.resolve_article(db, prefix)


def test_passages_by_ids_and_content_passages_carry_the_article_language(db):
    aid, _ = store.save_article(db, article(), segment(TEXT))
    every = store.get_passages(db, aid)
    picked = store.passages_by_ids(db, [every[-1]["id"], every[0]["id"]])
    assert [p["id"] for p in picked] == [every[0]["id"], every[-1]["id"]]
    assert all(p["lang"] == store.get_article(db, aid)["lang"] for p in picked)
    content = store.content_passages(db, [aid])
    assert [p["id"] for p in content] == [p["id"] for p in every if p["content"]]
    assert store.get_passage(db, every[0]["id"])["text"] == every[0]["text"]
    assert store.get_passage(db, "nope") is None
    assert store.article_by_hash(db, store.content_hash(store.get_article(db, aid)["text"])) == aid
    assert store.existing_articles(db, [aid, "missing"]) == {aid}


def test_search_ignores_accents_and_reports_highlight_offsets(db):
    aid, _ = store.save_article(db, article(), segment(TEXT))
    [hit] = store.search(db, "equipe police")
    assert hit["article_id"] == aid and hit["outlet"] == "Le Média"
    assert [hit["text"][a:b] for a, b in hit["highlights"]] == ["équipe", "police"]


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(", "a AND OR", "*", "-x", "col:val", ""])
def test_search_never_raises_on_fts_syntax(db, query):
    store.save_article(db, article(), segment(TEXT))
    assert isinstance(store.search(db, query), list)


def test_search_highlights_are_dropped_when_text_contains_the_marker(db):
    text = "Briefcam \ue000 police. Fin."
    store.save_article(db, article(text), segment(text))
    [hit] = store.search(db, "police")
    assert hit["highlights"] == []
