"""The one bridge to the rule modules of `annotate` (read-only): word lists shared with the rules.

Everything this package takes from the existing rule code passes through here, so when those
modules move only this file changes.
"""
from __future__ import annotations

from annotate.rules.lexicon import EN_CUES, FR_AUX, FR_CUES, FR_PARTICIPLES  # noqa: F401
