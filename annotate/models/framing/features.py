"""Cheap, language-safe features for the framing models, and the one door to the framing rules.

Every import from the rule modules of `annotate` lives here, so when those modules move only this
file changes. Word cues are short closed-class lists per language (pronouns, modals, reporting
verbs; optionally intensifiers, common evaluative adjectives, negation, opinion verbs) for the languages the training data covers (en, de, it) plus French, the tool's main
language; anything else falls back to punctuation and shape features, which need no word list.
"""
from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np

from annotate.rules import framing as _rules
from annotate.rules import quotes as _quotes

WORD = re.compile(r"\w+(?:[-'’]\w+)*")

# French elided articles, pronouns and conjunctions before an apostrophe (l'État, qu'il, jusqu'à).
ELISION = re.compile(r"(?:[dlcjmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)", re.IGNORECASE)


class Token(NamedTuple):
    """A word of a passage (code-point offsets) as the loaded-word taggers read it (a NamedTuple:
    a frozen dataclass's __init__ was a quarter of tokenising; cProfile, 300 PolNeAR train articles)."""
    start: int
    end: int
    text: str


_new = tuple.__new__


def tokens(text: str) -> list[Token]:
    """Words of `text` (letters/digits joined by inner hyphens or apostrophes) with offsets; a
    French elision is its own word ("d'usagers" -> "usagers"): the joined form is a string the
    word vectors never saw as a word, and it was tagged loaded where "des usagers" was not."""
    out = []
    for m in WORD.finditer(text):
        word = m.group()
        cut = ELISION.match(word) if "'" in word or "’" in word else None  # an elision needs its apostrophe
        if cut is None:
            out.append(_new(Token, (m.start(), m.end(), word)))  # Token(...) without its Python __new__: half the cost
        else:
            out.append(Token(m.start() + cut.end(), m.end(), word[cut.end():]))
    return out


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
# Evaluative wording (intensifiers, common judgement adjectives, opinion verbs) and the shape of
# argument (negation, a sentence opening on a contrast): the author weighing in.
INTENSIFIER = {
    "en": "very so too extremely really absolutely totally truly utterly deeply highly incredibly remarkably "
          "utter sheer even just only hardly merely",
    "fr": "très trop tellement vraiment absolument totalement extrêmement profondément parfaitement "
          "complètement même seulement franchement",
    "de": "sehr so zu extrem wirklich absolut total völlig zutiefst höchst unglaublich geradezu gar sogar nur bloß kaum",
    "it": "molto così troppo estremamente davvero assolutamente totalmente profondamente incredibilmente "
          "persino perfino solo appena proprio",
}
EVALUATIVE = {
    "en": "good bad great terrible awful wonderful ridiculous absurd outrageous shameful disgraceful stupid "
          "foolish brilliant excellent horrible disastrous pathetic best worst better worse false wrong right "
          "fair unfair true evil nonsense scandal crazy insane cynical hypocritical dishonest irresponsible remarkable",
    "fr": "bon bonne mauvais mauvaise grand formidable terrible affreux merveilleux ridicule absurde scandaleux "
          "honteux stupide excellent horrible désastreux pathétique meilleur pire faux injuste juste vrai cynique "
          "hypocrite irresponsable inacceptable inadmissible",
    "de": "gut gute schlecht schlechte großartig schrecklich furchtbar wunderbar lächerlich absurd empörend "
          "skandalös beschämend dumm töricht brillant hervorragend katastrophal erbärmlich beste schlimmste "
          "besser schlimmer falsch richtig fair unfair wahr zynisch heuchlerisch verantwortungslos unverschämt",
    "it": "buono buona cattivo grande grave terribile orribile meraviglioso ridicolo assurdo scandaloso "
          "vergognoso stupido brillante eccellente disastroso patetico migliore peggiore meglio peggio falso "
          "sbagliato giusto ingiusto vero cinico ipocrita irresponsabile inaccettabile",
}
NEGATION = {
    "en": "not no never nothing nobody n't none",
    "fr": "ne n pas jamais rien personne aucun aucune",
    "de": "nicht kein keine keinen nie niemals nichts niemand",
    "it": "non no mai niente nulla nessuno nessuna",
}
CONTRAST = {
    "en": "but yet however indeed of course although though still",
    "fr": "mais pourtant cependant certes néanmoins toutefois or",
    "de": "aber doch jedoch allerdings freilich trotzdem dennoch zwar",
    "it": "ma però tuttavia eppure certo comunque anzi invece",
}
OPINION_VERB = {
    "en": "think believe feel hope fear wonder suspect",
    "fr": "pense crois estime espère crains semble",
    "de": "glaube denke meine hoffe fürchte finde",
    "it": "penso credo ritengo spero temo sembra",
}
CUES = {name: {lang: frozenset(words.split()) for lang, words in table.items()}
        for name, table in (("first", FIRST_PERSON), ("second", SECOND_PERSON), ("modal", MODAL),
                            ("reporting", REPORTING), ("hedge", HEDGE), ("intensifier", INTENSIFIER),
                            ("evaluative", EVALUATIVE), ("negation", NEGATION), ("contrast", CONTRAST),
                            ("opinion_verb", OPINION_VERB))}
