"""Cheap, language-safe features for the framing models, and the one door to the framing rules.

Every import from the rule modules of `annotate` lives here, so when those modules move only this
file changes. Word cues are short closed-class lists per language (pronouns, modals, reporting
verbs) for the languages the training data covers (en, de, it) plus French, the tool's main
language; anything else falls back to punctuation and shape features, which need no word list.
"""
from __future__ import annotations

import math
import re

import numpy as np

from annotate.rules import framing as _rules
from annotate.rules import quotes as _quotes

WORD = re.compile(r"\w+(?:[-'’]\w+)*")

# Closed-class cue words. First/second person marks the writer addressing the reader; modals and
# evaluative adverbs mark judgement; reporting verbs mark someone else's words (CheckThat's
# guideline: neutrally reported opinion is OBJ).
FIRST_PERSON = {
    "en": "i me my mine we us our ours myself ourselves",
    "fr": "je j me m moi mon ma mes nous notre nos",
    "de": "ich mich mir mein meine meinen meinem meiner wir uns unser unsere unseren",
    "it": "io mi me mio mia miei mie noi ci nostro nostra nostri nostre",
}
SECOND_PERSON = {
    "en": "you your yours yourself",
    "fr": "tu te toi ton ta tes vous votre vos",
    "de": "du dich dir dein deine ihr euch euer",
    "it": "tu ti te tuo tua voi vi vostro vostra",
}
MODAL = {
    "en": "should must ought need needs shouldn't mustn't",
    "fr": "doit doivent devrait devraient faut faudrait",
    "de": "sollte sollten muss müssen müsste dürfen",
    "it": "dovrebbe dovrebbero deve devono bisogna occorre",
}
REPORTING = {
    "en": "said says told according stated reported announced added",
    "fr": "a déclaré selon affirme indique précise annoncé explique",
    "de": "sagte sagt laut erklärte teilte berichtete betonte",
    "it": "ha detto secondo dichiarato spiegato annunciato riferito",
}
HEDGE = {
    "en": "perhaps maybe seems seem apparently surely clearly obviously",
    "fr": "peut-être semble sans doute évidemment clairement bien sûr",
    "de": "vielleicht scheint offenbar offensichtlich natürlich sicherlich",
    "it": "forse sembra evidentemente chiaramente ovviamente certamente",
}
CUES = {name: {lang: frozenset(words.split()) for lang, words in table.items()}
        for name, table in (("first", FIRST_PERSON), ("second", SECOND_PERSON), ("modal", MODAL),
                            ("reporting", REPORTING), ("hedge", HEDGE))}
SENTENCE_FEATURES = (
    "question", "exclamation", "quote_marks", "parenthesis", "ellipsis", "colon_dash", "digits",
    "capitalised", "log_words", "mean_word_len", "first", "second", "modal", "reporting", "hedge",
    "rule_framing", "rule_loaded",
)


def rule_lang(lang: str | None) -> str | None:
    """Which rule set covers `lang`: 'fr' or 'en', None for languages without rules."""
    lang = (lang or "").lower()[:2]
    return lang if lang in ("fr", "en") else None


def sentence_features(text: str, lang: str | None, rule_spans: list | None = None) -> np.ndarray:
    """One float vector (SENTENCE_FEATURES order) of punctuation, shape and cue-word features.

    `rule_spans`: the rules' spans of this text if the caller already has them (objects with
    `label` and `kind`, as annotate.rules.detect returns); None runs the framing rules here.
    """
    words = WORD.findall(text)
    lower = [w.lower() for w in words]
    n = max(len(words), 1)
    code = (lang or "").lower()[:2]
    cue = [any(w in words for w in lower) for words in  # each list looked up once, not per word
           (CUES[name].get(code, frozenset()) for name in ("first", "second", "modal", "reporting", "hedge"))]
    rule_frame, rule_loaded = _rule_hits(text, lang, rule_spans)
    return np.array([
        "?" in text, "!" in text, bool(_quotes.quote_marks(text)), "(" in text or "[" in text,
        "…" in text or "..." in text, bool(re.search(r":|—|–", text)),
        sum(c.isdigit() for c in text) / max(len(text), 1) * 10,
        sum(w[:1].isupper() for w in words[1:]) / n, math.log1p(len(words)) / 4,
        sum(map(len, words)) / n / 10, *cue, rule_frame, rule_loaded,
    ], dtype=np.float32)


def _rule_hits(text: str, lang: str | None, rule_spans: list | None = None) -> tuple[float, float]:
    """(any whole-sentence framing rule fired, loaded-word rule hits / 3, capped at 1)."""
    rl = rule_lang(lang)
    if rl is None:
        return 0.0, 0.0
    if rule_spans is None:
        rule_spans = find_rule_spans(text, rl)
    spans = [s for s in rule_spans if s.label == "editorial_framing" and s.kind != "insertion"]
    whole = any(s.kind != "loaded" and s.kind != "first_person" for s in spans)
    return float(whole), min(sum(s.kind == "loaded" for s in spans) / 3, 1.0)


def find_rule_spans(text: str, lang: str, quote_spans=None) -> list:
    """The framing rules' spans (annotate.framing); quotation spans found by quote marks only,
    so no parser runs here."""
    qs = quote_spans if quote_spans is not None else _quote_spans(text)
    return _rules.find_framing(text, lang, quote_spans=qs)


def _quote_spans(text: str) -> list:
    from annotate.rules.spans import make_span

    return [make_span(text, s, e, "quotation") for s, e in _quotes.quote_marks(text)]


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """Square-bracket asides/insertions: the outlet's own words, whatever the model says.
    References such as "[Poll: …, 2021]" are left out, as the rules do."""
    return [(m.start(), m.end()) for m in _rules.BRACKET.finditer(text) if not _rules.CITATION.search(m.group())]


def quote_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of quotation-mark pairs in `text` (marks included)."""
    return list(_quotes.quote_marks(text))


def loaded_matches(text: str, lang: str) -> list[re.Match]:
    """Matches of the rules' loaded-word lexicon (annotate.framing_lexicon) in `text`."""
    from annotate.rules import lexicon as _lex

    return list(_lex.LOADED[lang].finditer(text))
