"""run_compare on the demo corpus: stories, stored runs, alignments, additions, reuse graph."""
import re

import pytest

from compare import align, pipeline
from compare import store as cstore
from corpus.ingest import ingest
from corpus.models import Passage
from tests.conftest import DEMO_DIR
from tests.factories import make_article


@pytest.fixture
def demo(db):
    report = ingest(db, [str(DEMO_DIR)])
    assert not report.errors
    by_file = {row["source_file"]: row["id"] for row in db.query("SELECT id, source_file FROM articles")}
    repost = next(v for k, v in by_file.items() if "disclose" in k)
    rp = next(v for k, v in by_file.items() if "revolution" in k)
    return repost, rp


def passage_text(db, pid: str) -> str:
    return next(db.query("SELECT text FROM passages WHERE id = ?", [pid]))["text"]


def test_demo_articles_form_one_story_with_a_complete_stored_run(db, demo, fake_encoder):
    result = pipeline.run_compare(db, list(demo), fake_encoder)
    [story] = result["stories"]
    assert set(story["article_ids"]) == set(demo)
    run = cstore.latest_run(db, story["id"])
    assert run["status"] == "complete" and run["model"] == fake_encoder.model_id
    assert len(cstore.get_alignments(db, run["id"])) == len(result["alignments"])
    for al in result["alignments"]:
        assert set(al) >= {"a", "b", "score", "kind", "diff"}


def test_quoting_passage_aligns_to_the_three_quoted_sentences(db, demo, fake_encoder):
    repost, rp = demo
    result = pipeline.run_compare(db, [repost, rp], fake_encoder)
    quoting = [al for al in result["alignments"] if "peut-on lire" in passage_text(db, al["b"])]
    quoted = sorted(passage_text(db, al["a"])[:20] for al in quoting if al["kind"] == "quoted")
    assert quoted == ["Dans la foulée, ce s", "Il y a huit ans, la ", "Les services de poli"]
    # the sentence Révolution Permanente cut out of the quotation with (…) stays unaligned
    assert not any(passage_text(db, al["a"]).startswith("Deux ans plus tard") for al in quoting)


def test_framing_sentences_are_additions_and_the_copier_is_the_later_outlet(db, demo, fake_encoder):
    repost, rp = demo
    result = pipeline.run_compare(db, [repost, rp], fake_encoder)
    adds = [passage_text(db, pid) for pid in result["additions"][rp]]
    assert any(t.startswith("Une manière de vouloir officialiser") for t in adds)
    assert any(t.startswith("En outre, de très nombreuses entreprises") for t in adds)
    assert not any("peut-on lire" in t for t in adds)
    [edge] = result["stories"][0]["reuse"]
    assert (edge["source"], edge["target"]) == (repost, rp)  # Disclose's text came first
    assert edge["kinds"].get("quoted", 0) >= 3


def test_second_run_reuses_the_stored_run_and_cached_vectors(db, demo, fake_encoder):
    first = pipeline.run_compare(db, list(demo), fake_encoder)
    texts_before = fake_encoder.texts_encoded
    second = pipeline.run_compare(db, list(demo), fake_encoder)
    assert fake_encoder.texts_encoded == texts_before  # everything came from the cache
    assert second["stories"][0]["run_id"] == first["stories"][0]["run_id"]
    assert second["alignments"] == first["alignments"]


def test_unrelated_article_is_in_no_story_and_has_no_additions(db, demo, fake_encoder):
    other = make_article(db, "Football\nLe Paris Saint-Germain a battu Marseille 3 à 1 dimanche soir.\n"
                             "Kylian Mbappé a inscrit un doublé en seconde période.\n", outlet="Sport")
    result = pipeline.run_compare(db, [*demo, other], fake_encoder)
    assert all(other not in s["article_ids"] for s in result["stories"])
    assert result["additions"][other] == []


def test_manual_story_inside_the_set_is_aligned_too(db, demo, fake_encoder):
    a = make_article(db, "Titre un\nUne phrase copiée mot pour mot entre deux blogs amis.\n", outlet="Blog 1")
    b = make_article(db, "Titre deux\nUne phrase copiée mot pour mot entre deux blogs amis.\n", outlet="Blog 2")
    sid = cstore.create_story(db, [a, b], title="by hand")
    result = pipeline.run_compare(db, [a, b], fake_encoder)
    assert sid in [s["id"] for s in result["stories"]]
    assert any(al["kind"] == "verbatim" for al in result["alignments"])


def test_compare_two_stores_nothing(db, demo, fake_encoder):
    result = pipeline.compare_two(db, demo[1], demo[0], fake_encoder)
    assert result["alignments"] and cstore.list_stories(db) == []
    assert set(result["additions"]) == set(demo)


def test_unknown_article_is_a_clear_error(db, fake_encoder):
    with pytest.raises(cstore.StoryError, match="unknown article: nope"):
        pipeline.run_compare(db, ["nope"], fake_encoder)


def test_cluster_corpus_in_chunks_finds_the_demo_story_and_skips_empty_articles(db, demo, fake_encoder):
    make_article(db, "Rien que du bruit\n", outlet="Vide", passages=[])  # no passages at all
    sids = pipeline.cluster_corpus(db, fake_encoder, chunk=1)
    assert [sorted(cstore.get_story(db, sid)["article_ids"]) for sid in sids] == [sorted(demo)]


def _lines(text: str, kinds: list[str]) -> list[Passage]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return [Passage(s, e, text[s:e], k) for (s, e), k in zip(spans, kinds)]


def test_a_heading_aligns_with_the_other_article_s_lede_only_when_kinds_are_ignored(db, fake_encoder):
    text_a = ("Incendie à Vénissieux : un entrepôt de meubles détruit\n"
              "Les pompiers ont lutté toute la nuit contre les flammes du dépôt.\n")
    text_b = ("Un incendie a détruit un entrepôt de meubles à Vénissieux lundi soir.\n"
              "Les pompiers ont lutté toute la nuit contre les flammes.\n")
    a = make_article(db, text_a, outlet="A", passages=_lines(text_a, ["heading", "body"]))
    b = make_article(db, text_b, outlet="B", passages=_lines(text_b, ["body", "body"]))
    arts, _ = pipeline.load_articles(db, [a, b], fake_encoder)
    assert [art.kinds for art in arts] == [["heading", "body"], ["body", "body"]]
    params = align.params_for(fake_encoder.model_id)
    head, lede = arts[0].ids[0], arts[1].ids[0]
    assert align.align_story(arts, params) and all(al.a != head for al in align.align_story(arts, params))
    for art in arts:
        art.kinds = None  # the embedding rule alone pairs the headline with the lede
    assert (head, lede) in {(al.a, al.b) for al in align.align_story(arts, params)}
