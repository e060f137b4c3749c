"""Sources: a tagged source cut to its noun phrase, and the mention next to a cue when the
tagger gave none.

A speaker is a person or organisation mention, never a verb phrase: a source ends before its
first verb or relative clause ("an investigation published …" → "an investigation") and
starts at its noun phrase (no leading preposition or conjunction). When no source was tagged,
the mention right before the cue ("officials said"), right after it ("said John Smith"), or
the subject of the cue's sentence ("Mr. Trump was forced … and said") is taken.
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.models.speech.features import is_cue_token
from annotate.models.speech.tokens import Token

PRONOUNS = frozenset("he she they we i it il elle ils elles je nous on".split())
NP_START = frozenset("the a an le la les l' l’ un une son sa ses notre leur".split())
# Cue words that are also nouns a source can end with ("an internal report", "a joint statement");
# a verb such as "said" is never one, so "The president said" still ends its source at "said".
NOUN_CUES = frozenset("report reports claim claims statement statements note memo comment comments warning "
                      "reply response announcement tweet post interview release rapport communiqué".split())


@dataclass
class Run:
    """A run of tokens with one tag kind; `first` and `last` are token indexes, inclusive."""
    kind: str
    first: int  # token indexes, inclusive
    last: int
    prob: float


def trim_run(toks: list[Token], r: Run, cues: frozenset) -> Run | None:
    """The source cut before its first verb or relative clause (it stays a noun phrase), then
    before a trailing time phrase, and replaced by the name it is in apposition to."""
    for i in range(r.first + 1, r.last + 1):
        low, prev = toks[i].text.lower(), toks[i - 1].text.lower()
        if prev in NP_START:  # a noun after a determiner: "a report", "the claim"
            continue
        if low in NOUN_CUES and i >= 2 and toks[i - 2].text.lower() in NP_START:
            continue  # ... or after a determiner and one adjective: "an internal report"
        if low in ("who", "which", "qui", "que", "dont") or is_cue_token(toks[i], prev, cues):
            last = i - 1
            while last > r.first and toks[last].text in ",;:—–(":
                last -= 1
            return _finish(toks, Run(r.kind, r.first, last, r.prob))
    if is_cue_token(toks[r.first], "", cues) and r.first == r.last:
        return None
    return _finish(toks, r)


# Words that open a time phrase after the speaker ("Mayor Linda Park after the vote said"): the
# phrase says when, not who, and would make one speaker several in "who is quoted".
TIME_WORDS = frozenset("after before during following earlier later yesterday today tonight "
                       "après avant pendant lors hier aujourd'hui aujourd’hui".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday "
                     "lundi mardi mercredi jeudi vendredi samedi dimanche".split())


def _finish(toks: list[Token], r: Run) -> Run | None:
    last = r.last
    while last > r.first and toks[last].text in ",;:—–(":  # "Jane Doe, a spokeswoman," said
        last -= 1
    r = _strip_lead(toks, Run(r.kind, r.first, last, r.prob))
    if r is None:
        return None
    return _apposed_name(toks, _cut_time(toks, r))


def _cut_time(toks: list[Token], r: Run) -> Run:
    """The source without a trailing time phrase ("… after the vote", "… on Tuesday")."""
    for i in range(r.first + 1, r.last + 1):
        low = toks[i].text.lower()
        nxt = toks[i + 1].text.lower() if i + 1 <= r.last else ""
        word = toks[i].text
        if (word in TIME_WORDS or (low in WEEKDAYS and word[:1].isupper() and not word.isupper())
                or (word in ("on", "le") and nxt in WEEKDAYS)):
            last = i - 1
            while last > r.first and toks[last].text in ",;:—–(":
                last -= 1
            return Run(r.kind, r.first, last, r.prob)
    return r


# How an apposition or a relative clause after "Name," starts (lowercase: a name starts no apposition).
APPOSITION_HEADS = frozenset("a an the one another his her its their who un une le la les l' l’ qui".split())


def _apposed_name(toks: list[Token], r: Run) -> Run:
    """"James Ortiz, one of four council members, told …": a source that is a common noun
    phrase right after "Name," at the start of its sentence is that name's apposition, so the
    speaker is the name."""
    inner = _name_then_apposition(toks, r)
    if inner is not None:  # "James Ortiz, one of four council members" (both in the source)
        return Run(r.kind, r.first, inner - 1, r.prob)
    comma = r.first - 1
    if comma < 1 or toks[comma].text != "," or toks[r.first].text not in APPOSITION_HEADS:
        return r
    start = comma
    while start > 0 and toks[start - 1].sent == toks[comma].sent and comma - start < 5:
        start -= 1
    name = [toks[i].text for i in range(start, comma)]
    at_start = start == 0 or toks[start - 1].sent != toks[comma].sent
    if at_start and name and name[0].lower() not in OPENERS | LEAD | FUNCTION and all(
            w[:1].isupper() or (w == "." and p.lower() in TITLES) for p, w in zip([""] + name, name)):
        return Run(r.kind, start, comma - 1, r.prob)
    return r


def _name_then_apposition(toks: list[Token], r: Run) -> int | None:
    """The comma's index when the source is "Name, <apposition>" (a capitalised name of at most
    five words, then an apposition head): the name is who spoke."""
    for i in range(r.first + 1, min(r.last, r.first + 5) + 1):
        if toks[i].text == ",":
            name = [toks[k].text for k in range(r.first, i)]
            named = all(w[:1].isupper() or (w == "." and p.lower() in TITLES) for p, w in zip([""] + name, name))
            head = toks[i + 1].text if i + 1 <= r.last else ""
            ok = named and name[0].lower() not in OPENERS | FUNCTION and head.lower() in APPOSITION_HEADS
            return i if ok else None
    return None


LEAD = frozenset("by to on after before but and or of in for with at from as that while when if because so "
                 "par pour mais et ou après avant à de dans avec sur lors quand si car donc".split())
FUNCTION = LEAD | frozenset("the a an le la les un une des".split())


def _strip_lead(toks: list[Token], r: Run) -> Run | None:
    """A source starts at its noun phrase: leading prepositions, conjunctions and punctuation go;
    what is left must hold a word that is not a function word."""
    first = r.first
    while first <= r.last and (toks[first].text.lower() in LEAD or not toks[first].text[:1].isalnum()):
        first += 1
    if first > r.last or all(toks[i].text.lower() in FUNCTION or not toks[i].text[:1].isalnum()
                             for i in range(first, r.last + 1)):
        return None
    return Run(r.kind, first, r.last, r.prob)


STOP_BEFORE = frozenset(",;:.!?()«»“”\"—–")
SKIP = frozenset("also later then again has have had had a ont avait".split())
# Sentence openers before a comma that are not the subject ("Still, …", "On Friday, …").
OPENERS = frozenset("in on at during last this still indeed however meanwhile moreover yet now then instead "
                    "again yesterday today earlier later more pourtant cependant toutefois ainsi enfin hier "
                    "aujourd'hui aujourd’hui".split())
TITLES = frozenset("mr mrs ms dr sen gov rep gen prof st m mme".split())


def fallback_source(toks: list[Token], cue: Run, pieces: list[Run], cues: frozenset) -> Run | None:
    """The mention next to a cue the tagger gave no source: a pronoun or a name right before the
    verb ("officials said"), else the phrase right after it ("said John Smith", "according to
    X"). Contents are never taken."""
    busy = {i for p in pieces for i in range(p.first, p.last + 1)}
    i = cue.first - 1
    while i >= 0 and toks[i].text.lower() in SKIP:
        i -= 1
    before = _phrase(toks, range(i, max(-1, i - 6), -1), busy, cues)
    if before is not None:
        return before
    after = _phrase(toks, range(cue.last + 1, min(len(toks), cue.last + 9)), busy, cues)
    return after if after is not None else _subject(toks, cue, busy, cues)


def _subject(toks: list[Token], cue: Run, busy: set, cues: frozenset) -> Run | None:
    """The subject at the start of the cue's sentence ("Mr. Trump was forced … and said that"),
    after a leading phrase closed by a comma ("On Friday, …")."""
    sent = toks[cue.first].sent
    i = cue.first
    while i > 0 and toks[i - 1].sent == sent:
        i -= 1
    lead = [k for k in range(i, min(cue.first, i + 8)) if toks[k].text == ","]
    first = toks[i].text.lower()
    if lead and (first in LEAD or first in OPENERS or first.endswith("ly")):
        i = lead[0] + 1
    if i >= cue.first or i in busy:
        return None
    return _phrase(toks, range(i, min(cue.first, i + 8)), busy, cues)


def _phrase(toks: list[Token], idx: range, busy: set, cues: frozenset) -> Run | None:
    """Consecutive tokens along `idx` up to punctuation, a verb or a content token; kept only
    when it holds a pronoun or a capitalised word (a name), or starts with a determiner."""
    got = []
    for i in idx:
        t = toks[i]
        title_dot = t.text == "." and i > 0 and toks[i - 1].text.lower() in TITLES
        if i in busy or (t.text in STOP_BEFORE and not title_dot) or t.quote or t.text.lower() in ("that", "que", "who", "qui"):
            break
        if got and is_cue_token(t, toks[i - 1].text.lower() if i else "", cues):
            break
        got.append(i)
    if not got:
        return None
    lo, hi = min(got), max(got)
    while hi > lo and toks[hi].text.lower() in FUNCTION:  # "the attorney general of the" → "… general"
        hi -= 1
    words = [toks[k].text for k in range(lo, hi + 1)]
    low0 = words[0].lower()
    if len(words) == 1 and low0 in PRONOUNS:
        return Run("SOURCE", lo, hi, 0.5)
    if any(w[:1].isupper() for w in words) or low0 in ("the", "a", "an", "le", "la", "les", "un", "une", "des"):
        r = _strip_lead(toks, Run("SOURCE", lo, hi, 0.5))
        return _cut_time(toks, r) if r is not None else None
    return None
