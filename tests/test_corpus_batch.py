"""Bulk ingest: pooled preparation equals serial, batches keep per-article atomicity, bad input
(a huge article, thousands of one-line articles, emoji only, a broken JSONL line) is reported as
`file:line: message` while every valid article is stored whole."""
from __future__ import annotations

import json
from pathlib import Path

from corpus import batch, store
from corpus.ingest import ingest
from corpus.models import ArticleInput, IngestError

FRENCH = "Le ministre a parlé hier. « Nous agirons », a-t-il dit. C’est l’avis de M. Dupont.\nUne autre ligne ici."


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def _articles(n: int) -> list[ArticleInput]:
    return [ArticleInput(f"Article {i}. {FRENCH}", "f.jsonl", str(i), lang="fr" if i % 2 else None, line=i + 1)
            for i in range(n)]


def test_pooled_preparation_gives_the_same_passages_in_the_same_order_as_serial():
    items = _articles(12) + [IngestError("f.jsonl", 99, "bad")] + _articles(5)
    serial = [e for b in batch.prepared_batches(items, size=4, pool_size=1) for e in b]
    pooled = [e for b in batch.prepared_batches(_articles(12) + [IngestError("f.jsonl", 99, "bad")] + _articles(5),
                                                size=4, pool_size=2, pool_min=3) for e in b]
    assert len(serial) == len(pooled) == 18
    for a, b in zip(serial, pooled):
        if isinstance(a, IngestError):
            assert a == b
            continue
        assert (a.item.text, a.item.lang, a.item.title, a.error) == (b.item.text, b.item.lang, b.item.title, b.error)
        assert a.passages == b.passages


def test_prepare_reports_a_failure_instead_of_raising():
    item = ArticleInput("texte", "f", "1", lang="fr")
    item.text = None  # hostile: not a string
    prepared = batch.prepare(item)
    assert prepared.error and prepared.passages == []


def test_a_broken_line_in_the_middle_names_its_line_and_keeps_both_neighbours(db, tmp_path):
    path = _jsonl(tmp_path / "a.jsonl", [{"text": "Premier article complet. " + FRENCH},
                                         '{"text": "coupé au milieu',
                                         {"text": "Troisième article complet. " + FRENCH}])
    report = ingest(db, [str(path)])
    assert len(report.added) == 2
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(f"{path}:2: invalid JSON: ")
    for aid in report.added:
        art = store.get_article(db, aid)
        assert all(art["text"][p["start"]:p["end"]] == p["text"] for p in store.get_passages(db, aid))


def test_an_article_over_the_size_limit_is_reported_and_the_others_are_stored(db, tmp_path):
    path = _jsonl(tmp_path / "big.jsonl", [{"text": "Petit article. " + FRENCH},
                                           {"text": "x" * 5000 + ". " + FRENCH * 10},
                                           {"text": "Autre petit article. " + FRENCH}])
    report = ingest(db, [str(path)], max_chars=2000)
    assert len(report.added) == 2
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(f"{path}:2: article is ")
    assert "over the 2,000 limit" in str(report.errors[0])
    assert store.stats(db)["articles"] == 2


def test_an_emoji_only_article_is_stored_with_exact_offsets(db, tmp_path):
    emoji = "🔥🔥 😀\n🇫🇷🇫🇷🇫🇷 👍🏽"
    report = ingest(db, [str(_jsonl(tmp_path / "e.jsonl", [{"text": emoji}]))])
    assert len(report.added) == 1 and not report.errors
    (aid,) = report.added
    passages = store.get_passages(db, aid)
    assert passages and all(emoji[p["start"]:p["end"]] == p["text"] for p in passages)
    assert "".join(p["text"] for p in passages).replace(" ", "") == emoji.replace(" ", "").replace("\n", "")


def test_many_one_line_articles_are_all_stored_across_batches_and_the_pool(db, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "POOL_MIN", 40)
    monkeypatch.setattr(batch, "BATCH", 16)
    monkeypatch.setenv("PRESSLENS_WORKERS", "2")
    rows = [{"text": f"Brève numéro {i} : le conseil a voté."} for i in range(300)]
    rows[150] = {"title": "no text"}
    report = ingest(db, [str(_jsonl(tmp_path / "many.jsonl", rows))])
    assert len(report.added) == 299
    assert [e.line for e in report.errors] == [151]
    assert store.stats(db)["articles"] == 299
    assert [item["line"] for item in report.items] == [i + 1 for i in range(300) if i != 150]


def test_an_article_failing_to_store_rolls_back_alone_inside_its_batch(db, tmp_path, monkeypatch):
    real = store.save_article

    def failing(database, article, passages, outlet_domain=None):
        if "poison" in article.text:
            with database.atomic():
                database.execute("INSERT INTO outlets (name, created_at) VALUES ('half', 'now')")
                raise RuntimeError("disk said no")
        return real(database, article, passages, outlet_domain=outlet_domain)

    monkeypatch.setattr(store, "save_article", failing)
    path = _jsonl(tmp_path / "p.jsonl", [{"text": "Bon article. " + FRENCH}, {"text": "poison " + FRENCH},
                                         {"text": "Encore un bon article. " + FRENCH}])
    report = ingest(db, [str(path)])
    assert len(report.added) == 2
    assert [str(e) for e in report.errors] == [f"{path}:2: not stored: RuntimeError: disk said no"]
    assert db.execute("SELECT count(*) FROM outlets WHERE name = 'half'").fetchone()[0] == 0
