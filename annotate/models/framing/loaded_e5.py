"""Loaded-word tagger reading each word in context with e5 (opt-in: PRESSLENS_LOADED_MODEL=e5).

The USE tagger (loaded.py) scores a word from its own vector, a word x sentence product and
English word counts; it cannot see *how* a word is used in its sentence. This model adds the
frozen hidden states of multilingual-e5-small for each word (its subword states averaged, at one
middle layer; the e5 folder comes from `compare.embed.ensure_e5()`, only the layers up to that one
run) and a logistic regression over them (*head*); a second one (*stack*) reads the USE tagger's
token features plus the head's logits. It runs as a cascade behind the USE tagger: passages
below the USE sentence gate get no tags and no e5 pass. Other languages read the blanked stack
(the USE tagger's English-only evidence blanked, as loaded.token_matrix does), so French rests on
e5's and USE's multilingual spaces. Weights: weights/loaded_e5.npz (allow_pickle=False), fitted
by bench/quality/train_loaded_e5.py on BABE's train part. Words inside quotations stay unreported.
"""
from __future__ import annotations

import numpy as np

from annotate.models.framing import loaded, weights
from annotate.models.framing.loaded import LoadedSpan, WordVectors

MODEL_FILE = "loaded_e5.npz"
HEAD_FEATURES = ("e5", "e5_previous", "e5_next", "e5_below_top")
NAMES = ("use", "e5")  # the loaded-word models a caller may choose (PRESSLENS_LOADED_MODEL)


def word_states(layers: tuple[int, ...]):
    """The process's e5 word-state reader for `layers` (loading it costs seconds: once)."""
    from compare.encoders import e5_tokens

    return e5_tokens.word_states(layers)


def head_features(head: np.ndarray) -> np.ndarray:
    """HEAD_FEATURES per token from the head's logits of one sentence's tokens."""
    head = np.asarray(head, dtype=np.float32)
    floor = np.float32(-6.0)  # "no neighbour", as loaded.token_matrix does
    prev = np.concatenate([[floor], head[:-1]])
    nxt = np.concatenate([head[1:], [floor]])
    return np.column_stack([head, prev, nxt, head.max() - head])


def token_probs(texts: list[str], lang: str | None, vectors: np.ndarray | None = None,
                words: WordVectors | None = None, states=None, shortcuts: bool = True) -> list[np.ndarray]:
    """Probability that each token of each text is loaded (arrays aligned with loaded.tokens).

    `vectors`: the texts' USE vectors (None: encoded here); `states`: an e5 word-state reader
    (None: the process's own, built from the e5 folder on first use). `shortcuts=False` runs e5
    on every sentence (no USE gate, no cascade floor: for benchmarks).
    """
    model = weights.load(MODEL_FILE)
    rows = loaded.token_rows(texts, lang, vectors, words, shortcuts)
    # Cascade: e5 reads only sentences where the USE tagger sees some candidate word (its top
    # probability at least the stored floor, chosen on the tuning fifth like the gate).
    use = weights.load(loaded.MODEL_FILE)[loaded.token_part(lang)]
    floor = model.meta[_blank("cascade_floor", lang)] if shortcuts else 0.0
    live = [i for i, x in enumerate(rows) if x is not None and use.predict(x).max() >= floor]
    out = [np.zeros(len(loaded.tokens(t))) for t in texts]
    if not live:
        return out
    states = states or word_states(tuple(model.meta["layers"]))
    found = states([texts[i] for i in live], [[(t.start, t.end) for t in loaded.tokens(texts[i])] for i in live])
    part = _blank("stack", lang)
    for i, x in zip(live, found):
        out[i] = model[part].predict(np.column_stack([rows[i], head_features(model["head"].logit(x))]))
    return out


def _blank(name: str, lang: str | None) -> str:
    """`name` for English, its blanked variant (English-only evidence blanked) for other languages."""
    return name if loaded.is_english(lang) else f"{name}_blank"


def batch_loaded_spans(texts: list[str], lang: str | None, quote_spans: list | None = None,
                       vectors: np.ndarray | None = None, threshold: float | None = None,
                       words: WordVectors | None = None, states=None,
                       shortcuts: bool = True) -> list[list[LoadedSpan]]:
    """Loaded words of each text outside its quotation spans (None: found by quote marks), as
    loaded.batch_loaded_spans gives them; `threshold` defaults to the stored one."""
    part = _blank("stack", lang)
    cut = weights.load(MODEL_FILE)[part].threshold if threshold is None else threshold
    return loaded.spans_from_probs(texts, token_probs(texts, lang, vectors, words, states, shortcuts), cut,
                                    quote_spans)
