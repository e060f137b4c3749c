"""Any sentence-transformers model (hub name or local folder), including presslens's e5 folder.

This module and e5_tokens.py (e5 word states for the loaded-word tagger) are the only ones that
import torch (and only this one sentence_transformers), and only when an encoder of this kind is
created, so importing `compare.embed` stays cheap for the web app and most tests.
"""
from __future__ import annotations

import logging
import os

import numpy as np

from compare.encoders.base import BatchedEncoder


class SentenceTransformerEncoder(BatchedEncoder):
    """Wraps `SentenceTransformer(name_or_path)`; `prefix` is prepended when the model has no prompt."""

    def __init__(self, name_or_path: str, model_id: str, prefix: str = "", *, allow_download: bool = False,
                 batch_size: int = 32, progress: bool = False) -> None:
        super().__init__(batch_size, progress)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # Loading a model with a default prompt (the e5 folder has "query: ") logs a warning
        # meant for people who did not expect one; presslens sets it on purpose.
        quiet = logging.getLogger("sentence_transformers.base.model")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # a "Loading weights" bar on every load is noise in a CLI
        try:
            self._model = SentenceTransformer(name_or_path, device=os.environ.get("PRESSLENS_DEVICE") or None,
                                              local_files_only=not allow_download)
        finally:
            quiet.setLevel(level)
            if bars:
                hf_logging.enable_progress_bar()
        self.model_id = model_id
        self.dim = int(self._model.get_embedding_dimension())
        self.prefix = "" if self._model.default_prompt_name else prefix

    @property
    def tokenizer(self):
        """The Hugging Face tokenizer of the model (used to check token ids)."""
        return self._model.tokenizer

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        texts = [self.prefix + t for t in texts] if self.prefix else texts
        return self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
