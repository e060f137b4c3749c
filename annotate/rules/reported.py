"""Reported (indirect) speech inside one sentence: content span, cue and speaker.

Patterns, in both languages: SPEAKER CUE que/that CONTENT ("X a déclaré que …", "X said that …"),
CONTENT, CUE SPEAKER / CONTENT, SPEAKER said ("…, a source said"), selon/d'après/according to
SPEAKER, CONTENT and CONTENT, selon SPEAKER. Documents as sources ("d'après des documents
internes") make a sourced fact, not a quotation: see facts.py.
"""
from __future__ import annotations

import re

from annotate.rules import lexicon, speakers
from annotate.rules import params as P
from annotate.rules.spans import Span, make_span

COMP = {
    "fr": re.compile(r"\s*(?:,\s*[^,]{0,40},\s*|[^,.;:«»]{0,80}?\s)?(?:qu[’']|que\b|:)", re.I),
    "en": re.compile(r"\s*(?:[^,.;:“”\"]{0,60}?\s)?(?:that\b|:)", re.I),
}
DOCS = {"fr": lexicon.FR_DOC_SOURCE, "en": lexicon.EN_DOC_SOURCE}


def find(text: str, sent: tuple[int, int], lang: str, doc=None) -> Span | None:
    """The reported-speech span of sentence `sent`, or None."""
    s0, s1 = sent
    end = s1 - 1 if text[s1 - 1] in ".!?…" else s1
    cue = speakers.find_cue(text, s0, s1, lang)
    if cue is None or DOCS[lang].match(text, cue.start):
        return None
    if speakers.is_sourcing(cue):
        return _sourcing(text, s0, end, cue, lang)
    comp = COMP[lang].match(text, cue.end)
    if comp:
        speaker = speakers.np_before(text, cue.start, s0, lang)
        if speaker is None:
            return None
        return _span(text, comp.end() - _comp_len(comp), end, cue, speaker, doc)
    return _trailing(text, s0, end, cue, lang, doc) or _headline(text, s0, end, cue, lang) or _bare(text, s0, end, cue, lang)


BARE_EN = frozenset("say says said tell tells told add adds added note notes noted argue argues argued warn warns warned "
                    "claim claims claimed write writes wrote insist insists insisted believe believes believed "
                    "think thinks thought".split())
TOLD_OBJECT = re.compile(r"\s+(?:reporters|journalists|him|her|them|us|me|[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*|"
                         r"(?:the|a|an)\s+[\w-]+(?:\s+[A-Z][\w-]+)*)(?=\s)")


def _bare(text: str, s0: int, end: int, cue, lang: str) -> Span | None:
    """English "X said CONTENT" without "that": the rest of the sentence is the content."""
    if lang != "en" or cue.text.lower() not in BARE_EN:
        return None
    speaker = speakers.np_before(text, cue.start, s0, lang)
    if speaker is None:
        return None
    start = cue.end
    if cue.text.lower().startswith(("tell", "told")):
        obj = TOLD_OBJECT.match(text, start)
        start = obj.end() if obj else start
    rest = text[start:end]
    if len(re.findall(r"\w+", rest)) < 4 or re.match(r"\s*[,.;:]|\s*(?:on|in|at|to|for|with|by|about)\b", rest):
        return None
    return _span(text, start, end, cue, speaker, None)


def _headline(text: str, s0: int, end: int, cue, lang: str) -> Span | None:
    """CONTENT révèle Disclose / CONTENT, says Smith without the comma (headlines, titles)."""
    speaker = speakers.np_after(text, cue.end, end, lang)
    if speaker is None or speaker.end != end or not speaker.text[:1].isupper() or len(speaker.text.split()) > 4:
        return None
    return _span(text, s0, cue.start, cue, speaker, None)


def _comp_len(m: re.Match) -> int:
    """Keep the complementizer ("que", "that") inside the content, as PolNeAR does."""
    word = re.search(r"(qu[’']|que|that)$", m.group(), re.I)
    return len(word.group()) if word else 0


def _sourcing(text: str, s0: int, end: int, cue, lang: str) -> Span | None:
    speaker = speakers.np_after(text, cue.end, end, lang)
    if speaker is None:
        return None
    lead = text[s0:cue.start].rstrip()
    if lead.endswith(",") and len(lead) > 15:  # CONTENT, selon X.
        return _span(text, s0, s0 + len(lead) - 1, cue, speaker, None)
    comma = text.find(",", speaker.end, end)
    if comma < 0 or len(speakers.words(text, s0, cue.start)) > 3:  # "Pourtant, selon X, …"
        return None
    return _span(text, comma + 1, end, cue, speaker, None)


def _trailing(text: str, s0: int, end: int, cue, lang: str, doc) -> Span | None:
    """CONTENT, CUE SPEAKER. / CONTENT, SPEAKER CUE. — the cue sits in the last clause."""
    comma = text.rfind(",", s0, cue.start)
    if comma < 0 or comma - s0 < 15 or ":" in text[comma:end]:
        return None
    speaker = speakers.np_after(text, cue.end, end, lang)
    if text[comma + 1:cue.start].strip():
        speaker = speakers.np_before(text, cue.start, comma + 1, lang)
    if speaker is None:
        return None
    if len(speakers.words(text, max(speaker.end, cue.end), end)) > 4:
        return None
    return _span(text, s0, comma, cue, speaker, doc)


def _span(text: str, start: int, end: int, cue, speaker, doc) -> Span | None:
    if end - start < 8:
        return None
    return make_span(text, start, end, "quotation", kind="reported", prob=P.REPORTED, speaker=speaker, cue=cue)


def cut(text: str, span: Span, end: int) -> Span | None:
    """`span` ending before `end` (a direct quote inside it), or None when too little is left."""
    end = min(end, span.end)
    while end > span.start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if end - span.start < 60:
        return None
    return make_span(text, span.start, end, "quotation", kind="reported", prob=span.prob, speaker=span.speaker, cue=span.cue)
