"""Who said it and with which verb: cue and speaker spans around a quotation.

Two layers. Rules over words (both languages; the only layer for English, which has no spaCy
model on the registry) find the reporting verb next to the quote and take the noun phrase on the
subject side: before the verb in normal order ("la CNIL déclare"), after it in an incise
(« … », assure notre interlocuteur) or after "selon"/"according to". For French, when the spaCy
parse is available, the speaker is replaced by the parser's subject phrase of that verb, which
handles appositions and complements better than word windows (see `refine_with_parse`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from annotate.rules import lexicon
from annotate.rules import params as P
from annotate.rules.spans import Ref, ref

WORD = re.compile(r"\w+[’']|[\w]+(?:[-.](?=\w)[\w]+)*(?:-t-\w+)?|\S", re.U)
BREAK = set(",;:.!?«»“”\"()[]—–…")
TITLES = {"Mr", "Mrs", "Ms", "Dr", "Sen", "Gov", "Rep", "Gen", "Prof", "St", "M", "Mme"}
STOP_FR = set(
    "que qu’ qu' qui dont où et mais car donc or sur dans pour lors avec sans lorsque quand si "
    "comme depuis pendant avant après par".split()
)
STOP_EN = set("that who which whose and but because on in at for with during after before when if as while by".split())
SKIP_FR = set(
    "ainsi enfin encore alors aussi toujours également pourtant déjà aussitôt en effet fin début mi "
    "hier aujourd’hui lundi mardi mercredi jeudi vendredi samedi dimanche ce matin soir ne n’ pas "
    "-t-il -t-elle".split()
)
SKIP_EN = set("also then later again however on monday tuesday wednesday thursday friday saturday sunday yesterday today earlier".split())
PRONOUNS = set("il elle ils elles on je nous vous he she they we i it".split())
IMPERSONAL = {"on", "peut-on", "lit-on", "it"}
# A verb joined to the sentence by a conjunction after a quote ("… estime que le projet « n'a
# jamais eu de sens » et demande un audit") has the sentence's subject: its object is no speaker.
# Only a bare conjunction right before the cue: "and the company said" names a new subject, and
# "then-President Donald Trump said" is no conjunction at all.
COORDINATION = re.compile(r"(?:et|mais|puis|ou|and|but|then|or)\s+$", re.I)
# A French sentence opening "Pour <Name>," gives that name's view ("Pour Place au vélo, la décision
# « sacrifie les quartiers sud »"). Only a capitalised name counts: "Pour la première fois," or
# "Pour 2027," open no one's view. Up to six words: an organisation's name, not a clause.
FR_POUR = re.compile(r"\s*(Pour)\s+([A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+[\w’'-]+){0,5}?)\s*,")


@dataclass(frozen=True)
class Attribution:
    speaker: Ref | None
    cue: Ref | None


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Words (and single punctuation marks) of text[start:end] with absolute offsets."""
    end = len(text) if end is None else end
    return [(start + m.start(), start + m.end(), m.group()) for m in WORD.finditer(text[start:end])]


def is_cue(word: str, lang: str, prev: str = "") -> bool:
    """True when `word` is a reporting verb form ("déclare", "said"); French participles only
    count after an auxiliary ("a déclaré") because alone they are mostly adjectives."""
    if word[:1].isupper():  # "United States", "Notes": capitalised words are names, not verbs
        return False
    w = word.lower()
    if lang == "fr":
        if w in lexicon.FR_CUES:
            return True
        return w in lexicon.FR_PARTICIPLES and prev.lower() in lexicon.FR_AUX
    return w in lexicon.EN_CUES


def _stops(lang: str) -> tuple[set, set]:
    return (STOP_FR, SKIP_FR) if lang == "fr" else (STOP_EN, SKIP_EN)


def np_after(text: str, pos: int, limit: int, lang: str) -> Ref | None:
    """The noun phrase starting at `pos` (skipping adverbs and dates), as the subject of an
    inverted reporting verb: « … », assure *notre interlocuteur* / said *the spokesman*."""
    stop, skip = _stops(lang)
    toks = words(text, pos, limit)
    i = 0
    while i < len(toks) and (toks[i][2].lower() in skip or toks[i][2].isdigit()):
        i += 1
    picked: list[tuple[int, int, str]] = []
    for s, e, w in toks[i:]:
        if w in BREAK and not (w == "." and picked and picked[-1][2] in TITLES):
            break
        if w.lower() in stop or (picked and is_cue(w, lang)) or len(picked) >= P.SPEAKER_MAX_WORDS:
            break
        picked.append((s, e, w))
    return _finish(text, picked, lang)


