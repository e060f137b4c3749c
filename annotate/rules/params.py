"""Every confidence and weight of the rule detectors, in one place, with where it came from.

Provenance, for all values below unless a line says otherwise: hand-set by the rules' author
when the rules were written (commit 975be81), by reading the rules' output on the demo
articles (corpus/demo) and the tuning splits named in lexicon.py (PolNeAR and CheckThat dev);
none was fitted numerically, and none was checked on a reporting split before being set.
A span's confidence orders suggestions and seeds the classifier's weak labels; the passage
weights decide the rules' own passage label (the fallback when no classifier is stored).
"""
from __future__ import annotations

# --- Span confidences (`Span.prob`) ----------------------------------------------------------
SPAN_DEFAULT = 0.8               # a span whose rule sets none
QUOTE_ATTRIBUTED = 0.95          # quotation marks with a reporting verb or a speaker next to them
QUOTE_LONG_UNATTRIBUTED = 0.75   # nobody named, but more than QUOTE_LONG_WORDS words inside
QUOTE_SHORT_UNATTRIBUTED = 0.6   # nobody named, a short quotation (often a scare quote)
QUOTE_LONG_WORDS = 6
DIALOGUE = 0.85                  # speech opened by a dash (annotate.rules.dialogue)
PULL_QUOTE = 0.9                 # « … » ; Speaker Name at the end of a line
REPORTED = 0.7                   # indirect speech: less certain than marked quotes
SOURCED_FACT = 0.8               # outlet-voice sentence with a sourcing cue
FRAMING_ASIDE = 0.85             # (bracketed aside) in the outlet's own voice
FRAMING_INSERTION = 0.5          # [bracketed words] inside a quote: the outlet's insertion
FRAMING_QUESTION = 0.8           # rhetorical question
FRAMING_EXCLAMATION = 0.8
FRAMING_CONCLUSION = 0.8         # "En somme, …": a conclusion the outlet draws
FRAMING_FIRST_PERSON = 0.7       # first-person commentary sentence (French)
FRAMING_COMMENT = 0.6            # French nominal comment sentence ("Une installation massive qui …")
FRAMING_LOADED = 0.6             # loaded or intensified wording (lexicon.LOADED)
FRAMING_FIRST_PERSON_WORDS = 0.6  # first-person words inside a longer sentence

# --- Speakers (annotate.rules.speakers) ------------------------------------------------------
SPEAKER_MAX_WORDS = 12           # a speaker phrase stops after this many words
CUE_MAX_GAP_WORDS = 3            # words allowed between a quote and its reporting verb

# --- Passage label from the rules (annotate.rules.detect.raw_scores, then a softmax) ---------
FACT_BASE = 1.2                  # outlet voice is the default reading of a news passage
FACT_SOURCED = 0.8               # ... more so with a sourcing cue
FACT_DIGITS = 0.3                # ... and with figures in it
QUOTE_COVERAGE = 4.0             # times the share of characters inside quotations
QUOTE_SPEAKER = 0.5              # a named speaker
FRAMING_COVERAGE = 4.0           # times the share of characters in framing sentences
FRAMING_LOADED_EACH = 0.6        # per loaded word, up to FRAMING_LOADED_MAX of them
FRAMING_LOADED_MAX = 3
FRAMING_LOADED_COVERAGE = 3.0    # times the share of characters in loaded words
TEMPERATURE = 1.0                # softmax temperature of rule_scores
