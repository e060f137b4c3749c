"""Rule features of a passage for the classifier: what the rules saw, as numbers.

The classifier concatenates these with the passage's sentence embedding; the rule features carry
the weak supervision (so a model trained on rule labels reproduces them) while the embedding lets
human labels move decisions the rules cannot express.
"""
from __future__ import annotations

import math
import re

import numpy as np

from annotate.rules import detect as rules
from annotate.rules.spans import LABELS, Span

NAMES = (
    "quote_cov", "quote_n", "quote_speaker", "quote_reported", "framing_cov", "loaded_n",
    "loaded_rate", "question", "exclamation", "aside", "sourced", "digits_rate", "log_words",
    "p_sourced_fact", "p_quotation", "p_editorial_framing",
)


def rule_features(text: str, spans: list[Span]) -> np.ndarray:
    """A fixed-length float32 vector (see NAMES) for one passage and its rule spans."""
    qs = [s for s in spans if s.label == "quotation"]
    fr = [s for s in spans if s.label == "editorial_framing"]
    n_words = max(1, len(re.findall(r"\w+", text)))
    loaded = sum(s.kind == "loaded" for s in fr)
    scores = rules.rule_scores(text, spans)
    values = [
        rules.coverage(text, qs), min(len(qs), 5) / 5, float(any(s.speaker for s in qs)),
        float(any(s.kind == "reported" for s in qs)),
        rules.coverage(text, [s for s in fr if s.kind not in ("loaded", "insertion")]),
        min(loaded, 5) / 5, loaded / n_words, float(any(s.kind == "question" for s in fr)),
        float(any(s.kind == "exclamation" for s in fr)), float(any(s.kind == "aside" for s in fr)),
        float(any(s.label == "sourced_fact" for s in spans)),
        sum(map(str.isdigit, text)) / max(1, len(text)), math.log1p(n_words) / 6,
        *(scores[label] for label in LABELS),
    ]
    return np.asarray(values, dtype=np.float32)
