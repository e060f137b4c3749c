"""Sourced facts: the outlet's factual statements, with their sourcing cue when there is one.

A sentence in the outlet's voice (no quotation, no framing) is a fact; it is *sourced* when the
outlet names where it comes from: "d'après des documents internes", "selon le rapport",
"according to court filings", or a document as subject of a showing verb ("le rapport 2023 …
montre que"). Only sourced sentences become spans; the passage label covers the rest.
"""
from __future__ import annotations

import re

from annotate.rules import lexicon, quotes, sentences
from annotate.rules import params as P
from annotate.rules.spans import Ref, Span, make_span, ref

DOC_SUBJECT = {
    "fr": re.compile(
        r"\b(?:le|la|les|un|une|ce|cette|l[’'])\s*(?:rapport|document|courriel|étude|enquête|note|bilan|"
        r"chiffres|données|manuel|audit|jugement|décision|arrêt)s?\b[^.;:«»]{0,80}?\b"
        r"(?:montre|montrent|révèle|révèlent|indique|indiquent|établit|confirme|atteste|détaille|prouve)\b", re.I),
    "en": re.compile(
        r"\b(?:the|a|an|this)\s+(?:report|document|filing|study|survey|poll|data|figures|records?|memo|audit|"
        r"analysis|ruling)s?\b[^.;:“”\"]{0,80}?\b(?:shows?|showed|reveals?|revealed|indicates?|indicated|"
        r"finds|found|confirms?|confirmed)\b", re.I),
}
DOC_SOURCE = {"fr": lexicon.FR_DOC_SOURCE, "en": lexicon.EN_DOC_SOURCE}


def find_facts(text: str, lang: str = "fr", taken: list[Span] | None = None) -> list[Span]:
    """Sourced-fact sentences of `text` with their cue; sentences overlapping `taken` (quotations,
    framing sentences) are skipped."""
    taken = taken if taken is not None else quotes.find_quotes(text, lang)
    blocked = [(s.start, s.end) for s in taken if s.label == "quotation" or s.kind != "loaded"]
    out = []
    for s0, s1 in sentences.split(text, protected=quotes.quote_marks(text)):
        if any(s0 < e and s < s1 for s, e in blocked):
            continue
        cue = source_cue(text, s0, s1, lang)
        if cue is not None:
            out.append(make_span(text, s0, s1, "sourced_fact", kind="sourced", prob=P.SOURCED_FACT, cue=cue))
    return out


def source_cue(text: str, s0: int, s1: int, lang: str) -> Ref | None:
    """The sourcing phrase of sentence text[s0:s1] ("D'après des documents internes …")."""
    for pattern in (DOC_SOURCE[lang], DOC_SUBJECT[lang]):
        m = pattern.search(text, s0, s1)
        if m:
            return ref(text, m.start(), m.end())
    return None
