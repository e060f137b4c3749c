"""From BIO tags to attributions: spans, the cue and source of each content, and the guards.

Linking: a content takes the nearest cue in its paragraph (the one between two quoted pieces
joins them: "“A,” she said. “B.”"), the cue takes the nearest source. Guards that the tagger
alone does not give: a short title or product name in quotation marks (« Vidéo Synopsis ») is
not speech, and a speaker ends before any verb ("an investigation published…" → "an
investigation"), the words between a closing quotation mark and its cue are the source, not
content ("“A,” Gillibrand replied"), and an impersonal or passive cue ("seemed", "is widely
expected") has no source. A pronoun source keeps its offsets; `speaker` names the closest
earlier named source of the same text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from annotate.models.speech.sources import NP_START, PRONOUNS, Run, fallback_source, trim_run
from annotate.models.speech.tokens import Token, tokenize

NAMING = re.compile(r"(?:called|named|dubbed|titled|entitled|known as|so-called|the term|the word|baptisée?s?|"
                    r"appelée?s?|nommée?s?|intitulée?s?|surnommée?s?|dénommée?s?|logiciel|programme|projet|"
                    r"opération|application|plan|label|slogan|le mot|le terme|l[’']expression)\s*$", re.I)
# A cue that reports no one's speech: an impersonal or passive verb ("seemed", "is widely expected",
# "were deemed"); PolNeAR gives these no source, and the mention next to them is not a speaker.
# Adjectives of attitude keep theirs ("some Democrats are concerned that …"). Tuning slice of
# PolNeAR train: speaker accuracy 0.7505 → 0.7560 with this and _name_before_cue.
ATTITUDES = ("concerned|worried|convinced|pleased|disappointed|frustrated|surprised|determined|committed|opposed|"
             "inclined|prepared|interested|troubled|alarmed|outraged|encouraged|satisfied|confused|excited")
IMPERSONAL = re.compile(rf"(?:(?:is|was|were|are|be|been|being)\s+(?:\w+ly\s+)?(?!(?:{ATTITUDES})\b)\w+(?:ed|en)|"
                        r"seem(?:s|ed)?)", re.IGNORECASE)
# Linking windows in characters, set on the tuning slice of PolNeAR train (bench/quality/train_speech.py).
CUE_WINDOW = 160
SOURCE_WINDOW = 80
MERGE_GAP = 160


@dataclass(frozen=True)
class Span:
    """text[start:end] == text, code points of the text given to find_attributions."""
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    """One attributed statement. `content` is the whole statement (first to last piece, as
    PolNeAR counts it); `pieces` are its parts when a speaker interrupts it; `source` is the
    mention in the text (maybe a pronoun), `speaker` the named source it refers to."""
    content: Span
    cue: Span | None
    source: Span | None
    direct: bool
    prob: float
    pieces: tuple[Span, ...] = ()
    speaker: Span | None = None

    def as_dict(self) -> dict:
        d = lambda s: None if s is None else {"start": s.start, "end": s.end, "text": s.text}  # noqa: E731
        return {"content": d(self.content), "cue": d(self.cue), "source": d(self.source), "speaker": d(self.speaker),
                "direct": self.direct, "prob": round(self.prob, 4), "pieces": [d(p) for p in self.pieces]}


def runs(tags: list[str], probs: list[float]) -> list[Run]:
    """Maximal BIO runs; an I- without a matching open run starts one."""
    out: list[Run] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        bio, kind = tag.split("-", 1)
        if bio == "I" and out and out[-1].kind == kind and out[-1].last == i - 1:
            out[-1].last = i
            out[-1].prob += probs[i]
        else:
            out.append(Run(kind, i, i, probs[i]))
    for r in out:
        r.prob /= r.last - r.first + 1
    return out


def attributions(text: str, toks: list[Token], tags: list[str], probs: list[float], cues: frozenset) -> list[Attribution]:
    """Attributions of one tagged paragraph, in text order."""
    rs = _cue_names(toks, runs(tags, probs))
    contents = [r for r in rs if r.kind == "CONTENT" and not _is_title(text, toks, r)]
    cue_runs = [r for r in rs if r.kind == "CUE"]
    src_runs = [trim_run(toks, r, cues) for r in rs if r.kind == "SOURCE"]
    src_runs = [r for r in src_runs if r is not None]
    linked = [(c, _nearest(toks, c, cue_runs, CUE_WINDOW)) for c in contents]
    out = []
    for group in _merge(toks, linked):
        cue = group[0][1]
        pieces = [c for c, _ in group]
        anchor = cue or pieces[0]
        source = _nearest(toks, anchor, [s for s in src_runs if not _inside(s, pieces)], SOURCE_WINDOW)
        if source is None and cue is not None:
            source = fallback_source(toks, cue, pieces, cues)
        if cue is not None and IMPERSONAL.fullmatch(text[toks[cue.first].start:toks[cue.last].end]):
            source = None
        out.append(_make(text, toks, pieces, cue, source))
    return out


def _span(text: str, toks: list[Token], r: Run) -> Span:
    s, e = toks[r.first].start, toks[r.last].end
    return Span(s, e, text[s:e])


def _gap(toks: list[Token], a: Run, b: Run) -> int:
    """Characters between two runs (0 when they touch or overlap)."""
    if a.last < b.first:
        return toks[b.first].start - toks[a.last].end
    if b.last < a.first:
        return toks[a.first].start - toks[b.last].end
    return 0


def _nearest(toks: list[Token], r: Run, cands: list[Run], window: int) -> Run | None:
    best = min(cands, key=lambda c: _gap(toks, r, c), default=None)
    return best if best is not None and _gap(toks, r, best) <= window else None


def _inside(r: Run, pieces: list[Run]) -> bool:
    return any(p.first <= r.first and r.last <= p.last for p in pieces)


def _merge(toks: list[Token], linked: list) -> list[list]:
    """Contents that are one statement: pieces around the cue that links them ("“A,” she said,
    “B.”"), a quoted piece right after an attributed quotation ("“A,” she said. “B.”"), and
    runs inside the same pair of quotation marks."""
    groups: list[list] = []
    for c, cue in linked:
        if groups and _continues(toks, groups[-1], c, cue):
            groups[-1].append((c, groups[-1][0][1]))
            continue
        groups.append([(c, cue)])
    return groups


def _continues(toks: list[Token], group: list, c: Run, cue: Run | None) -> bool:
    prev, prev_cue = group[-1][0], group[0][1]
    if _gap(toks, prev, c) > MERGE_GAP:
        return False
    if all(toks[i].quote for i in range(prev.last, c.first + 1)):
        return True  # the tagger broke one quotation in two
    between = prev_cue is not None and prev.last < prev_cue.first and prev_cue.last < c.first
    if between and cue is prev_cue:
        return True
    quoted = toks[c.first].quote == 2 and toks[prev.last].quote == 3
    return quoted and between and (cue is None or cue is prev_cue or cue.last < c.first)


def _after_quote(toks: list[Token], i: int) -> bool:
    """The token before `i` (a comma skipped) closes a quotation: “…,” said / « … », a dit."""
    i -= 1
    if i >= 0 and toks[i].text == "," and toks[i].quote == 0:
        i -= 1
    return i >= 0 and toks[i].quote == 3


def _cue_names(toks: list[Token], rs: list[Run]) -> list[Run]:
    """“…,” said Alfonso Aguilar, … — a run tagged CONTENT right after a cue that follows a
    closing quotation mark, unquoted and starting with a name or a determiner, is the source."""
    out = []
    for k, r in enumerate(rs):
        prev = rs[k - 1] if k else None
        if (r.kind == "CONTENT" and prev is not None and prev.kind == "CUE" and prev.last == r.first - 1
                and _after_quote(toks, prev.first) and toks[r.first].quote == 0
                and (toks[r.first].text[:1].isupper() or toks[r.first].text.lower() in NP_START)
                and r.last - r.first < 16):
            r = Run("SOURCE", r.first, r.last, r.prob)
        nxt = rs[k + 1] if k + 1 < len(rs) else None
        if r.kind == "CONTENT" and nxt is not None and nxt.kind == "CUE" and nxt.first == r.last + 1:
            out += _name_before_cue(toks, r)
            continue
        out.append(r)
    return out


def _name_before_cue(toks: list[Token], r: Run) -> list[Run]:
    """“A,” Gillibrand replied — a quoted content run that goes on past its closing mark up
    to a cue: the unquoted words after the mark (a name, a pronoun, a noun phrase) are the source."""
    close = max((i for i in range(r.first, r.last + 1) if toks[i].quote == 3), default=-1)
    if toks[r.first].quote != 2 or close < 0 or close >= r.last or any(toks[i].quote for i in range(close + 1, r.last + 1)):
        return [r]
    j = close + 1
    while j <= r.last and toks[j].text in ",;:":
        j += 1
    w = toks[j].text if j <= r.last else ""
    if not w or r.last - j >= 8 or not (w[:1].isupper() or w.lower() in NP_START or w.lower() in PRONOUNS):
        return [r]
    return [Run("CONTENT", r.first, close, r.prob), Run("SOURCE", j, r.last, r.prob)]


def _is_title(text: str, toks: list[Token], r: Run) -> bool:
    """A short quoted name or title, not speech: « Vidéo Synopsis », the so-called "Gang of Eight"."""
    first, last = toks[r.first], toks[r.last]
    if first.quote != 2 or last.quote != 3:
        return False
    words = [t.text for t in toks[r.first + 1:r.last] if t.text[:1].isalnum()]
    if not words or len(words) > 4 or any(t.text in ",;:.!?" for t in toks[r.first + 1:r.last - 1]):
        return False
    named = NAMING.search(text[max(0, first.start - 40):first.start])
    title_case = all(w[:1].isupper() or w.isdigit() or len(w) <= 3 for w in words)
    return bool(named) or title_case


def _make(text: str, toks: list[Token], pieces: list[Run], cue: Run | None, source: Run | None) -> Attribution:
    spans = tuple(_span(text, toks, p) for p in pieces)
    s, e = spans[0].start, spans[-1].end
    content = Span(s, e, text[s:e])
    direct = any(toks[i].quote for p in pieces for i in (p.first, p.last))
    prob = sum(p.prob for p in pieces) / len(pieces)
    src = _span(text, toks, source) if source else None
    return Attribution(content, _span(text, toks, cue) if cue else None, src, direct, prob,
                       spans if len(spans) > 1 else (), src)


def trim_source(text: str, span: Span, cues: frozenset) -> Span | None:
    """`span` (a source found by a pattern) cut like a tagged source (see sources.py)."""
    toks = tokenize(text[span.start:span.end])
    r = trim_run(toks, Run("SOURCE", 0, len(toks) - 1, 1.0), cues) if toks else None
    if r is None:
        return None
    s, e = span.start + toks[r.first].start, span.start + toks[r.last].end
    return Span(s, e, text[s:e])


def resolve_speakers(found: list[Attribution]) -> list[Attribution]:
    """A pronoun source ("he said") names the closest earlier non-pronoun source it can refer to
    as `speaker` (annotate.rules.speakers.agrees: "it" is no titled person)."""
    from dataclasses import replace

    from annotate.rules.speakers import antecedent

    out, seen = [], []
    for a in sorted(found, key=lambda a: a.content.start):
        if a.source is not None and a.source.text.lower().split("-")[-1] in PRONOUNS:
            pronoun = a.source.text.split("-")[-1]
            a = replace(a, speaker=antecedent(pronoun, seen))
        elif a.source is not None:
            seen.append(a.source)
        out.append(a)
    return out
