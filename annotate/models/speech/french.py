"""French cue patterns that complete the tagger, which learned from English news only.

The tagger sees French through language-independent features; the constructions below are
frequent in French news and have no close English twin in the training data, so they are
matched directly; a match is added where the tagger found nothing overlapping, and replaces a
tagged content left without cue or source:
  Selon / D'après SOURCE, CONTENT.        CONTENT, selon / d'après SOURCE.
  SOURCE (a) déclaré / estime / affirme… que CONTENT.
  « … » holding a sentence or at least four words (a title in guillemets is not speech);
  a paragraph opened by a dialogue dash (— …), cut around its incise (« …, dit-il, … »).
Each pattern stays inside one sentence (the dialogue: one paragraph); a source that is a
document ("selon des documents internes obtenus par …") stays the source, as PolNeAR does for
reports, cut before its participle like any source ("des documents internes").
"""
from __future__ import annotations

import re

from annotate.models.speech import _rules
from annotate.models.speech.decode import Attribution, Span, trim_source
from annotate.models.speech.features import cue_words

CUES = cue_words()
SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+|$)")
LEAD_SOURCING = re.compile(r"^\s*(?P<cue>[Ss]elon|[Dd][’']après)\s+(?P<src>[^,]{2,80}?)\s*,\s*(?P<content>.{8,}?)\s*[.!?…]*$")
TAIL_SOURCING = re.compile(r"^\s*(?P<content>.{8,}?)\s*,\s*(?P<cue>selon|d[’']après)\s+(?P<src>[^,]{2,80}?)\s*[.!?…]*$")
QUE = re.compile(r"^(?P<src>(?:[A-ZÀ-Ý]|[Ll]e |[Ll]a |[Ll]es |[Ll][’']|[Uu]n |[Uu]ne |[Ss]on |[Ss]a )[^,;:«»]{1,80}?)\s+"
                 r"(?P<cue>(?:(?:a|ont|avait|avaient)\s+)?(?P<verb>[\wéèêàç’'-]+))\s+(?P<content>qu(?:e\b|[’'])[^«»]{8,}?)"
                 r"\s*[.!?…]*$")


def find(text: str) -> list[Attribution]:
    """Attributions matched by the French patterns in `text` (offsets index `text`)."""
    out = []
    for m in SENTENCE.finditer(text):
        sent, base = m.group(), m.start()
        a = _sourcing(sent, base, text) or _que(sent, base, text)
        if a is not None:
            out.append(a)
    return out


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _sourcing(sent: str, base: int, text: str) -> Attribution | None:
    m = LEAD_SOURCING.match(sent) or TAIL_SOURCING.match(sent)
    if m is None:
        return None
    content = _span(text, base + m.start("content"), base + m.end("content"))
    src = trim_source(text, _span(text, base + m.start("src"), base + m.end("src")), CUES)
    return Attribution(content, _span(text, base + m.start("cue"), base + m.end("cue")), src,
                       direct=False, prob=0.7, speaker=src)


def _que(sent: str, base: int, text: str) -> Attribution | None:
    m = QUE.match(sent.strip())
    if m is None:
        return None
    verb = m.group("verb").lower()
    if verb not in _rules.FR_CUES and verb not in _rules.FR_PARTICIPLES:
        return None
    shift = base + (len(sent) - len(sent.lstrip()))
    content = _span(text, shift + m.start("content"), shift + m.end("content"))
    src = trim_source(text, _span(text, shift + m.start("src"), shift + m.end("src")), CUES)
    return Attribution(content, _span(text, shift + m.start("cue"), shift + m.end("cue")), src,
                       direct=False, prob=0.7, speaker=src)


INCISE_VERBS = frozenset("dit fit reprit reprend répondit répond demanda demande s'écria s’écria murmura cria "
                         "ajouta ajoute continua poursuivit expliqua déclara lança souffla".split())
INCISE = re.compile(r"(?<=[,!?…])\s+(?P<cue>(?P<verb>[\w’'-]+?)(?:-t)?-(?P<pron>il|elle|ils|elles|je|on|nous|vous|tu)"
                    r"|(?P<verb2>[\w’']+)\s+(?P<np>(?:le|la|les|l[’']|M\.|Mme|mon|ma|son|sa|[A-ZÀ-Ý])[^,.;!?«»]{0,40}?))"
                    r"\s*(?=[,.;!?»]|$)")
DASH = re.compile(r"^\s*[—–―]\s*\S")


def direct(text: str) -> list[Attribution]:
    """Speech in guillemets and dialogue lines (see the module docstring), cut around incises."""
    from annotate.models.speech.tokens import quote_pairs

    out = []
    for s, e in quote_pairs(text):
        inner = text[s + 1:e - 1]
        if text[s] == "«" and (len(re.findall(r"\w+", inner)) >= 4 or re.search(r"[.!?…]\s*$", inner)):
            out.append(_with_incise(text, s, e))
    if DASH.match(text) and not out:
        start = len(text) - len(text.lstrip())
        out.append(_with_incise(text, start, len(text.rstrip())))
    return out


def _is_incise_verb(word: str) -> bool:
    w = word.lower()
    return w in INCISE_VERBS or w in _rules.FR_CUES or w in _rules.FR_PARTICIPLES


def _with_incise(text: str, start: int, end: int) -> Attribution:
    """One direct quotation over text[start:end], its pieces split at an incise inside it, or
    followed by one right after it ("», a-t-il déclaré")."""
    pieces, cue, src, cursor = [], None, None, start
    for m in INCISE.finditer(text, start, min(len(text), end + 60)):
        verb = m.group("verb") or m.group("verb2")
        if not _is_incise_verb(verb.split("-")[0]):
            continue
        if m.start() < end:
            pieces.append((cursor, m.start()))
            cursor = m.end()
            while cursor < end and text[cursor] in ",.;":
                cursor += 1
        cue = _span(text, m.start("cue"), m.start("cue") + len(verb)) if m.group("verb") else _span(text, m.start("verb2"), m.end("verb2"))
        src = _span(text, m.start("pron"), m.end("pron")) if m.group("pron") else _span(text, m.start("np"), m.end("np"))
        break
    pieces.append((cursor, end))
    spans = tuple(_trimmed(text, a, b) for a, b in pieces if text[a:b].strip(" ,—–"))
    content = _span(text, spans[0].start, spans[-1].end)
    return Attribution(content, cue, src, direct=True, prob=0.75, pieces=spans if len(spans) > 1 else (), speaker=src)


def _trimmed(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] == ","):
        b -= 1
    return _span(text, a, b)


def complete(found: list[Attribution], text: str) -> list[Attribution]:
    """`found` plus the pattern matches: a match overlapping nothing is added, one overlapping a
    content the tagger left without cue or source replaces it (the pattern knows both)."""
    out = list(found)
    for a in direct(text) + find(text):
        clash = [b for b in out if a.content.start < b.content.end and b.content.start < a.content.end]
        if all(b.cue is None or b.source is None for b in clash):
            out = [b for b in out if b not in clash] + [a]
    return sorted(out, key=lambda a: a.content.start)
