"""Group articles that cover the same event into stories.

An article vector is the mean of its content-passage vectors plus its title vector. Comparing
every article with every other does not scale, so candidate story-mates come from a k-nearest-
neighbour search over article vectors (numpy top-k in blocks), edges above the model's threshold
(and within `max_days` when both dates are known) are joined by union-find, and only inside each
connected component does average-linkage agglomerative clustering (cosine, distance threshold)
split chains that single links would have glued together. When the caller gives article texts and
the encoder's params name a pair model (compare.story_pairs), the learned P(same story) replaces
the cosine in both steps: edges at P >= link, linkage over P of every pair of the component.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

import numpy as np


@dataclass(frozen=True)
class StoryParams:
    """Clustering thresholds of one encoder (article-vector cosines live in its own band)."""
    threshold: float       # minimum cosine between two articles of a story
    max_days: int = 3      # no story spans more days than this (when dates are known): MAX_DAYS
    k: int = 10            # nearest neighbours examined per article
    max_component: int = 2000  # larger components are re-cut with a stricter threshold
    pair_model: str | None = None  # compare/story_model/<name>.json decides when texts are given
    floor: float = 0.0     # with a pair model: minimum cosine of a candidate pair (kNN prefilter)
    link: float | None = None  # with a pair model: P(same story) that links (None: the model's)

    def candidate_floor(self, learned: bool) -> float:
        """The cosine below which a neighbour is not even considered."""
        return self.floor if learned else self.threshold

    def as_dict(self) -> dict:
        return asdict(self)


# Keys are substrings of model ids (see compare.align.params_for).
# USE: threshold calibrated on AllSides (../shared/data/allsides/allsides_triples.jsonl), tuning
# half of the stories (seeded split, seed 14, fixed before tuning; bench/quality/eval_stories.py
# --tune): best pairwise F1 0.777 at 0.56 (0.50 with a 10-day window before: 0.591). Reporting
# half: F1 0.753 (before 0.598), precision 0.691 (0.451), recall 0.828 (0.886); different-story
# pairs within a week merged 266 / 21,701 (before 664); dates withheld, F1 0.258 (0.189). max_days is NOT tuned there:
# AllSides dates the story, not each article, so every article of a story has the same day and a
# 1-day window would score best for a reason real coverage (spread over a few days) lacks; 3
# days is a judgement: the same event's coverage, not the next week's related event.
# USE with article texts (every caller in compare/ passes them): the pair model
# compare/story_model/use.json decides instead of the 0.56 cosine (which stays for callers without
# text). Its link probability (0.825) is the best pairwise F1 of a story-grouped 5-fold CV inside
# the tuning half (0.817; bench/quality/train_stories.py); reporting half F1 0.789, precision
# 0.761, recall 0.819, same-week different-story pairs merged 185 / 21,701; dates withheld 0.471.
# floor 0.3 is a judgement (a kNN prefilter, not a decision): 3 of the tuning half's 724
# same-story pairs have a lower article cosine.
# e5 and the fake trigram encoder keep the 11-article calibration (lowest same-story vs highest
# different-story cosine: 0.937 / 0.922 for e5, 0.654 / 0.638 for the fake encoder of the tests).
MAX_DAYS = 3
MODEL_PARAMS = {
    "fake-trigram": StoryParams(threshold=0.65, max_days=MAX_DAYS),
    "e5": StoryParams(threshold=0.93, max_days=MAX_DAYS),
    "use-multilingual": StoryParams(threshold=0.56, max_days=MAX_DAYS, pair_model="use", floor=0.3),
}
FALLBACK = StoryParams(threshold=0.6)


def params_for(model_id: str) -> StoryParams:
    """Story thresholds for `model_id` (matched by substring), else a generic fallback."""
    lowered = model_id.lower()
    return next((p for key, p in MODEL_PARAMS.items() if key in lowered), FALLBACK)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def article_vector(passage_vectors: np.ndarray, title_vector: np.ndarray | None = None) -> np.ndarray:
    """Unit vector of an article: normalised mean of its passages, plus its title when known."""
    dim = passage_vectors.shape[1] if passage_vectors.ndim == 2 else len(title_vector)
    body = _unit(passage_vectors.mean(axis=0)) if len(passage_vectors) else np.zeros(dim, np.float32)
    if title_vector is not None:
        body = body + _unit(np.asarray(title_vector, dtype=np.float32))
    return _unit(body).astype(np.float32)


def parse_day(value: str | None) -> date | None:
    """The calendar day of an ISO date/datetime string, or None when absent or unreadable."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _close_in_time(d1: date | None, d2: date | None, max_days: int) -> bool:
    return d1 is None or d2 is None or abs((d1 - d2).days) <= max_days


