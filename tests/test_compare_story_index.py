"""Story candidates from the nearest-neighbour index: approximate edges agree with exact ones,
the index is stored beside the database, and new articles re-cluster only what they touch."""
from __future__ import annotations

import numpy as np
import pytest

from compare import ann, stories
from compare import store as cstore
from compare.story_index import index_new_articles, update_stories
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR
from tests.factories import make_article
from tests.test_compare_stories import synthetic

PARAMS = stories.StoryParams(threshold=0.8, max_days=7, k=5)


def _hex(i: int) -> str:
    return f"{i + 1:016x}"


def test_ann_edges_equal_exact_edges_on_well_separated_stories(monkeypatch):
    vecs, _ = synthetic(30, 4)
    exact = stories.neighbour_edges(vecs, PARAMS.k, PARAMS.threshold)
    assert exact and ann.knn_edges(vecs, PARAMS.k, PARAMS.threshold) == exact
    monkeypatch.setattr(stories, "ANN_MIN", 10)  # the clustering takes the ANN path above it
    ids = [f"a{i}" for i in range(len(vecs))]
    assert stories.cluster(ids, vecs, [None] * len(ids), PARAMS) == [
        [f"a{i}" for i in range(s * 4, s * 4 + 4)] for s in range(30)]


def test_article_ids_are_their_own_index_keys():
    assert ann.id_of(ann.key_of("00ff00ff00ff00ff")) == "00ff00ff00ff00ff"
    with pytest.raises(ValueError):
        ann.key_of("not-an-id")


def test_the_index_is_saved_beside_the_database_and_reopened_only_for_its_model(tmp_path):
    vecs, _ = synthetic(3, 2, dim=8)
    path = ann.index_path(tmp_path / "x.db", "fake/trigram 256")
    assert path.name == "x.db.fake-trigram-256.usearch"
    index = ann.ArticleIndex(8, "fake", path)
    index.add([_hex(i) for i in range(6)], vecs)
    index.save()
    again = ann.ArticleIndex.open(path, "fake", 8)
    assert len(again) == 6 and _hex(5) in again
    assert np.allclose(again.vectors([_hex(2)]), vecs[2:3], atol=1e-6)
    assert len(ann.ArticleIndex.open(path, "other-model", 8)) == 0


def test_new_articles_join_their_story_and_other_stories_keep_their_ids(db):
    vecs, labels = synthetic(6, 3, dim=32)
    ids = [make_article(db, f"Article numéro {i}.\n", outlet=f"O{i}") for i in range(len(vecs))]
    index = ann.ArticleIndex(32, "synthetic")
    first = [i for i in range(len(vecs)) if i % 3 != 2]  # two of each story first
    update_stories(db, index, [ids[i] for i in first], vecs[first], PARAMS)
    before = {frozenset(s["article_ids"]): s["id"] for s in cstore.list_stories(db, "auto")}
    assert len(before) == 6
    late = [i for i in range(len(vecs)) if i % 3 == 2 and labels[i] == 0]  # story 0 gets its third article
    done = update_stories(db, index, [ids[i] for i in late], vecs[late], PARAMS)
    assert done.touched == 3
    after = {frozenset(s["article_ids"]): s["id"] for s in cstore.list_stories(db, "auto")}
    assert frozenset(ids[i] for i in range(3)) in after
    untouched = {m: sid for m, sid in before.items() if ids[0] not in m}
    assert all(after.get(m) == sid for m, sid in untouched.items())


def test_index_new_articles_finds_the_demo_story_once_and_then_has_nothing_new(db, db_path, fake_encoder):
    report = ingest(db, [str(DEMO_DIR)])
    first = index_new_articles(db, fake_encoder)
    assert first.added == 2
    assert [sorted(s["article_ids"]) for s in cstore.list_stories(db, "auto")] == [sorted(report.added)]
    assert ann.index_path(db_path, fake_encoder.model_id).is_file()
    assert index_new_articles(db, fake_encoder).added == 0


def test_a_large_touched_set_takes_its_candidates_from_the_stored_index(db, monkeypatch):
    vecs, _ = synthetic(8, 3, dim=32)
    ids = [make_article(db, f"Article numéro {i}.\n", outlet=f"O{i}") for i in range(len(vecs))]
    monkeypatch.setattr(stories, "ANN_MIN", 5)
    update_stories(db, ann.ArticleIndex(32, "synthetic"), ids, vecs, PARAMS)
    found = sorted(sorted(ids.index(a) for a in s["article_ids"]) for s in cstore.list_stories(db, "auto"))
    assert found == [[s * 3, s * 3 + 1, s * 3 + 2] for s in range(8)]
