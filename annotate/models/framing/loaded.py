"""Loaded-language tagger: which words of a sentence carry the outlet's own evaluation.

Two stages, both tiny. (1) A word-type model scores each distinct word from the multilingual USE
vector of the word alone: is this word loaded, whatever its context? (2) A token model (logistic
regression) combines the word's score with its neighbours' scores, a sentence-level score from
the sentence's USE vector ("does this sentence carry loaded words?"), word shape, the framing
rules' lexicon hit and, for words seen in training, how often annotators marked them (unseen
words, French ones included, get the prior and lean on the multilingual score). Trained on
BABE's expert-marked biased words (English US news); French carries over because USE places a
French word near its English counterpart, not through a word list. Word vectors are cached per
word type, so a corpus costs one encoder call per distinct word.
Words inside quotation spans are the speaker's, never the outlet's: they are not reported.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from annotate.models.framing import features, weights

WordEncoder = Callable[[list[str]], np.ndarray]
TOKEN_FEATURES = ("word", "previous_word", "next_word", "sentence", "title", "upper", "hyphen", "long",
                  "first", "lexicon", "known_rate", "known")
MODEL_FILE = "loaded.npz"
MAX_CACHED_WORDS = 200_000
# Probabilities of the exact bracket rule, as annotate.framing gives them (an aside is sure; an
# insertion inside a quote is flagged for review at lower confidence).
ASIDE_PROB, INSERTION_PROB = 0.85, 0.5


@dataclass(frozen=True)
class LoadedSpan:
    """One framing span: code-point offsets into the text given, so text[start:end] == text.
    `kind`: "loaded" (the model), "aside" (square brackets outside quotes: exact rule) or
    "insertion" (square brackets inside a quote: the outlet's words put into someone's mouth)."""
    start: int
    end: int
    text: str
    prob: float
    kind: str = "loaded"


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokens(text: str) -> list[Token]:
    """Words of `text` (letters/digits joined by inner hyphens or apostrophes) with offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in features.WORD.finditer(text)]


