"""The learned story pair model: words and names decide where one cosine threshold cannot."""
import json

import numpy as np
import pytest

from compare import ann, stories, story_pairs
from compare import store as cstore
from compare.story_index import update_stories
from corpus import store as corpus_store
from tests.factories import make_article

PARAMS = stories.params_for("use-multilingual")

# Two events of the same week in Congress, told with overlapping vocabulary (House, committee,
# Republicans, vote, Speaker); each event retold by a second outlet in other words.
TEXTS = {
    "panel_a": "Pelosi names members of the January 6 select committee. House Speaker Nancy Pelosi on "
               "Thursday appointed Liz Cheney and seven Democrats to the select committee that will "
               "investigate the Capitol riot, after Republicans blocked an independent commission. "
               "The committee will hold its first hearing with police officers later this month.",
    "panel_b": "Speaker picks Cheney for Capitol riot probe. Pelosi chose Representative Liz Cheney, a "
               "Wyoming Republican, to sit on the select committee examining the January 6 attack on "
               "the Capitol, a move that angered House Republicans. Officers who defended the Capitol "
               "are expected to testify at the committee's opening hearing.",
    "bill_a": "House passes the infrastructure bill after a late vote. Democrats in the House approved "
              "the $1.2 trillion infrastructure package on Thursday, sending roads, bridges and "
              "broadband money to President Biden. Thirteen Republicans joined the vote, which "
              "Speaker Pelosi delayed for hours while progressives demanded a deal on social spending.",
    "bill_b": "Biden's infrastructure package clears Congress. The $1.2 trillion plan for highways, "
              "bridges, rail and broadband passed the House late on Thursday with support from "
              "thirteen Republicans, after progressive Democrats won assurances on the separate "
              "social spending bill. Biden is expected to sign the infrastructure law next week.",
}
# Other political news of the corpus, months apart (they never link): they make the words every
# politics article shares (House, Republicans, Thursday, the) common, as a real corpus does.
TOPICS = ["the debt ceiling", "a police reform bill", "voting rights", "the border wall", "student loans",
          "a stock trading ban", "drug prices", "the defense budget"]
BACKGROUND = [f"House Republicans and Democrats argued on Thursday over {topic}. Speaker Nancy Pelosi said "
              f"the vote on {topic} would come after President Biden met senators at the White House, while "
              f"Republicans in Congress said the plan for {topic} was rushed and that the committee had not "
              f"held a hearing on it." for topic in TOPICS]


def vectors_from_gram(gram: np.ndarray) -> np.ndarray:
    """Unit vectors whose pairwise cosines are `gram` (its Cholesky rows)."""
    return np.linalg.cholesky(gram).astype(np.float32)


def vectors_at(cosine: float, n: int) -> np.ndarray:
    """n unit vectors with every pairwise cosine equal to `cosine`."""
    return vectors_from_gram(np.full((n, n), cosine) + np.eye(n) * (1 - cosine))


def corpus(same: float, other: float):
    """The four articles (same-event cosine `same`, cross-event `other`) and the background."""
    ids = list(TEXTS) + [f"bg{i}" for i in range(len(BACKGROUND))]
    n = len(ids)
    gram = np.full((n, n), 0.2)
    gram[:4, :4] = other
    gram[0, 1] = gram[1, 0] = gram[2, 3] = gram[3, 2] = same
    np.fill_diagonal(gram, 1.0)
    dates = ["2021-07-01"] * len(TEXTS) + [f"2021-0{1 + i % 5}-{10 + i}" for i in range(len(BACKGROUND))]
    return ids, vectors_from_gram(gram), dates, list(TEXTS.values()) + BACKGROUND


def test_two_events_of_one_week_stay_apart_where_the_cosine_alone_merges_them():
    ids, vecs, dates, texts = corpus(0.72, 0.62)  # all above the cosine threshold (0.56): one story
    assert stories.cluster(ids, vecs, dates, PARAMS) == [list(TEXTS)]
    learned = stories.cluster(ids, vecs, dates, PARAMS, texts=texts)
    assert sorted(learned) == [["bill_a", "bill_b"], ["panel_a", "panel_b"]]


def test_a_retelling_in_other_words_joins_its_story():
    ids, vecs, dates, texts = corpus(0.5, 0.5)  # below the cosine threshold: the words decide
    assert stories.cluster(ids, vecs, dates, PARAMS) == []
    scorer = story_pairs.scorer("use", vecs, texts)
    row = {aid: i for i, aid in enumerate(ids)}
    same = scorer.pairs([row["panel_a"], row["bill_a"]], [row["panel_b"], row["bill_b"]])
    other = scorer.pairs([row["panel_a"], row["panel_b"]], [row["bill_a"], row["bill_b"]])
    link = story_pairs.load("use").link
    assert (same >= link).all() and (other < link).all()