# Above this many articles, candidates come from an approximate index (compare.ann, HNSW): the
# exact block search below is O(n^2) (100,000 articles: 10^10 products); below it, exact is fast.
ANN_MIN = 20_000


def neighbour_edges(vectors: np.ndarray, k: int, threshold: float, block: int = 1024) -> list[tuple[int, int]]:
    """Pairs (i < j) where j is among i's k nearest neighbours with cosine >= threshold.

    Rows are processed in blocks so memory stays at block x n floats, never n x n; past ANN_MIN
    rows the neighbours are approximate (usearch HNSW, recall measured in bench/scale_stories.py).
    """
    n = len(vectors)
    if n > ANN_MIN:
        from compare.ann import knn_edges

        return knn_edges(vectors, k, threshold)
    edges = set()
    for start in range(0, n, block):
        edges.update(block_edges(vectors, start, min(start + block, n), k, threshold))
    return sorted(edges)


def block_edges(vectors: np.ndarray, start: int, stop: int, k: int, threshold: float) -> list[tuple[int, int]]:
    """The exact neighbour edges of rows start..stop (one block; a distributed engine runs many)."""
    kk = min(k + 1, len(vectors))
    sims = vectors[start:stop] @ vectors.T
    top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    edges = set()
    for r, row in enumerate(top):
        i = start + r
        for j in row:
            if j != i and sims[r, j] >= threshold:
                edges.add((min(i, int(j)), max(i, int(j))))
    return sorted(edges)


def components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find with path halving), each sorted, in first-index order."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def split_by_dates(members: list[int], days: list[date | None], max_days: int) -> list[list[int]]:
    """Cut a group where its dated articles would span more than `max_days` (undated stay first)."""
    dated = sorted((m for m in members if days[m] is not None), key=lambda m: days[m])
    undated = [m for m in members if days[m] is None]
    parts, current = [], []
    for m in dated:
        if current and (days[m] - days[current[0]]).days > max_days:
            parts.append(current)
            current = []
        current.append(m)
    parts.append(current)
    parts[0] = undated + parts[0]
    return [sorted(p) for p in parts if p]


def _agglomerate(members: list[int], vectors: np.ndarray, days: list, params: StoryParams,
                 scorer=None) -> list[list[int]]:
    """Average-linkage clustering inside one component (over cosines, or over the learned
    probabilities of every pair of the component); far-apart dates count as unrelated."""
    sub = vectors[members]
    sim = sub @ sub.T if scorer is None else scorer.block(members)
    cut = params.threshold if scorer is None else params.link
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    for x, mx in enumerate(members):
        for y in range(x + 1, len(members)):
            if not _close_in_time(days[mx], days[members[y]], params.max_days):
                dist[x, y] = dist[y, x] = 2.0
    np.fill_diagonal(dist, 0.0)
    if dist.max() <= 1.0 - cut:
        return [members]  # every pair is close: average linkage would merge them all anyway
    labels = average_linkage_labels(dist, 1.0 - cut)
    groups: dict[int, list[int]] = {}
    for m, label in zip(members, labels):
        groups.setdefault(int(label), []).append(m)
    return list(groups.values())


def average_linkage_labels(dist: np.ndarray, threshold: float) -> list[int]:
    """A cluster id per row of the square distance matrix `dist`: average linkage cut at
    `threshold`, the clusters sklearn's AgglomerativeClustering(metric="precomputed",
    linkage="average", distance_threshold=threshold) returns (ids may differ, the groups do not).

    sklearn builds the same scipy linkage over the upper triangle, then undoes its last merges, as
    many as there are merge distances >= threshold; so does this, without importing sklearn (0.69 s
    of CPU against 0.15 s for scipy.cluster.hierarchy, measured in a fresh process with numpy and
    scipy.sparse loaded; the story step paid it on every corpus with a component to split)."""
    from scipy.cluster import hierarchy

    n = len(dist)
    upper = np.triu_indices(n, k=1)
    merges = hierarchy.linkage(dist[upper], method="average")
    parent = list(range(2 * n - 1))
    for r in range(n - 1 - int(np.count_nonzero(merges[:, 2] >= threshold))):
        parent[int(merges[r, 0])] = parent[int(merges[r, 1])] = n + r
    labels = []
    for leaf in range(n):
        while parent[leaf] != leaf:
            leaf = parent[leaf]
        labels.append(leaf)
    return labels


