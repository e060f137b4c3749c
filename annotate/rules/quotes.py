"""Quotation spans (direct, partial, dialogue, pull quote, reported speech) with speaker and cue.

Pure functions over one passage's text; offsets are local to that text. A pair of quotation
marks is only a quotation when it carries speech: scare quotes and names (« anormales »,
baptisé « Vidéo Synopsis », le « fonds concours drogue ») are kept out unless a reporting verb
or a speaker is attached to them in the same sentence.
"""
from __future__ import annotations

import functools
import re

from annotate.rules import dialogue, lexicon, sentences, speakers
from annotate.rules import params as P
from annotate.rules.spans import Span, make_span, ref
from corpus.text import QUOTE_PAIRS

PAIRS = QUOTE_PAIRS
PULL_TAIL = re.compile(r"\s*[;—–―]\s*([A-ZÀ-Ý][^\n«»“”]{2,90})$")


def quote_marks(text: str) -> list[tuple[int, int]]:
    """Top-level quotation-mark pairs as (start, end) including the marks; nested pairs stay
    inside their parent; an opener never closed runs to the end of its paragraph."""
    if not _ANY_MARK.search(text):  # most passages: no mark at all, no character loop
        return []
    return list(_quote_marks(text))


# Every character that can open or close a quotation (straight quotes and '' included).
_ANY_MARK = re.compile("[" + re.escape("".join(set(PAIRS) | set(PAIRS.values()) | {'"', "'"})) + "]")


# The characters _quote_marks acts on: quotation marks, the apostrophe of '' and the line end.
_STEP = re.compile("[" + re.escape("".join(set(PAIRS) | set(PAIRS.values()) | {'"', "'", "\n"})) + "]")


