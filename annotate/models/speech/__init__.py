"""Reported speech, learned: a CRF tagger of source / cue / content (PolNeAR) and its resolver.

`find_attributions(text, lang)` returns `Attribution`s with code-point offsets into `text`;
see MODEL_CARD.md for the data, the figures and the limits.
"""
from annotate.models.speech.choice import find_attributions, find_many, get_model
from annotate.models.speech.decode import Attribution, Span
from annotate.models.speech.model import SpeechModel

__all__ = ["Attribution", "Span", "SpeechModel", "find_attributions", "find_many", "get_model"]
