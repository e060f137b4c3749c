"""Checks shared by the framing model tests: weight files that load without pickle, and the
hand-written French cases scored the same way for every loaded-word tagger."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from tests.conftest import ROOT

FR_CASES = json.loads((ROOT / "tests" / "data" / "framing_fr_cases.json").read_text(encoding="utf-8"))["cases"]


def assert_plain_npz(path: Path, max_bytes: int = 5_000_000) -> None:
    """A small .npz of plain arrays: np.load without pickle reads it, and it holds only .npy members."""
    assert path.stat().st_size < max_bytes
    with np.load(path, allow_pickle=False) as z:  # raises if any array needed pickle
        assert all(z[k].dtype != object for k in z.files)
    with zipfile.ZipFile(path) as zf:
        assert all(n.endswith(".npy") for n in zf.namelist())


def french_case_scores(found: list) -> tuple[float, float, list[set[str]]]:
    """(recall, precision, predicted words per case) of tagged spans against FR_CASES' loaded words."""
    pred = [{s.text.lower() for s in f} for f in found]
    gold = [{w.lower() for w in c["loaded"]} for c in FR_CASES]
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    return tp / sum(map(len, gold)), tp / max(sum(map(len, pred)), 1), pred