def np_before(text: str, pos: int, floor: int, lang: str) -> Ref | None:
    """The noun phrase ending at `pos` (skipping auxiliaries), as the subject of a reporting verb
    in normal order: *la CNIL* déclare / *The New York Post* reports."""
    stop, skip = _stops(lang)
    toks = words(text, floor, pos)
    while toks and (toks[-1][2].lower() in lexicon.FR_AUX | {"has", "had", "have", "ne", "n’", "n'"} | skip):
        toks.pop()
    if toks and toks[-1][2] == ",":  # X, le 14 novembre, révèle: skip the inserted phrase
        commas = [k for k, t in enumerate(toks[:-1]) if t[2] == ","]
        toks = toks[:commas[-1]] if commas else []
    picked: list[tuple[int, int, str]] = []
    depth = 0
    for s, e, w in reversed(toks):
        depth += (w == ")") - (w == "(")
        if depth == 0 and w != "(" and (w in BREAK or w.lower() in stop) or len(picked) >= 16:
            break
        picked.insert(0, (s, e, w))
    while picked and picked[0][2] in "()":
        picked.pop(0)
    return _finish(text, picked, lang)


def _finish(text: str, picked: list, lang: str) -> Ref | None:
    dets = lexicon.FR_DETERMINERS if lang == "fr" else lexicon.EN_DETERMINERS
    while picked and picked[-1][2].lower() in dets | {"de", "d’", "d'", "of", "du"}:
        picked.pop()
    if not picked or all(w.lower() in dets for _, _, w in picked):
        return None
    return ref(text, picked[0][0], picked[-1][1])


def find_cue(text: str, start: int, end: int, lang: str, first: bool = True) -> Ref | None:
    """The first (or last) reporting verb or sourcing preposition in text[start:end]."""
    found = None
    toks = words(text, start, end)
    for k, (s, e, w) in enumerate(toks):
        prev = toks[k - 1][2] if k else ""
        if is_cue(w, lang, prev):
            found = Ref(s, e, w)
        if found and first:
            return found
    for m in (lexicon.FR_SOURCING if lang == "fr" else lexicon.EN_SOURCING).finditer(text, start, end):
        if found is None or (m.start() < found.start if first else m.start() > found.start):
            found = Ref(m.start(), m.end(), m.group())
    return found


def is_sourcing(cue: Ref) -> bool:
    """True for "selon"/"d'après"/"according to" cues, whose speaker follows them."""
    return bool(lexicon.FR_SOURCING.fullmatch(cue.text) or lexicon.EN_SOURCING.fullmatch(cue.text))


def attribute(text: str, sent: tuple[int, int], q: tuple[int, int], lang: str) -> Attribution:
    """Cue and speaker of the quotation text[q[0]:q[1]] inside sentence `sent`.

    Order of preference: an incise right after the quote, a cue before the quote in the same
    sentence, a cue later in the sentence; a colon before the quote makes the clause subject
    the speaker even without a reporting verb ("X reste évasif : « … »").
    """
    s0, s1 = sent
    after = _after(text, q[1], s1, lang)
    if after.cue and after.speaker is not None and after.speaker.text.lower() not in IMPERSONAL:
        return after
    before = _before(text, s0, q[0], lang)
    if before.speaker or (before.cue and not after.cue):
        return before
    if after.cue:
        return after
    headline = re.match(r"[\s»”\"]*:\s*", text[q[1]:s1])
    if headline:
        return Attribution(_clause_subject(text, q[1] + headline.end(), s1, lang), None)
    return _after(text, q[1], s1, lang, anywhere=True)


def _after(text: str, pos: int, limit: int, lang: str, anywhere: bool = False) -> Attribution:
    gap = text[pos:limit]
    m = re.match(r"[\s,»”\"]*(?:[-—–]\s*)?", gap)
    cue_start = pos + m.end()
    cue = find_cue(text, cue_start, limit, lang)
    if cue is None:
        return Attribution(None, None)
    between = text[cue_start:cue.start]
    if COORDINATION.match(between):  # « … » et demande un audit: the sentence's subject goes on, no incise
        return Attribution(None, None)
    if not anywhere and len(words(between)) > P.CUE_MAX_GAP_WORDS:
        return Attribution(None, None)
    if anywhere and not re.search(r"[,;]\s*(?:comme\s+(?:l[’']|le\s+|la\s+)?)?$|^\s*$", text[pos:cue.start]):
        return Attribution(None, None)
    speaker = None
    if re.search(r"\w", between) and not is_sourcing(cue):  # « … » : Glucksmann soutient …
        speaker = np_before(text, cue.start, cue_start, lang)
    speaker = speaker or np_after(text, cue.end, limit, lang)
    return Attribution(speaker, cue)