SENTENCE_FEATURES = (
    "question", "exclamation", "quote_marks", "parenthesis", "ellipsis", "colon_dash", "digits",
    "capitalised", "log_words", "mean_word_len", "first", "second", "modal", "reporting", "hedge",
    "rule_framing", "rule_loaded",
)
# Optional extra columns (`voice=True`): evaluative wording and where the cues sit. CheckThat's
# author's opinion is SUBJ, someone else's neutrally reported one OBJ, so inside or outside
# quotation marks matters as much as the cue. A weights file that lists them gets them.
VOICE_FEATURES = (
    "intensifier", "evaluative", "negation", "contrast_start", "opinion_verb", "quote_and_reporting",
    "scare_quote", "question_outside_quotes", "exclamation_outside_quotes", "quoted_share",
)


def rule_lang(lang: str | None) -> str | None:
    """Which rule set covers `lang`: 'fr' or 'en', None for languages without rules."""
    lang = (lang or "").lower()[:2]
    return lang if lang in ("fr", "en") else None


def sentence_features(text: str, lang: str | None, rule_spans: list | None = None, voice: bool = False) -> np.ndarray:
    """One float vector (SENTENCE_FEATURES order, then VOICE_FEATURES if `voice`) of punctuation,
    shape and cue-word features.

    `rule_spans`: the rules' spans of this text if the caller already has them (objects with
    `label` and `kind`, as annotate.rules.detect returns); None runs the framing rules here.
    """
    words = WORD.findall(text)
    lower = [w.lower() for w in words]
    n = max(len(words), 1)
    code = (lang or "").lower()[:2]
    cue = [not words.isdisjoint(lower) for words in  # any word of each list (one C-level pass)
           (CUES[name].get(code, frozenset()) for name in ("first", "second", "modal", "reporting", "hedge"))]
    rule_frame, rule_loaded = _rule_hits(text, lang, rule_spans)
    quotes = list(_quotes.quote_marks(text))
    return np.array([
        "?" in text, "!" in text, bool(quotes), "(" in text or "[" in text,
        "…" in text or "..." in text, bool(re.search(r":|—|–", text)),
        sum(map(str.isdigit, text)) / max(len(text), 1) * 10,
        sum(w[:1].isupper() for w in words[1:]) / n, math.log1p(len(words)) / 4,
        sum(map(len, words)) / n / 10, *cue, rule_frame, rule_loaded,
        *(_voice_features(text, lower, code, quotes, cue[3]) if voice else ()),
    ], dtype=np.float32)


def _voice_features(text: str, lower: list[str], code: str, quotes: list, reporting: bool) -> list[float]:
    """VOICE_FEATURES: evaluative wording and where it sits."""
    def hits(name: str) -> int:
        return sum(w in CUES[name].get(code, ()) for w in lower)

    outside = _outside(text, quotes)
    return [min(hits("intensifier"), 3) / 3, min(hits("evaluative"), 3) / 3, hits("negation") > 0,
            bool(lower) and lower[0] in CUES["contrast"].get(code, ()), hits("opinion_verb") > 0,
            bool(quotes) and reporting, any(len(WORD.findall(text[s:e])) <= 3 for s, e in quotes),
            "?" in outside, "!" in outside, sum(e - s for s, e in quotes) / max(len(text), 1)]


def _outside(text: str, quotes: list) -> str:
    """`text` without its quoted stretches (what the author says in their own voice)."""
    out, pos = [], 0
    for s, e in sorted(quotes):
        out.append(text[pos:max(s, pos)])
        pos = max(pos, e)
    return "".join(out) + text[pos:]


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
