"""All rule families over one passage, and the passage label the rules alone would give.

`detect` runs quotations, framing and sourced facts on a passage text and returns spans with
local offsets. `rule_scores` turns them into a probability per label (a softmax over hand-set
scores); it is the documented fallback when no trained classifier is stored, and its label is
the weak label the classifier starts from.
"""
from __future__ import annotations

import math

from annotate.rules import facts, framing, nlp, quotes, speakers
from annotate.rules import params as P
from annotate.rules.spans import LABELS, Span


def detect(text: str, lang: str = "fr", parse: bool = True, quote_finder=None) -> list[Span]:
    """Quotation, framing and sourced-fact spans of `text` (local offsets), in text order.

    `quote_finder(text, lang, rule_quotes) -> quotes` lets a learned model decide the quotations
    (annotate.models.speech.apply); framing and facts are then found around its quotations. In
    the languages it lists as `quote_finder.decides`, it keeps only the rules' pull quotes, so
    only those are looked for (the full rule search would be thrown away: a fifth of the rules'
    time on English news).
    """
    if quote_finder is not None and lang in getattr(quote_finder, "decides", ()):
        qs = quote_finder(text, lang, quotes.find_pull_quotes(text))
    else:
        doc = nlp.parse(text, lang) if parse and lang == "fr" and _may_quote(text) else None
        qs = quotes.find_quotes(text, lang, doc)
        if quote_finder is not None:
            qs = quote_finder(text, lang, qs)
    fr = framing.find_framing(text, lang, qs)
    fs = facts.find_facts(text, lang, qs + fr)
    return sorted(qs + fr + fs, key=lambda s: (s.start, s.end))


def _may_quote(text: str) -> bool:
    """Only passages with quotation marks or a reporting word need the (slow) parse."""
    return any(ch in text for ch in "«»“”\"—:") or speakers.find_cue(text, 0, len(text), "fr") is not None


def coverage(text: str, spans: list[Span]) -> float:
    """Share of the non-space characters of `text` covered by `spans`."""
    total = _non_space(text)
    if not total:
        return 0.0
    covered, reach = 0, 0  # merged intervals, left to right: no per-character loop
    for start, end in sorted((max(0, s.start), min(len(text), s.end)) for s in spans):
        start = max(start, reach)
        if end > start:
            covered += _non_space(text[start:end])
            reach = end
    return covered / total


def _non_space(text: str) -> int:
    return sum(map(len, text.split()))  # str.split() splits on exactly what str.isspace() calls space


def raw_scores(text: str, spans: list[Span]) -> dict[str, float]:
    """Unnormalised evidence per label (see module docstring)."""
    qs = [s for s in spans if s.label == "quotation"]
    fr = [s for s in spans if s.label == "editorial_framing" and s.kind != "insertion"]
    whole = [s for s in fr if s.kind != "loaded"]
    loaded = [s for s in fr if s.kind == "loaded"]
    sourced = any(s.label == "sourced_fact" for s in spans)
    return {
        "sourced_fact": P.FACT_BASE + P.FACT_SOURCED * sourced + P.FACT_DIGITS * any(map(str.isdigit, text)),
        "quotation": P.QUOTE_COVERAGE * coverage(text, qs) + P.QUOTE_SPEAKER * any(s.speaker for s in qs),
        "editorial_framing": (P.FRAMING_COVERAGE * coverage(text, whole)
                              + P.FRAMING_LOADED_EACH * min(len(loaded), P.FRAMING_LOADED_MAX)
                              + P.FRAMING_LOADED_COVERAGE * coverage(text, loaded)),
    }


def rule_scores(text: str, spans: list[Span]) -> dict[str, float]:
    """Probability per label from the rules alone (softmax of `raw_scores`); sums to 1."""
    raw = raw_scores(text, spans)
    top = max(raw.values())
    exp = {k: math.exp((v - top) / P.TEMPERATURE) for k, v in raw.items()}
    total = sum(exp.values())
    return {label: exp[label] / total for label in LABELS}


def best(scores: dict[str, float]) -> tuple[str, float]:
    """The label with the highest probability, and that probability."""
    label = max(scores, key=scores.get)
    return label, scores[label]