class WordVectors:
    """USE vectors of single words, cached per lowercased word type for the process."""

    def __init__(self, encode: WordEncoder | None = None) -> None:
        self._encode = encode
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, words: Iterable[str]) -> dict[str, np.ndarray]:
        words = {w.lower() for w in words}
        with self._lock:
            missing = sorted(w for w in words if w not in self._cache)
            if len(self._cache) + len(missing) > MAX_CACHED_WORDS:
                self._cache.clear()  # bounded memory: 200k types x 2 KiB = 400 MiB at most
            if missing:
                vecs = np.asarray(self._encoder()(missing), dtype=np.float32)
                self._cache.update(zip(missing, vecs))
            return {w: self._cache[w] for w in words}

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Vectors of whole texts from the same encoder (not cached: pass cached ones instead)."""
        return np.asarray(self._encoder()(list(texts)), dtype=np.float32)

    def _encoder(self) -> WordEncoder:
        if self._encode is None:
            from compare.embed import get_encoder

            self._encode = get_encoder("use").encode
        return self._encode


_DEFAULT_WORDS = WordVectors()


def type_logits(model: weights.ModelFile, vecs: dict[str, np.ndarray]) -> dict[str, float]:
    """Stage 1: context-free loadedness (a logit) of each word type."""
    if not vecs:
        return {}
    words = list(vecs)
    return dict(zip(words, model["type"].logit(np.stack([vecs[w] for w in words])).tolist()))


class KnownWords:
    """How often each word seen in training was marked loaded: a smoothed log rate.

    Words never seen (every French word, most rare English ones) get the prior and `known` = 0,
    so the token model falls back on the multilingual word score for them.
    """

    def __init__(self, counts: dict[str, tuple[int, int]], prior: float, smoothing: float) -> None:
        self.counts, self.prior, self.smoothing = counts, prior, smoothing

    @classmethod
    def from_model(cls, model: weights.ModelFile) -> "KnownWords":
        t = model.tables
        counts = dict(zip(t["vocab"].tolist(), zip(t["pos"].tolist(), t["neg"].tolist())))
        return cls(counts, model.meta["known_prior"], model.meta["known_smoothing"])

    def __call__(self, word: str) -> tuple[float, float]:
        pos, neg = self.counts.get(word.lower(), (0, 0))
        if pos + neg == 0:
            return float(np.log(self.prior)), 0.0
        return float(np.log((pos + self.smoothing * self.prior) / (pos + neg + self.smoothing))), 1.0


def token_matrix(text: str, toks: list[Token], lang: str | None, logits: dict[str, float],
                 sentence_logit: float, known: KnownWords) -> np.ndarray:
    """Stage-2 input, one row per token (TOKEN_FEATURES order)."""
    own = np.array([logits[t.text.lower()] for t in toks], dtype=np.float32)
    floor = np.float32(-6.0)  # "no neighbour": as unloaded as a word gets
    prev = np.concatenate([[floor], own[:-1]])
    nxt = np.concatenate([own[1:], [floor]])
    lexicon = _lexicon_hits(text, toks, lang)
    shape = np.array([[t.text[:1].isupper() and i > 0, t.text.isupper() and len(t.text) > 1, "-" in t.text,
                       len(t.text) >= 7, i == 0, hit] for i, (t, hit) in enumerate(zip(toks, lexicon))],
                     dtype=np.float32)
    sent = np.full((len(toks), 1), sentence_logit, dtype=np.float32)
    seen = np.array([known(t.text) for t in toks], dtype=np.float32)
    return np.hstack([own[:, None], prev[:, None], nxt[:, None], sent, shape, seen])


def _lexicon_hits(text: str, toks: list[Token], lang: str | None) -> list[bool]:
    rl = features.rule_lang(lang)
    if rl is None:
        return [False] * len(toks)
    hits = [(m.start(), m.end()) for m in features.loaded_matches(text, rl)]
    return [any(s < t.end and t.start < e for s, e in hits) for t in toks]


_KNOWN: dict[int, KnownWords] = {}


def _known(model: weights.ModelFile) -> KnownWords:
    if id(model) not in _KNOWN:
        _KNOWN[id(model)] = KnownWords.from_model(model)
    return _KNOWN[id(model)]


def token_probs(texts: list[str], lang: str | None, vectors: np.ndarray | None = None,
                words: WordVectors | None = None) -> list[np.ndarray]:
    """Probability that each token of each text is loaded (arrays aligned with `tokens(text)`).

    `vectors`: the texts' USE vectors (from the vector cache); None encodes the texts here.
    """
    model = weights.load(MODEL_FILE)
    words = words or _DEFAULT_WORDS
    toks = [tokens(t) for t in texts]
    logits = type_logits(model, words(t.text for ts in toks for t in ts))
    if vectors is None:
        vectors = words.encode_texts(texts) if texts else np.zeros((0, model.meta["dim"]), dtype=np.float32)
    sent = model["sentence"].logit(vectors) if len(texts) else np.zeros(0)
    known = _known(model)
    return [model["token"].predict(token_matrix(text, ts, lang, logits, float(sl), known)) if ts else np.zeros(0)
            for text, ts, sl in zip(texts, toks, sent)]


def loaded_spans(text: str, lang: str | None, quote_spans: list[tuple[int, int]] | None = None,
                 vector: np.ndarray | None = None, threshold: float | None = None,
                 words: WordVectors | None = None) -> list[LoadedSpan]:
    """Loaded words of `text` outside `quote_spans` ((start, end) pairs; None: found by quote marks).

    `vector`: the text's USE vector if the caller has it (vector cache), else it is encoded here.
    `threshold` defaults to the one stored with the weights (chosen on BABE's training part).
    """
    return batch_loaded_spans([text], lang, [quote_spans], None if vector is None else vector[None, :],
                              threshold, words)[0]


def batch_loaded_spans(texts: list[str], lang: str | None, quote_spans: list | None = None,
                       vectors: np.ndarray | None = None, threshold: float | None = None,
                       words: WordVectors | None = None) -> list[list[LoadedSpan]]:
    """`loaded_spans` for many texts at once (one word-vector lookup for the whole batch)."""
    cut = weights.load(MODEL_FILE)["token"].threshold if threshold is None else threshold
    quote_spans = quote_spans or [None] * len(texts)
    out = []
    for text, qs, probs in zip(texts, quote_spans, token_probs(texts, lang, vectors, words)):
        qs = features.quote_ranges(text) if qs is None else list(qs)
        out.append([LoadedSpan(t.start, t.end, t.text, round(float(p), 4)) for t, p in zip(tokens(text), probs)
                    if p >= cut and not any(s < t.end and t.start < e for s, e in qs)])
    return out


def framing_spans(text: str, lang: str | None, quote_spans: list[tuple[int, int]] | None = None,
                  vector: np.ndarray | None = None, threshold: float | None = None,
                  words: WordVectors | None = None) -> list[LoadedSpan]:
    """Loaded words from the model plus square-bracket spans from the exact rule, sorted by start.

    Brackets outside quotes are asides; inside a quote they are the outlet's insertions. A loaded
    word inside a bracket span is dropped (the bracket span already covers it).
    """
    qs = features.quote_ranges(text) if quote_spans is None else list(quote_spans)
    brackets = []
    for s, e in features.bracket_spans(text):
        inside = any(a <= s < b for a, b in qs)
        brackets.append(LoadedSpan(s, e, text[s:e], INSERTION_PROB if inside else ASIDE_PROB,
                                   "insertion" if inside else "aside"))
    words_found = [w for w in loaded_spans(text, lang, qs, vector, threshold, words)
                   if not any(b.start <= w.start and w.end <= b.end for b in brackets)]
    return sorted(brackets + words_found, key=lambda sp: (sp.start, sp.end))
