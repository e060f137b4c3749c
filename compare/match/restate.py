"""Does a shorter passage restate what a longer one says? Word checks for condensations and merges.

An outlet that condenses ("Works begin in March." for "The works are expected to begin in March
and last eight months.") or fuses a sentence into a longer one keeps the other's content words
and drops some. The learned matcher reads shared words as evidence *against* a match (its hard
negatives reuse the entities of the claim they contradict), so it vetoes exactly these pairs.
These checks are the other half: the shorter passage's content stems are (nearly all) in the
longer one, and nothing it keeps is contradicted: no number of its own, no name the longer one
lacks, no shared word negated on one side only. `decide` uses them only where both encoders
already agree the two passages belong together.
"""
from __future__ import annotations

import re

from compare import kinds
from compare.match.features import NEGATIONS, MatchText

# At least this many content stems in the shorter passage: below, coverage says nothing
# ("Works begin." covers anything about works). Set by hand, not tuned: every shorter passage of
# a tuning pair the rules below could accept has 5 or more (train groups, dev alignment gold).
MIN_STEMS = 3

# A negation governs the rest of its clause: clauses end at punctuation or at a subordinating or
# adversative word, so "extended to the north if no rain falls" negates rain and falls, not north.
_CLAUSE_END = re.compile(
    r"[,;:.!?()\[\]«»“”\"—–]|\b(?:if|unless|when|whether|because|but|while|although|though|whereas"
    r"|si|sauf|quand|lorsque|lorsqu|mais|car|parce|puisque|tandis)\b")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"[\w-]+")


def negated_stems(text: str) -> frozenset[str]:
    """Content stems a negation governs: from each marker (features.NEGATIONS) to its clause's end."""
    plain = kinds.normalize(text).replace("n't", " not")
    out: set[str] = set()
    for clause in _CLAUSE_END.split(plain):
        words = _WORD.findall(clause)
        first = next((k for k, w in enumerate(words) if w in NEGATIONS), None)
        if first is not None:
            out |= kinds.content_stems(" ".join(words[first + 1:]))
    return frozenset(out)


def negation_conflict(a: MatchText, b: MatchText) -> bool:
    """A content stem both passages use is negated in one of them only ("will not begin" / "begin")."""
    shared = a.passage.stems & b.passage.stems
    return bool(shared & (negated_stems(a.passage.text) ^ negated_stems(b.passage.text)))


def names_kept(part: MatchText, whole: MatchText) -> bool:
    """Every capitalised word of `part` (its opening word too: a sentence may open on a name)
    is in `whole`: by stem for words of 4+ letters, as a word for short acronyms (EDF). A
    condensation drops what the longer passage says; it does not bring in another actor."""
    words = set(_WORD.findall(whole.passage.plain))
    for token in _TOKEN.findall(part.passage.text):
        if not token[0].isupper():
            continue
        for piece in _WORD.findall(kinds.normalize(token)):
            if len(piece) >= 4 and piece[:kinds.STEM_CHARS] not in whole.passage.stems:
                return False
            if len(piece) < 4 and len(token) >= 2 and token.isupper() and piece not in words:
                return False
    return True


def _stem_sequence(text: kinds.PassageText) -> list[str]:
    return [w[:kinds.STEM_CHARS] for w in _WORD.findall(text.uncut) if len(w) >= 4 or w.isdigit()]


def substitutes(part: MatchText, whole: MatchText) -> bool:
    """Does `part` put a word of its own where `whole` has another one? For each content word of
    `part` that `whole` lacks, its kept neighbours are looked up in `whole`: if the word next to
    them there is one `part` lacks, the word was replaced ("le conseil régional" for "le conseil
    municipal", "The region begins" for "... expected to begin"), not added ("could later be")."""
    seq_p, seq_w = _stem_sequence(part.passage), _stem_sequence(whole.passage)
    kept_p, kept_w = whole.passage.stems, part.passage.stems
    for k, stem in enumerate(seq_p):
        if stem in kept_p:
            continue
        before = seq_p[k - 1] if k > 0 and seq_p[k - 1] in kept_p else None
        after = seq_p[k + 1] if k + 1 < len(seq_p) and seq_p[k + 1] in kept_p else None
        for m, other in enumerate(seq_w):
            if other == before and m + 1 < len(seq_w) and seq_w[m + 1] not in kept_w:
                return True
            if other == after and m > 0 and seq_w[m - 1] not in kept_w:
                return True
    return False


def restates(part: MatchText, whole: MatchText, min_coverage: float) -> bool:
    """`part` keeps at least `min_coverage` of its content stems in `whole` and contradicts nothing:
    its numbers and capitalised words are all in `whole`, and no shared word is negated on one
    side only."""
    return (len(part.passage.stems) >= MIN_STEMS
            and kinds.coverage(part.passage, whole.passage) >= min_coverage
            and part.numbers <= whole.numbers and names_kept(part, whole)
            and not negation_conflict(part, whole))
