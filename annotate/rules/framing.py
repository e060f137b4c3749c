"""Editorial framing: the outlet's own evaluative voice, at span level.

Rule families: rhetorical questions and exclamations, bracketed asides, conclusions drawn by the
outlet ("En somme, …"), first-person commentary, loaded or intensified wording, French nominal
comment sentences ("Une installation massive qui …"). Framing inside someone else's quote is the
speaker's, so nothing is reported inside a quotation span, with one documented exception: square
brackets inside a quote ("« [Cet outil] n'étant pas … »") are the outlet's insertions into the quote;
they come out as kind "insertion" with a lower probability so a reviewer can tell them apart.
"""
from __future__ import annotations

import re

from annotate.rules import lexicon as lex
from annotate.rules import params as P
from annotate.rules import quotes, sentences
from annotate.rules.spans import Span, make_span

BRACKET = re.compile(r"\[[^\[\]\n]{1,200}\]")


def find_framing(text: str, lang: str = "fr", quote_spans: list[Span] | None = None) -> list[Span]:
    """Framing spans of `text` (local offsets), none inside `quote_spans` except insertions."""
    if quote_spans is None:
        quote_spans = quotes.find_quotes(text, lang)
    qs = [(q.start, q.end) for q in quote_spans]
    found = _brackets(text, qs)
    sents = sentences.split(text, protected=quotes.quote_marks(text))
    for s0, s1 in sents:
        whole = _sentence_kind(text, s0, s1, lang)
        if whole and not _overlaps_any(s0, s1, qs):
            found.append(make_span(text, s0, s1, "editorial_framing", kind=whole[0], prob=whole[1]))
            continue
        found.extend(_loaded(text, s0, s1, lang, qs))
    return _dedupe(found)


def _overlaps_any(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


CITATION = re.compile(r"\d|:|,\s*by\b|\bsee\b|\bsic\b|https?:", re.I)


def _brackets(text: str, qs: list[tuple[int, int]]) -> list[Span]:
    out = []
    for m in BRACKET.finditer(text):
        inside = any(s <= m.start() < e for s, e in qs)
        if not inside and CITATION.search(m.group()):  # [Poll: …, by X, 2021] is a reference, not a comment
            continue
        kind, prob = ("insertion", P.FRAMING_INSERTION) if inside else ("aside", P.FRAMING_ASIDE)
        out.append(make_span(text, m.start(), m.end(), "editorial_framing", kind=kind, prob=prob))
    return out


def _sentence_kind(text: str, s0: int, s1: int, lang: str) -> tuple[str, float] | None:
    """Why the whole sentence is the outlet's commentary, with the rule's confidence."""
    sent = text[s0:s1]
    stripped = sent.rstrip(" \u00a0»”\")")
    if stripped.endswith("?"):
        return "question", P.FRAMING_QUESTION
    if stripped.endswith("!"):
        return "exclamation", P.FRAMING_EXCLAMATION
    if lex.CONCLUSION[lang].search(sent):
        return "conclusion", P.FRAMING_CONCLUSION
    if lex.FIRST_PERSON[lang].search(sent) and lang == "fr":
        return "first_person", P.FRAMING_FIRST_PERSON
    if lang == "fr" and lex.FR_NOMINAL.search(sent) and not _has_main_verb_before_rel(sent):
        return "comment", P.FRAMING_COMMENT
    return None


def _has_main_verb_before_rel(sent: str) -> bool:
    """« Une source a déclaré que … » has a verb before the relative: not a nominal sentence."""
    head = re.split(r"\b(?:qui|que|qu[’'])\b|,", sent, maxsplit=1)[0]
    return bool(re.search(r"\b(?:a|ont|est|sont|était|avait|sera|va|fait)\b", head))


def _loaded(text: str, s0: int, s1: int, lang: str, qs: list[tuple[int, int]]) -> list[Span]:
    out = []
    for m in lex.LOADED[lang].finditer(text, s0, s1):
        if not _overlaps_any(m.start(), m.end(), qs):
            out.append(make_span(text, m.start(), m.end(), "editorial_framing", kind="loaded", prob=P.FRAMING_LOADED))
    if lang == "en":
        for m in lex.FIRST_PERSON[lang].finditer(text, s0, s1):
            if not _overlaps_any(m.start(), m.end(), qs):
                out.append(make_span(text, m.start(), m.end(), "editorial_framing", kind="first_person", prob=P.FRAMING_FIRST_PERSON_WORDS))
    return out


def _dedupe(spans: list[Span]) -> list[Span]:
    """Drop spans nested in a larger framing span (a loaded word inside a framed sentence)."""
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for span in spans:
        if out and span.inside(out[-1].start, out[-1].end) and span.kind != "insertion":
            continue
        out.append(span)
    return out
