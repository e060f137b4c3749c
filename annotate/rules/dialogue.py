"""Dialogue: speech opened by a dash, and speech cut by an incise (« …, dit-elle, … »).

French fiction and interviews mark turns with a dash (— or –) at line start, or after a colon or
the end of a sentence inside a paragraph; the narrator's incise ("reprit-elle", "dit le comte",
"me dit Sérapion au bout de quelques minutes") is not part of the speech, so spans are cut
around it. Returns local (start, end) pairs; the caller makes Spans.
"""
from __future__ import annotations

import re

from annotate.rules import speakers
from corpus.text import trim_span

# Verbs of fiction incises; kept apart from the news reporting verbs (lexicon.py) because forms
# like "continue" or "fit" would fire everywhere in news prose.
INCISE_VERBS = frozenset(
    "dit dis disait fit fait reprit reprend répondit répond répliqua réplique demanda demande ajouta ajoute "
    "s’écria s'écria écria cria crie murmura murmure balbutia soupira hurla continua continue poursuivit "
    "interrompit observa déclara expliqua répéta lança assura affirma conclut insista gronda souffla said "
    "asked replied added".split()
)
INCISE = re.compile(
    r"(?<=[,!?…\u00a0])\s+(?:(?:me|te|lui|leur|nous|vous|[mts][’'])\s*)?"
    r"(?P<verb>[\w’']+(?:-t)?-(?:il|elle|ils|elles|je|on|nous|vous|tu)\b"
    r"|[\w’']+\s+(?:[A-ZÉ][\w-]+|(?:le|la|les|l[’']|un|une|son|sa|mon|ma|notre)\s*[\w-]+))"
    r"(?P<rest>[^,.;:!?«»\n]{0,80}?)\s*(?P<end>[,.]|(?=;)|(?=\s*»))"
)
DASH = re.compile(r"(?:(?<=^)|(?<=\n)|(?<=[:.!?…»]\s)|(?<=[:.!?…»]\u00a0))[ \t]*[—–][\s\u00a0]*(?=[«A-ZÀ-Ý])")
SENT_END = re.compile(r"[.!?…]+(?=\s+[A-ZÀ-Ý«—–])")


def is_incise_verb(word: str, lang: str) -> bool:
    w = re.sub(r"^[mts][’']", "", word.lower())
    return w in INCISE_VERBS or speakers.is_cue(w, lang)


def cut_incises(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """text[start:end] minus the incises inside it, as trimmed pieces holding words."""
    pieces, cursor = [], start
    for m in INCISE.finditer(text, start, end):
        verb = m.group("verb")
        if "-" not in verb.split()[0] and not is_incise_verb(verb.split()[0], lang):
            continue
        pieces.append((cursor, m.start()))
        cursor = m.end()
    pieces.append((cursor, end))
    return [(s, e) for s, e in (trim_span(text, a, b) for a, b in pieces) if e > s and re.search(r"\w", text[s:e])]


def incise_speaker(text: str, start: int, end: int, lang: str):
    """Cue and speaker of the first incise in text[start:end] ("fit-il" → il; "dit le comte")."""
    for m in INCISE.finditer(text, start, end):
        verb = m.group("verb")
        first = verb.split()[0]
        if "-" in first:
            v, _, pron = first.partition("-")
            pron = pron.split("-")[-1]
            s = m.start("verb")
            return speakers.Ref(s, s + len(v), v), speakers.Ref(m.end("verb") - len(pron), m.end("verb"), pron)
        if is_incise_verb(first, lang):
            s = m.start("verb")
            cue = speakers.Ref(s, s + len(first), first)
            return cue, speakers.np_after(text, cue.end, m.end("rest"), lang)
    return None, None


def dialogue_spans(text: str, lang: str = "fr", taken: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Speech opened by a dash: to the end of the line (at line start) or of the sentence / the
    next dash (inside a paragraph), cut around incises; dashes inside `taken` spans are skipped."""
    out, last_end = [], -10
    for m in DASH.finditer(text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if any(a <= start < b for a, b in taken):
            continue
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        at_line_start = start == 0 or not text[text.rfind("\n", 0, start) + 1:start].strip()
        # Inside a paragraph a dash opens speech after a colon, or right after another turn;
        # after an ordinary sentence it is the narrator's dash.
        after_colon = text[:start].rstrip().endswith(":")
        if not (at_line_start or after_colon or start - last_end <= 2):
            continue
        end = line_end if at_line_start else _turn_end(text, m.end(), line_end)
        pieces = cut_incises(text, start, end, lang)
        out.extend(pieces)
        last_end = end
    return out


def _turn_end(text: str, pos: int, limit: int) -> int:
    nxt = DASH.search(text, pos, limit)
    limit = nxt.start() if nxt else limit
    end = SENT_END.search(text, pos, limit)
    return end.end() if end else limit