def test_articles_without_enough_text_fall_back_to_the_vector_only_model():
    vecs = vectors_at(0.9, 3)
    titles = ["Pelosi names panel", "Cheney joins panel", "Storm hits coast"]  # under MIN_WORDS
    model = story_pairs.load("use")
    scorer = story_pairs.scorer("use", vecs, titles)
    assert np.allclose(scorer.pairs([0], [1]), model.vector.proba(np.array([[0.9]])))
    texts = [*titles, TEXTS["panel_a"]]  # one article with text: the model decides
    vecs4 = vectors_at(0.9, 4)
    assert stories.cluster(list("abcd"), vecs4, [None] * 4, PARAMS, texts=texts) == [list("abcd")]
    far = vectors_at(0.565, 4)  # above the cosine threshold (0.56), below the vector-only cut (0.572)
    assert stories.cluster(list("abcd"), far, [None] * 4, PARAMS, texts=texts) == []
    # titles only: the cosine threshold decides, exactly as without texts
    assert stories.cluster(list("abc"), far[:3], [None] * 3, PARAMS, texts=titles) == [list("abc")]


def test_block_probabilities_match_pair_probabilities():
    _, vecs, _, texts = corpus(0.72, 0.62)
    scorer = story_pairs.scorer("use", vecs, texts)
    block = scorer.block([0, 1, 2, 3])
    i, j = np.triu_indices(4, 1)
    assert np.allclose(block[i, j], scorer.pairs(i, j))
    part = scorer.subset([2, 3])  # a re-cut component keeps the corpus' IDF
    assert np.allclose(part.block([0, 1]), block[2:, 2:])


def test_names_are_capitalised_words_that_do_not_open_a_sentence():
    words, names = story_pairs.signature("The Senate met. Pelosi spoke with Liz Cheney. « Vote » now, 2021.")
    assert set(names) == {"senate", "liz", "cheney"}
    assert words["the"] == 1 and "2021" not in words and "pelosi" in words


def test_texts_must_match_the_vectors():
    with pytest.raises(story_pairs.StoryModelError, match="3 texts for 2"):
        story_pairs.scorer("use", vectors_at(0.5, 2), ["a", "b", "c"])


def test_a_broken_model_file_is_named_in_the_error(tmp_path, monkeypatch):
    (tmp_path / "bad.json").write_text(json.dumps({"text": {"features": ["cosine"], "coef": [1], "intercept": 0},
                                                   "vector": {}, "link": 0.5}), encoding="utf-8")
    monkeypatch.setattr(story_pairs, "MODEL_DIR", tmp_path)
    with pytest.raises(story_pairs.StoryModelError, match="bad.json"):
        story_pairs.load("bad")
    story_pairs.load.cache_clear()


def test_the_shipped_model_reads_every_feature_and_a_probability_cut():
    model = story_pairs.load("use")
    assert model.text.features == story_pairs.FEATURES and 0 < model.link < 1
    assert all(c > 0 for c in model.text.coef)  # more of any signal never lowers P(same story)


def test_incremental_updates_read_stored_texts_and_keep_the_two_events_apart(db):
    ids, vecs, _, texts = corpus(0.72, 0.62)  # stored undated: the texts and vectors decide
    stored = [make_article(db, text, outlet=f"O{i}", title=aid) for i, (aid, text) in enumerate(zip(ids, texts))]
    index = ann.ArticleIndex(vecs.shape[1], "use-multilingual-test")
    background, events = list(range(4, len(ids))), list(range(4))
    update_stories(db, index, [stored[i] for i in background], vecs[background], PARAMS)
    update_stories(db, index, [stored[i] for i in events], vecs[events], PARAMS)  # IDF: 4 + background
    found = sorted(sorted(ids[stored.index(a)] for a in s["article_ids"]) for s in cstore.list_stories(db, "auto"))
    assert found == [["bill_a", "bill_b"], ["panel_a", "panel_b"]]


def test_a_small_update_weighs_its_words_with_other_stored_articles(db):
    stored = [make_article(db, f"Article {i} about something else entirely.", outlet=f"O{i}") for i in range(5)]
    sample = corpus_store.spread_sample(db, stored[:2], 300)
    assert set(sample) == set(stored[2:]) and len(corpus_store.spread_sample(db, stored[:2], 2)) == 2
    text = corpus_store.article_texts(db, stored[:1])[0]
    assert text.startswith("O0 article") and "something else" in text
