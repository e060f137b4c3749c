"""Which speech model runs: the PRESSLENS_SPEECH_MODEL setting, the loaded model per process,
and the entry points that use it (find_attributions, find_many)."""
from __future__ import annotations

import functools

from annotate.models import choices
from annotate.models.speech.decode import Attribution
from annotate.models.speech.model import SpeechModel

# The named choices of PRESSLENS_SPEECH_MODEL: "crf" (default, fast) and "crf-e5" (the CRF also
# reading multilingual-e5-small word vectors: more CPU, see MODEL_CARD.md and e5.py).
CHOICES = choices.KINDS["speech"].names
SETTING = choices.KINDS["speech"].setting


def model_choice() -> str:
    """The speech model named by PRESSLENS_SPEECH_MODEL (default "crf"); `Invalid` (a ValueError)
    on any other name."""
    return choices.choose("speech")


def get_model() -> SpeechModel:
    """The chosen model (model_choice()), loaded once per process."""
    return _load(model_choice())


@functools.lru_cache(maxsize=2)
def _load(name: str) -> SpeechModel:
    if name == "crf-e5":
        from annotate.models.speech.e5 import E5SpeechModel

        return E5SpeechModel()
    return SpeechModel()


def _init_worker() -> None:
    get_model()


def _find_one(args: tuple[str, str]) -> list[Attribution]:
    return get_model().find(*args)


def find_many(texts: list[str], lang: str = "en", workers: int = 1) -> list[list[Attribution]]:
    """`find_attributions` over many passages; `workers` > 1 spreads them over processes (each
    loads the model once, about 0.2 s), for batch suggestion jobs."""
    if workers <= 1 or len(texts) < 64:
        return [get_model().find(t, lang) for t in texts]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
        return list(pool.map(_find_one, [(t, lang) for t in texts], chunksize=64))


def find_attributions(text: str, lang: str = "en") -> list[Attribution]:
    """Reported speech in `text` (direct and indirect): content, cue, source; see decode.Attribution."""
    return get_model().find(text, lang)