def _before(text: str, floor: int, pos: int, lang: str) -> Attribution:
    cue = find_cue(text, floor, pos, lang, first=False)
    if cue is not None:
        if is_sourcing(cue):
            return Attribution(np_after(text, cue.end, pos, lang), cue)
        speaker = np_before(text, cue.start, floor, lang)
        if speaker is None and cue.text.lower().endswith(("ant", "ing")):
            speaker = _agent(text, floor, cue.start, lang)
        return Attribution(speaker, cue)
    opener = FR_POUR.match(text, floor, pos) if lang == "fr" else None
    if opener:  # « Pour Place au vélo, la décision « sacrifie … » »: the opinion is the named one's
        return Attribution(ref(text, *opener.span(2)), ref(text, *opener.span(1)))
    lead = text[floor:pos].rstrip()
    if lead.endswith(":"):
        comma = max(lead.rfind(","), lead.rfind(";"))
        clause_start = floor + comma + 1 if comma >= 0 else floor
        subject = _clause_subject(text, clause_start, floor + len(lead) - 1, lang)
        if subject is None and comma >= 0:
            subject = np_before(text, floor + comma, floor, lang)
        return Attribution(subject, None)
    return Attribution(None, None)


def _agent(text: str, floor: int, pos: int, lang: str) -> Ref | None:
    """Speaker of a participle cue: the agent before it ("envoyé par un autre gradé, rappelant")."""
    m = None
    for m in re.finditer(r"\b(?:par|by)\s+", text[floor:pos]):
        pass
    return np_after(text, floor + m.end(), pos, lang) if m else None


def _clause_subject(text: str, start: int, end: int, lang: str) -> Ref | None:
    """Leading noun phrase of a clause ("un cadre de la police invite … :" → "un cadre de la police")."""
    toks = words(text, start, end)
    dets = lexicon.FR_DETERMINERS if lang == "fr" else lexicon.EN_DETERMINERS
    picked = []
    for s, e, w in toks:
        low = w.lower()
        starts_np = not picked and (low in dets or w[:1].isupper() or low in PRONOUNS)
        continues = picked and (low in dets or low in {"de", "d’", "du", "des", "of"} or w[:1].isupper() or
                                picked[-1][2].lower() in dets | {"de", "d’", "du", "des", "of"})
        if not (starts_np or continues) or w in BREAK:
            break
        picked.append((s, e, w))
    return _finish(text, picked, lang)


def resolve_pronouns(spans: list, names: list[Ref] = ()) -> list:
    """Point a pronoun speaker ("Il précise", "il expliquait") at the closest earlier speaker that
    is not a pronoun (the person a reader would name) and that the pronoun can refer to (see
    `agrees`), else at the closest earlier such person or organisation name (`names`, from the
    French NER) in the same text."""
    from dataclasses import replace

    out, seen = [], []
    for span in sorted(spans, key=lambda s: s.start):
        spk = span.speaker
        if spk is not None and spk.text.lower() in PRONOUNS:
            target = antecedent(spk.text, seen) or antecedent(spk.text, [n for n in names if n.end <= spk.start])
            if target is not None:
                span = replace(span, speaker=target, meta={**span.meta, "pronoun": spk.as_dict()})
        elif spk is not None and spk.text.lower() not in IMPERSONAL:
            seen.append(spk)
        out.append(span)
    return out


def antecedent(pronoun: str, earlier: list):
    """The closest of the `earlier` mentions (in text order, each with `.text`) that `pronoun`
    can stand for (`agrees`), or None."""
    return next((m for m in reversed(earlier) if agrees(pronoun, m.text)), None)


def agrees(pronoun: str, mention: str) -> bool:
    """Whether an English pronoun can stand for `mention`: "it" never for a person named with a
    title or role ("The firm blames …, which it says rose" is not its chief executive's claim),
    "he"/"she" never for a bare common noun ("the company") unless it is a role ("the minister",
    "the company's chief executive"). French il/elle follow grammatical gender (une entreprise:
    elle), so any mention may do."""
    low = pronoun.lower()
    words = mention.split()
    after = [*words[1:], ""]  # a role word right before an organisation's head names no person: "the Justice Department"
    role = any(w.casefold() in lexicon.PERSON_NOUNS and nxt.casefold() not in lexicon.ORG_HEADS
               for w, nxt in zip(words, after))
    if low == "it":
        return not role
    if low in ("he", "she"):
        return role or not (words and words[0].lower() in lexicon.EN_DETERMINERS
                            and not any(w[:1].isupper() for w in words[1:]))
    return True


def carry_speakers(spans: list, text: str, gap: int = 80) -> list:
    """A quote with no attribution right after an attributed one continues it:
    "« … », X said. « … »" — the second sentence is X's too."""
    from dataclasses import replace

    out, prev = [], None
    for span in sorted(spans, key=lambda s: s.start):
        if (span.speaker is None and span.cue is None and prev is not None and prev.speaker is not None
                and 0 <= span.start - prev.end <= gap and span.label == "quotation"
                and "\n" not in text[prev.end:span.start]):
            span = replace(span, speaker=prev.speaker, cue=prev.cue, meta={**span.meta, "continued": True})
        out.append(span)
        if span.label == "quotation":
            prev = span
    return out
