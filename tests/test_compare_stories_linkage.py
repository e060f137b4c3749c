"""Story clusters cut from scipy's average linkage are the groups sklearn's AgglomerativeClustering
returned for the same distances (compare.stories.average_linkage_labels replaced it to spare the
analysis sklearn's import)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import AgglomerativeClustering

from compare.stories import average_linkage_labels


def _groups(labels) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return list(groups.values())


def _sklearn(dist: np.ndarray, threshold: float) -> list[list[int]]:
    return _groups(AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                           distance_threshold=threshold).fit_predict(dist))


def _distances(vectors: np.ndarray, far: list[tuple[int, int]]) -> np.ndarray:
    dist = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    for x, y in far:
        dist[x, y] = dist[y, x] = 2.0  # far-apart dates, as stories._agglomerate marks them
    np.fill_diagonal(dist, 0.0)
    return dist


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(12))
def test_groups_equal_sklearns_on_random_vectors(seed, dtype):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    centres = rng.normal(size=(4, 16))
    vectors = centres[rng.integers(0, 4, n)] + rng.normal(scale=0.6, size=(n, 16))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(dtype)
    far = [(int(a), int(b)) for a, b in rng.integers(0, n, (n // 3, 2)) if a != b]
    dist = _distances(vectors, far)
    for threshold in (0.2, 0.45, 0.7, 1.0):
        assert _groups(average_linkage_labels(dist, threshold)) == _sklearn(dist, threshold)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.5, 0.9, 2.0]), min_size=n * n, max_size=n * n))),
    st.sampled_from([0.3, 0.5, 0.6, 0.9]))
def test_groups_equal_sklearns_with_tied_distances_and_thresholds_on_a_merge(case, threshold):
    n, values = case
    dist = np.asarray(values, dtype=np.float64).reshape(n, n)
    dist = np.triu(dist, 1) + np.triu(dist, 1).T
    assert _groups(average_linkage_labels(dist, threshold)) == _sklearn(dist, threshold)
