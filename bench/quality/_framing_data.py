"""Dev data for the framing models: loaders, the fixed BABE split, cached sentence vectors.

Everything here reads ../shared/data (never shipped) and caches encoded vectors under
/tmp/presslens-cache/framing/ so training and evaluation encode each sentence once per encoder.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
CHECKTHAT = DATA / "checkthat2025_subjectivity"
BABE = DATA / "babe" / "babe_sg2.jsonl"
CACHE = Path("/tmp/presslens-cache/framing")

# BABE has no official split: 20% of sentences, chosen by a salted hash of the id, are held out
# for reporting (fixed before any tuning, as ../shared/data/babe/PROVENANCE.txt asks).
BABE_SALT = "presslens-babe-2026"
BABE_TEST_PERCENT = 20
LANGS = ("en", "de", "it")


def checkthat(split: str, lang: str) -> list[dict]:
    """Rows {id, lang, split, text, label} of one CheckThat file, e.g. ("dev_test", "en")."""
    path = CHECKTHAT / f"{split}_{lang}.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def babe_part(row_id: str) -> str:
    """'test' for the held-out fifth of BABE, else 'train' (stable across runs and machines)."""
    h = int(hashlib.sha256(f"{BABE_SALT}:{row_id}".encode()).hexdigest()[:8], 16)
    return "test" if h % 100 < BABE_TEST_PERCENT else "train"


def babe(part: str) -> list[dict]:
    """BABE rows of one part ('train' or 'test')."""
    rows = [json.loads(line) for line in BABE.open(encoding="utf-8")]
    return [r for r in rows if babe_part(r["id"]) == part]


def vectors(encoder_name: str, texts: list[str]) -> np.ndarray:
    """Sentence vectors of `texts` from `encoder_name`, cached on disk by model and text list."""
    from compare.embed import get_encoder

    key = hashlib.sha256(("\n".join(texts) + "\0" + encoder_name).encode()).hexdigest()[:20]
    path = CACHE / f"{encoder_name}-{key}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    vecs = np.asarray(get_encoder(encoder_name).encode(list(texts)), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs, allow_pickle=False)
    return vecs


def sentence_feature_matrix(rows: list[dict], lang: str, voice: bool = False) -> np.ndarray:
    """features.sentence_features for each row, cached on disk (the rules take a few ms each)."""
    from annotate.models.framing import features

    texts = [r["text"] for r in rows]
    names = features.SENTENCE_FEATURES + (features.VOICE_FEATURES if voice else ())
    key = hashlib.sha256(("\n".join(texts) + "\0" + lang + "\0" + ",".join(names)).encode())
    path = CACHE / f"feats-{key.hexdigest()[:20]}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    out = np.stack([features.sentence_features(t, lang, voice=voice) for t in texts])
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, out, allow_pickle=False)
    return out