@functools.lru_cache(maxsize=8192)  # a passage's marks are asked for by quotes, framing, facts and features
def _quote_marks(text: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    i = 0
    while (mark := _STEP.search(text, i)) is not None:  # every other character was a no-op step
        i = mark.start()
        ch = text[i]
        if stack and ch == PAIRS.get(stack[-1][0]) and not (ch == "“" and stack[-1][0] != "„"):
            opener, start = stack.pop()
            if not stack:
                out.append((start, i + 1))
        elif ch in PAIRS:
            stack.append((ch, i))
        elif ch == '"' or text.startswith("''", i):
            width = 1 if ch == '"' else 2  # '' … '' is a double quote in some wire copy
            if stack and stack[-1][0] == '"':
                _, start = stack.pop()
                if not stack:
                    out.append((start, i + width))
            elif _opens(text, i):
                stack.append(('"', i))
            i += width - 1
        elif ch == "\n" and stack:
            out.append((stack[0][1], i))
            stack = []
        i += 1
    if stack:
        out.append((stack[0][1], len(text)))
    return tuple(out)


def _opens(text: str, i: int) -> bool:
    """A straight double quote opens when it is not glued to the end of a word."""
    return i == 0 or not text[i - 1].isalnum() or (i + 1 < len(text) and text[i + 1].isalnum())


def find_quotes(text: str, lang: str = "fr", doc=None) -> list[Span]:
    """All quotation spans of `text`, each with its speaker and cue when found.

    `doc` is an optional spaCy parse of `text` (French): it refines speakers (see nlp.py).
    """
    marks = quote_marks(text)
    sents = sentences.split(text, protected=marks)
    spans = [s for q in marks for s in _direct(text, q, sents, lang, doc)]
    for a, b in dialogue.dialogue_spans(text, lang, taken=marks):
        if not any(s.overlaps(a, b) for s in spans):
            spans.append(make_span(text, a, b, "quotation", kind="dialogue", prob=P.DIALOGUE))
    spans.extend(_reported(text, sents, spans, lang, doc))
    names = []
    if doc is not None:
        from annotate.rules import nlp

        names = nlp.names(doc, text)
    return speakers.resolve_pronouns(speakers.carry_speakers(spans, text), names)


def find_pull_quotes(text: str) -> list[Span]:
    """Only the pull quotes of `text` (a quote set apart on its line, its speaker after it): all
    a learned speech tagger that decides the other quotations keeps from the rules."""
    return [pull for q in quote_marks(text) if (pull := _pull_quote(text, q)) is not None]


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in sents:
        if s <= pos < e:
            return s, e
    return 0, 0


def _direct(text: str, q: tuple[int, int], sents, lang: str, doc) -> list[Span]:
    """The quotation(s) of one quotation-mark pair: none (a term or scare quote), the pull quote,
    or the pair cut around an incise, with a dialogue dash just before it included."""
    pull = _pull_quote(text, q)
    if pull is not None:
        return [pull]
    sent = _sentence_of(sents, q[0])
    inner = text[q[0] + 1:q[1] - 1] if q[1] - q[0] > 1 else ""
    att = speakers.attribute(text, sent, q, lang)
    if doc is not None and lang == "fr":
        from annotate.rules import nlp

        att = nlp.refine_attribution(doc, text, att, q)
    n_words = len(re.findall(r"\w+", inner))
    if is_term(text, q, inner, lang) and att.cue is None:
        return []
    if n_words <= 3 and att.cue is None and att.speaker is None:
        return []
    whole = sent[0] >= q[0] - 1 and n_words > 3
    kind = "direct" if whole or text[q[0] - 2:q[0]].strip() in {":", "", "—", "–"} else "partial"
    prob = P.QUOTE_ATTRIBUTED if att.cue or att.speaker else (
        P.QUOTE_LONG_UNATTRIBUTED if n_words > P.QUOTE_LONG_WORDS else P.QUOTE_SHORT_UNATTRIBUTED)
    start = _dash_before(text, q[0])
    pieces = dialogue.cut_incises(text, start, q[1], lang)
    if len(pieces) > 1 and att.cue is None:
        cue, speaker = dialogue.incise_speaker(text, start, q[1], lang)
        att = speakers.Attribution(speaker, cue)
    return [make_span(text, a, b, "quotation", kind=kind, prob=prob, speaker=att.speaker, cue=att.cue)
            for a, b in pieces]


def _dash_before(text: str, start: int) -> int:
    """Include a dialogue dash right before the opening mark ("— « Oui. »")."""
    m = re.search(r"[—–][ \u00a0]?$", text[max(0, start - 2):start])
    return start - len(m.group()) if m else start


def is_term(text: str, q: tuple[int, int], inner: str, lang: str) -> bool:
    """A name or a term in quotation marks: right after a naming word (baptisé, called) or a
    determiner, short, and with no clause punctuation inside (also the learned speech path's test)."""
    before = text[max(0, q[0] - 40):q[0]]
    naming = lexicon.FR_NAMING if lang == "fr" else lexicon.EN_NAMING
    if naming.search(before):
        return True
    prev = re.findall(r"[\w’']+$", before.rstrip())
    dets = lexicon.FR_DETERMINERS | lexicon.EN_DETERMINERS | {"véritable", "vrai", "real", "true"}
    short = len(re.findall(r"\w+", inner)) <= 10 and not re.search(r"[,;:!?]", inner)
    return bool(prev) and prev[-1].lower() in dets and short


def _pull_quote(text: str, q: tuple[int, int]) -> Span | None:
    """« … » ; Un haut-fonctionnaire de la police — a quote set apart with its speaker after it."""
    line_start = text.rfind("\n", 0, q[0]) + 1
    line_end = text.find("\n", q[1])
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:q[0]].strip():
        return None
    m = PULL_TAIL.match(text, q[1], line_end)
    if not m or m.end() != line_end:
        return None
    speaker = ref(text, m.start(1), m.end(1))
    return make_span(text, q[0], q[1], "quotation", kind="pull", prob=P.PULL_QUOTE, speaker=speaker)


def _reported(text: str, sents, found: list[Span], lang: str, doc) -> list[Span]:
    """Reported speech: "X a déclaré que …", "selon X, …", "…, X said", "according to X, …"."""
    from annotate.rules import reported

    out = []
    for s0, s1 in sents:
        span = reported.find(text, (s0, s1), lang, doc)
        clash = [sp for sp in found if span is not None and sp.overlaps(span.start, span.end)]
        if span is not None and clash:  # keep the paraphrase before a partial quote, if substantial
            cut = min(sp.start for sp in clash)
            span = reported.cut(text, span, cut)
        if span is not None and not any(sp.overlaps(span.start, span.end) for sp in found):
            out.append(_refined(doc, text, span, lang))
    return out


def _refined(doc, text: str, span: Span, lang: str) -> Span:
    if doc is None or lang != "fr":
        return span
    from dataclasses import replace

    from annotate.rules import nlp

    att = nlp.refine_attribution(doc, text, speakers.Attribution(span.speaker, span.cue), (span.start, span.end))
    return replace(span, speaker=att.speaker)
