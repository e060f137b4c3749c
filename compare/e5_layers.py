"""multilingual-e5-small's hidden states, truncated and adapted, for models trained on top of it.

`compare.embed`'s "e5" encoder gives one sentence vector from the last layer. A learned model may
instead read the mean-pooled states of an earlier layer (layer 8 of 12 suits editorial framing
better and costs two thirds of the time) after small trained weight changes (LoRA deltas) are added
to the encoder's own weights. This module builds such an encoder from the offline e5 folder
(`compare.embed.ensure_e5`): torch and transformers are imported only when one is built.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from compare.embed import E5_MODEL_ID, EncoderError, ensure_e5

PREFIX = "query: "  # e5's prompt for symmetric tasks (as compare.embed's e5 encoder uses)


@dataclass(frozen=True)
class LayerSpec:
    """How to run the encoder: how many transformer blocks to keep and the longest input."""
    layers: int = 8
    max_length: int = 128
    batch: int = 64
    threads: int | None = None  # None: torch's default


class AdaptedE5:
    """e5-small cut to `spec.layers` blocks, with weight deltas merged in; `pooled(texts)` gives
    the mean of the last kept block's token states (padding masked), float32 (n, 384)."""

    model_id = E5_MODEL_ID

    def __init__(self, deltas: dict[str, np.ndarray], spec: LayerSpec = LayerSpec()) -> None:
        self.spec = spec
        self._lock = threading.Lock()
        self._tok, self._bert = _build(deltas, spec)

    def pooled(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled states of the last kept layer for each text (in the given order)."""
        import torch

        out = np.zeros((len(texts), self._bert.config.hidden_size), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths: less padding
        with self._lock, torch.inference_mode():
            threads = torch.get_num_threads()
            if self.spec.threads:
                torch.set_num_threads(self.spec.threads)
            try:
                for i in range(0, len(order), self.spec.batch):
                    ix = order[i:i + self.spec.batch]
                    out[ix] = self._batch([texts[j] for j in ix])
            finally:
                torch.set_num_threads(threads)
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        batch = self._tok([PREFIX + t for t in texts], padding=True, truncation=True,
                          max_length=self.spec.max_length, return_tensors="pt")
        h = self._bert(**batch).last_hidden_state
        m = batch["attention_mask"].unsqueeze(-1).to(h.dtype)
        return ((h * m).sum(1) / m.sum(1).clamp(min=1.0)).numpy()


def _build(deltas: dict[str, np.ndarray], spec: LayerSpec):
    """Tokenizer and truncated BertModel with `deltas` ({parameter name: array}) added."""
    return load_e5(spec.layers, deltas)


def load_e5(layers: int, deltas: dict[str, np.ndarray] | None = None):
    """The offline e5 folder's tokenizer and BertModel cut to its first `layers` blocks (deeper
    ones are never read), with `deltas` ({parameter name: array}) added to its weights, in eval
    mode. Every e5-based model loads through here (framing sentence, loaded words, speech)."""
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise EncoderError(f"the e5 layers need torch and transformers: {exc}") from None
    folder = str(ensure_e5())
    hf_logging.set_verbosity_error()  # the folder's unused pooler weights are expected, not news
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a "Loading weights" bar on every load is noise
    try:
        tok = AutoTokenizer.from_pretrained(folder)
        bert = AutoModel.from_pretrained(folder, add_pooling_layer=False)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    bert.encoder.layer = bert.encoder.layer[:layers]
    params = dict(bert.named_parameters())
    unknown = sorted(set(deltas or {}) - set(params))
    if unknown:
        raise EncoderError(f"weight deltas for parameters e5 does not have: {unknown[:3]}")
    with torch.no_grad():
        for name, delta in (deltas or {}).items():
            if tuple(delta.shape) != tuple(params[name].shape):
                raise EncoderError(f"delta {name}: shape {delta.shape}, parameter {tuple(params[name].shape)}")
            params[name] += torch.from_numpy(np.asarray(delta, dtype=np.float32))
    bert.eval()
    return tok, bert
