"""Learned match decision for passage alignment (see MODEL_CARD.md in this folder)."""
from compare.match.decide import (  # noqa: F401
    best_all,
    best_either,
    candidate_cells,
    combine,
    condensed,
    decide_pairs,
    family,
    match_mask,
    mutual_all,
    mutual_either,
    second_encoder_name,
    sims_by_family,
)
from compare.match.features import FEATURES, match_text, pair_features  # noqa: F401
from compare.match.model import MatchModel, MatchModelError, load_model, read_model  # noqa: F401
from compare.match.restate import negated_stems, restates  # noqa: F401
