"""Learned match decision for passage alignment (see MODEL_CARD.md in this folder)."""
from compare.match.decide import (best_either, candidate_cells, combine, family, match_mask,  # noqa: F401
                                  mutual_either, second_encoder_name, sims_by_family)
from compare.match.features import FEATURES, match_text, pair_features  # noqa: F401
from compare.match.model import MatchModel, MatchModelError, load_model, read_model  # noqa: F401
