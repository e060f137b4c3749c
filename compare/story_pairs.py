"""The learned "same story?" decision on a pair of articles: the edge weight of compare.stories.

One cosine threshold between article vectors cannot tell two events of the same week on one
topic apart (a committee announced on Tuesday, created on Thursday): both land near 0.6-0.8.
The words an outlet cannot avoid repeating (names, places, the rare nouns of the event) tell them
apart better. A logistic regression over three pair features decides instead:

- `cosine`: the article-vector cosine (the encoder's own, compare.stories.article_vector);
- `words`: the TF-IDF cosine of the two articles' words (letters only, lowercased);
- `names`: the IDF-weighted cosine of their capitalised words that do not open a sentence.

IDF is computed over the articles being clustered, at run time: no vocabulary is fitted or
shipped, and any language works. An article with fewer than MIN_WORDS words (a title alone, the
one-line rows of bench/scale_stories.py) has no text signature: its pairs are scored by the
vector-only model trained beside the text model. Weights (plain JSON coefficients, no pickle) and
the probability cut live in compare/story_model/ (MODEL_CARD.md), trained by
bench/quality/train_stories.py on the tuning half of AllSides.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

FEATURES = ("cosine", "words", "names")
MODEL_DIR = Path(__file__).resolve().parent / "story_model"
# Below this many words an article's text says too little for TF-IDF (a headline has ~10): a
# judgement, not tuned; AllSides excerpts (the training data) have 60-120 words.
MIN_WORDS = 25
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = ".!?:\"“”«»\n"


class StoryModelError(ValueError):
    """A story pair-model file that is missing, unreadable or made for other features."""


@dataclass(frozen=True)
class Logit:
    """P(same story) = sigmoid(x . coef + intercept) over the named features."""
    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float

    def proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))


@dataclass(frozen=True)
class PairModel:
    """The text model, its vector-only fallback, and the probability that links two articles."""
    name: str
    text: Logit
    vector: Logit
    link: float


def _logit(raw: dict, features: tuple[str, ...], path: Path) -> Logit:
    if tuple(raw.get("features", ())) != features or len(raw.get("coef", ())) != len(features):
        raise StoryModelError(f"{path}: expected coefficients for {list(features)}")
    return Logit(features, np.asarray(raw["coef"], dtype=np.float64), float(raw["intercept"]))


@lru_cache(maxsize=8)
def load(name: str) -> PairModel:
    """The pair model `compare/story_model/<name>.json` (plain numbers: loading runs no code)."""
    path = MODEL_DIR / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        model = PairModel(name, _logit(raw["text"], FEATURES, path), _logit(raw["vector"], FEATURES[:1], path),
                          float(raw["link"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoryModelError(f"{path}: {exc}") from exc
    if not 0.0 < model.link < 1.0:
        raise StoryModelError(f"{path}: link must lie between 0 and 1")
    return model


def signature(text: str) -> tuple[Counter, Counter]:
    """(word counts, capitalised-name counts) of a text; sentence-initial capitals are not names."""
    kept = [(token, m.start()) for m in _TOKEN.finditer(text) if len(token := m.group().strip("'’-")) >= 2]
    # counted by Counter's C loop: the same counts, keys in the same first-seen order as one by one
    words = Counter([token.lower() for token, _ in kept])
    names = Counter([token.lower() for token, start in kept if token[0].isupper() and not _opens_sentence(text, start)])
    return words, names


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the first non-space character before `start` ends a sentence (or there is none)."""
    k = start - 1
    while k >= 0 and text[k].isspace() and text[k] != "\n":
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END


def _tfidf(counts: list[Counter], rows_out: int) -> sparse.csr_matrix:
    """L2-normalised rows (the first `rows_out` documents) of sublinear TF x smoothed IDF, the
    IDF counted over all `counts` (the documents themselves plus any background)."""
    vocab: dict[str, int] = {}
    rows, cols, tfs = [], [], []
    for r, c in enumerate(counts):
        for word, n in c.items():
            rows.append(r)
            cols.append(vocab.setdefault(word, len(vocab)))
            tfs.append(1.0 + math.log(n))
    rows_a, cols_a = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    idf = np.log((1 + len(counts)) / (1 + np.bincount(cols_a, minlength=len(vocab)))) + 1.0
    keep = rows_a < rows_out
    vals = np.asarray(tfs)[keep] * idf[cols_a[keep]]
    m = sparse.csr_matrix((vals, (rows_a[keep], cols_a[keep])), shape=(rows_out, max(len(vocab), 1)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return (sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ m).tocsr()


@dataclass(frozen=True)
class TextMatrix:
    """TF-IDF rows of words and of names, and which articles have enough text to use them."""
    words: sparse.csr_matrix
    names: sparse.csr_matrix
    has_text: np.ndarray

    @classmethod
    def build(cls, texts: list[str | None], background: list[str] = ()) -> TextMatrix:
        """Rows for `texts`; IDF over `texts` plus `background` (other articles of the corpus, so
        that a handful of texts still weighs words as the corpus does)."""
        sigs = [signature(t or "") for t in [*texts, *background]]
        has = np.array([sum(w.values()) >= MIN_WORDS for w, _ in sigs[:len(texts)]], dtype=bool)
        return cls(_tfidf([w for w, _ in sigs], len(texts)), _tfidf([n for _, n in sigs], len(texts)), has)

    def subset(self, rows: list[int]) -> TextMatrix:
        """The same rows (and the same IDF) for a part of the articles."""
        return TextMatrix(self.words[rows], self.names[rows], self.has_text[rows])


class Scorer:
    """P(same story) for pairs of rows of `vectors` (articles), from a PairModel."""

    def __init__(self, model: PairModel, vectors: np.ndarray, text: TextMatrix):
        self.model, self.vectors, self.text = model, vectors, text

    def subset(self, rows: list[int]) -> Scorer:
        return Scorer(self.model, self.vectors[rows], self.text.subset(rows))

    def _combine(self, cos: np.ndarray, words: np.ndarray, names: np.ndarray, both: np.ndarray) -> np.ndarray:
        with_text = self.model.text.proba(np.stack([cos, words, names], axis=-1))
        return np.where(both, with_text, self.model.vector.proba(cos[..., None]))

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Probabilities of the pairs (i[k], j[k])."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        if not len(i):
            return np.zeros(0)
        cos = np.einsum("ij,ij->i", self.vectors[i], self.vectors[j]).astype(np.float64)
        words = np.asarray(self.text.words[i].multiply(self.text.words[j]).sum(axis=1)).ravel()
        names = np.asarray(self.text.names[i].multiply(self.text.names[j]).sum(axis=1)).ravel()
        return self._combine(cos, words, names, self.text.has_text[i] & self.text.has_text[j])

    def block(self, rows: list[int]) -> np.ndarray:
        """The square matrix of probabilities among `rows` (one component: all its pairs)."""
        sub = self.vectors[rows]
        w, n = self.text.words[rows], self.text.names[rows]
        has = self.text.has_text[rows]
        return self._combine((sub @ sub.T).astype(np.float64), (w @ w.T).toarray(), (n @ n.T).toarray(),
                             has[:, None] & has[None, :])


def scorer(name: str, vectors: np.ndarray, texts: list[str | None], background: list[str] = ()) -> Scorer:
    """The scorer of pair model `name` over articles (rows of `vectors`, their texts in order);
    `background` texts only count in the IDF."""
    if len(texts) != len(vectors):
        raise StoryModelError(f"{len(texts)} texts for {len(vectors)} article vectors")
    return Scorer(load(name), vectors, TextMatrix.build(texts, background))
