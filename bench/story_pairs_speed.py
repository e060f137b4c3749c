"""What the story pair model adds to one incremental update: text features for a touched set.

bench/scale_stories.py stores one-line articles (no text), so its updates take the cosine path.
This bench times the part the pair model adds when articles have text, on the touched set of one
1,000-article update there (about 3,300 articles): reading signatures and building the TF-IDF
rows (`story_pairs.TextMatrix.build`), scoring the candidate edges (k = 10 per article) and the
all-pairs blocks of the components (stories of 1-6 articles). Texts are synthetic, ~500 words
(~3,500 characters, a news article): 30 % drawn from 40 words of their story (a fifth of them
capitalised names), the rest from a Zipf-distributed vocabulary of 30,000 words. Reading the texts
from SQLite is not timed here (one query per 500 articles, corpus.store.article_texts).

Usage: python bench/story_pairs_speed.py [--articles 3300] [--words 500]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compare import story_pairs

SEED = 14


def synthetic_texts(n: int, words: int, rng) -> tuple[list[str], np.ndarray]:
    """(texts, story label per text): stories of 1-6 articles sharing 40 words each."""
    sizes = rng.integers(1, 7, size=n)
    labels = np.repeat(np.arange(len(sizes)), sizes)[:n]
    vocab = np.array([f"word{i}" for i in range(30_000)])
    common = rng.zipf(1.3, size=(n, words)) % len(vocab)
    texts = []
    for i, story in enumerate(labels):
        own = np.random.default_rng(int(story)).integers(0, 1_000_000, size=40)
        own_words = [f"Name{w}" if k % 5 == 0 else f"event{w}" for k, w in enumerate(own)]
        picks = [own_words[rng.integers(40)] if rng.random() < 0.3 else vocab[common[i, k]] for k in range(words)]
        texts.append("Headline of the story\n" + " ".join(picks) + ".")
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3300)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    texts, labels = synthetic_texts(args.articles, args.words, rng)
    vecs = rng.standard_normal((args.articles, 512)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    i = np.repeat(np.arange(args.articles), 10)
    j = rng.integers(0, args.articles, size=len(i))
    start = time.perf_counter()
    scorer = story_pairs.scorer("use", vecs, texts)
    built = time.perf_counter()
    scorer.pairs(i, j)
    scored = time.perf_counter()
    for story in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == story).tolist()
        if len(members) > 2:
            scorer.block(members)
    blocks = time.perf_counter()
    print(json.dumps({"bench": "story_pairs_speed", "articles": args.articles, "words_per_article": args.words,
                      "chars_per_article": round(float(np.mean([len(t) for t in texts]))),
                      "text_matrix_s": round(built - start, 2), "edges": len(i), "edges_s": round(scored - built, 2),
                      "blocks_s": round(blocks - scored, 2), "total_s": round(blocks - start, 2)}))


if __name__ == "__main__":
    main()