def _linked(edges: list[tuple[int, int]], scorer, link: float) -> list[tuple[int, int]]:
    """The candidate edges whose learned probability reaches `link`."""
    if scorer is None or not edges:
        return edges
    pairs = np.asarray(edges, dtype=np.int64)
    keep = scorer.pairs(pairs[:, 0], pairs[:, 1]) >= link
    return [edge for edge, ok in zip(edges, keep) if ok]


def cluster_indices(vectors: np.ndarray, days: list[date | None], params: StoryParams,
                    edges_fn=None, scorer=None) -> list[list[int]]:
    """Groups (size >= 2) of row indices of `vectors` that form stories.

    `edges_fn(vectors, k, threshold)` finds the candidate pairs (default `neighbour_edges`; a
    distributed engine passes its own); the decisions below do not depend on who found them.
    With a `scorer` (compare.story_pairs.Scorer over the same rows) the learned probability
    replaces the cosine: candidates above `params.floor`, links and average linkage at
    `params.link`; without one, the cosine threshold decides as before.
    """
    if len(vectors) < 2:
        return []
    floor = params.candidate_floor(scorer is not None)
    edges = _linked([(i, j) for i, j in (edges_fn or neighbour_edges)(vectors, params.k, floor)
                     if _close_in_time(days[i], days[j], params.max_days)], scorer, params.link)
    out = []
    for comp in components(len(vectors), edges):
        if len(comp) < 2:
            continue
        if len(comp) > params.max_component:
            stricter = replace(params, threshold=params.threshold + (1 - params.threshold) / 4,
                               link=None if params.link is None else params.link + (1 - params.link) / 4)
            # in-process neighbours over the component's own rows: an `edges_fn` (an ANN index,
            # a cluster) answers in the row numbers of the whole set, not of `comp`
            sub = cluster_indices(vectors[comp], [days[m] for m in comp], stricter, None,
                                  scorer.subset(comp) if scorer is not None else None)
            out.extend([[comp[i] for i in g] for g in sub])
            continue
        groups = [comp] if len(comp) == 2 else _agglomerate(comp, vectors, days, params, scorer)
        for group in groups:
            out.extend(p for p in split_by_dates(group, days, params.max_days) if len(p) >= 2)
    return sorted(out, key=lambda g: g[0])


def learned(params: StoryParams, vectors: np.ndarray, texts: list[str | None] | None, background: list[str] = ()):
    """(params with the link resolved, scorer) when the params name a pair model and texts are
    given; else (params, None): callers without article text (or whose articles are all shorter
    than story_pairs.MIN_WORDS) keep the cosine threshold."""
    if params.pair_model is None or texts is None:
        return params, None
    from compare import story_pairs

    scorer = story_pairs.scorer(params.pair_model, vectors, texts, background)
    if not scorer.text.has_text.any():
        return params, None  # titles or one-liners only: the cosine threshold, as without texts
    return (replace(params, link=scorer.model.link) if params.link is None else params), scorer


def cluster(article_ids: list[str], vectors: np.ndarray, dates: list[str | None],
            params: StoryParams, edges_fn=None, texts: list[str | None] | None = None,
            background: list[str] = ()) -> list[list[str]]:
    """Stories among `article_ids` (rows of `vectors`, ISO `dates` or None), as id lists.

    `texts` (title and content of each article, in order) lets the pair model of `params` decide;
    `background` (texts of other articles of the corpus) only weighs words.
    """
    days = [parse_day(d) for d in dates]
    params, scorer = learned(params, vectors, texts, background)
    return [[article_ids[i] for i in group] for group in cluster_indices(vectors, days, params, edges_fn, scorer)]
