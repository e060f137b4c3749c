"""Learned reported speech inside the suggestion pipeline: attributions become quotation spans.

English passages take their quotations from the CRF tagger (PolNeAR dev: content recall 0.75 at
precision 0.81 against the rules' 0.45 / 0.77, indirect speech 0.68 against 0.28; MODEL_CARD.md).
French keeps the rules, which carry its typography (« », incises, dialogue dashes) and beat the
tagger on French direct speech; the tagger was trained on English news only.
"""
from __future__ import annotations

import functools
import re

from annotate.models.speech import decode
from annotate.models.speech.choice import find_attributions, model_choice
from annotate.models.speech.features import cue_words
from annotate.rules import lexicon, quotes
from annotate.rules.spans import Ref, Span, make_span

LANGS = frozenset({"en"})  # languages whose quotations the tagger decides
MODEL_NAME = "speech:crf"  # stored as the suggestion's model name (source "model"); "speech:crf-e5" when chosen


def quotation_spans(text: str, lang: str) -> list[Span]:
    """Quotation spans of `text` (local offsets) from the tagger: one per piece of a statement,
    with its speaker (the named source, else the mention) and cue."""
    out = []
    name = f"speech:{model_choice()}"
    for k, att in enumerate(find_attributions(text, lang)):
        if not is_stored(att, lang, text):
            continue
        source = att.speaker or att.source
        speaker = Ref(source.start, source.end, source.text) if source else None
        cue = Ref(att.cue.start, att.cue.end, att.cue.text) if att.cue else None
        for piece in _pieces(att):
            span = make_span(text, piece.start, piece.end, "quotation", kind="direct" if att.direct else "reported",
                             prob=att.prob, speaker=speaker, cue=cue,
                             meta={"model": name, "attribution": k})
            if span.end > span.start:
                out.append(span)
    return out


# A piece of content that is only a relative pronoun or complementizer, cut off by the cue it
# introduces ("which [it says] rose 38 percent"), says nothing on its own: shown as a quotation
# it read "which" (found on an article of our own).
_LINK_WORDS = frozenset({"which", "that", "who", "what", "whom", "where", "when", "qui", "que", "qu'", "qu’", "dont", "où"})


def _pieces(att) -> tuple:
    """The pieces stored as quotation spans: the content's pieces (or the content) without a
    lone link word when something else remains."""
    pieces = tuple(att.pieces or (att.content,))
    kept = tuple(p for p in pieces if p.text.strip().lower() not in _LINK_WORDS)
    return kept or pieces


def is_stored(att, lang: str, text: str) -> bool:
    """Whether presslens stores an attribution of `text` as a quotation (bench/quality/eval_speech
    scores exactly this as the "as stored" rows)."""
    return _is_speech(att, lang, text) and _carries_speech(text, att, lang)


def _is_speech(att, lang: str, text: str) -> bool:
    """Reported speech needs someone reporting it: an indirect statement with neither cue nor
    source, or with only an impersonal or passive cue ("are expected to", "seemed"), is the
    outlet's own sentence. One introduced by "according to" / "selon" a document ("according to
    court filings") is a sourced fact (annotate.rules.facts finds it); "according to" a person or
    an organisation ("according to the ministry") stays speech with its speaker, as the rules
    treat it (annotate.rules.reported). PolNeAR counts all of these as attributions. `text` is
    the text the attribution's offsets index."""
    if att.direct:
        return True
    if _headline(text) and (att.cue is None or not _reporting(att.cue.text)):
        return False  # "City council approves bus lane plan": a headline's verb reports an act, not words
    if att.source is None and (att.cue is None or decode.IMPERSONAL.fullmatch(att.cue.text)):
        return False  # "The works are expected to begin in March": nobody is reported as saying it
    sourcing = lexicon.FR_SOURCING if lang == "fr" else lexicon.EN_SOURCING
    if att.cue is None or not sourcing.search(att.cue.text):
        return True
    documents = lexicon.FR_DOC_SOURCE if lang == "fr" else lexicon.EN_DOC_SOURCE
    return documents.match(text, att.cue.start) is None


def _carries_speech(text: str, att, lang: str) -> bool:
    """A direct attribution with neither cue nor source is speech only through its quotation
    marks, so it needs a pair holding speech, as the rules ask (annotate.rules.quotes): more than
    three words and not a name or term ("its speaker “Echo Home” in ten countries" is a product).
    With a cue or a source the tagger's call stands: PolNeAR counts short partial quotes ("will
    accuse you of engaging in a “freak out.”"), and a first version that also asked this of cues
    outside our verb lists dropped them (tuning slice)."""
    if not att.direct or att.cue is not None or att.source is not None:
        return True
    for a, b in quotes.quote_marks(text):
        inner = text[a + 1:b - 1] if b - a > 1 else ""
        if a < att.content.end and att.content.start < b and len(re.findall(r"\w+", inner)) > 3 \
                and not quotes.is_term(text, (a, b), inner, lang):
            return True
    return False


def _headline(text: str) -> bool:
    """A headline: one short line with no sentence-final punctuation (the tagger learnt from body
    paragraphs, and reads "Council approves plan" like "Council says plan")."""
    line = text.strip()
    return "\n" not in line and len(line.split()) <= 20 and not line.endswith((".", "!", "?", "…", "»", "”", '"', ":"))


def _reporting(cue: str) -> bool:
    """Whether a cue holds a reporting verb: the rules' list or a cue word of the tagger's training."""
    known = _reporting_words()
    return any(w in known for w in re.findall(r"\w+", cue.lower()))


@functools.lru_cache(maxsize=1)
def _reporting_words() -> frozenset:
    return lexicon.EN_CUES | cue_words()


def learned_quotes(text: str, lang: str, rule_quotes: list[Span]) -> list[Span]:
    """The quotations of `text`: the tagger's in LANGS plus the rules' pull quotes it did not
    cover; the rules' own everywhere else."""
    if lang not in LANGS:
        return rule_quotes
    found = quotation_spans(text, lang)
    pulls = [q for q in rule_quotes if q.kind == "pull" and not any(q.overlaps(s.start, s.end) for s in found)]
    return sorted(found + pulls, key=lambda s: (s.start, s.end))


learned_quotes.decides = LANGS  # annotate.rules.detect then looks for the rules' pull quotes only
