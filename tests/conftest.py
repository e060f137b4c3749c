"""Shared fixtures: real SQLite files in temp dirs, never mocks (STYLE.md)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from corpus import db as dbmod
import web  # noqa: F401  (installs the accounts directory annotate names users through)

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "corpus" / "demo"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "presslens.db"


@pytest.fixture
def db(db_path: Path):
    """A real, migrated SQLite database file in a temp dir."""
    database = dbmod.connect(db_path)
    yield database
    database.conn.close()


class FakeEncoder:
    """Deterministic bag-of-character-trigrams encoder: fast, no model, same protocol.

    Similar strings get similar vectors, which is enough for unit tests of alignment logic;
    tests of real behaviour use the session-scoped real encoder instead.
    """

    model_id = "fake-trigram-256"
    dim = 256

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            norm = " " + re.sub(r"\s+", " ", text.lower()) + " "
            for j in range(len(norm) - 2):
                h = int.from_bytes(hashlib.blake2b(norm[j:j + 3].encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


# Property tests must not depend on the machine's speed: no per-example deadline anywhere.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("presslens", deadline=None)
_hypothesis_settings.load_profile("presslens")
