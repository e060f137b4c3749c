"""Per-token features of the attribution tagger, as crfsuite feature strings.

Two families. Universal features (prefix "u") mean the same in English and French: a token
class (reporting verb, sourcing preposition, complementizer, pronoun, determiner, title,
quotation mark...), word shape, quote state, sentence position and the distance to the nearest
reporting verb. Lexical features (prefix "l": the word, its suffixes and neighbours) carry the
English the model was trained on. Training adds a delexicalised copy of part of the data (only
universal features), so French text, tagged with universal features only, falls on weights that
learned to decide without words.
"""
from __future__ import annotations

import re

from annotate.models.speech import _rules
from annotate.models.speech.tokens import Token

# Reporting verbs and nouns beyond the rule lexicon; English forms missing from lexicon.EN_CUES
# that PolNeAR annotates as cues, French forms for incises and "estime que" constructions.
EXTRA_EN = frozenset(
    "urged urges urge called calls described describes stressed stresses emphasized emphasizes criticized "
    "accused accuses charged countered quipped joked conceded concedes vowed vows pledged promised promises "
    "agreed agrees disagreed estimated estimates concluded concludes found finds showed shows show indicated "
    "indicates according argued told testified recalled reported announced explained expects expected hopes "
    "hoped feels felt knows knew worried fears feared believes suggested tweeted posted wrote warned added "
    "acknowledged insisted says said saying claimed argues added asserted observed remarked cautioned "
    "predicted questioned wondered demanded blamed praised".split())
EXTRA_FR = frozenset(
    "dit dira disait estime estiment estimait juge jugent pense pensent pensait croit croient croyait "
    "affirme affirment assure assurent explique expliquent indique indiquent précise précisent souligne "
    "soulignent ajoute ajoutent déclare déclarent annonce annoncent rappelle reconnaît confie martèle "
    "dénonce regrette prévient avertit promet admet soutient répond rétorque lance insiste".split())
SOURCING = frozenset("according selon d'après d’après citing".split())
COMP = frozenset("that que".split())
# Per language: "a" is a determiner in English and an auxiliary in French, "on" a preposition
# in English and a pronoun in French.
PRON = {"en": frozenset("he she they we i".split()), "fr": frozenset("il elle ils elles je nous on".split())}
AUX = {"en": frozenset("has have had is was were are been".split()),
       "fr": frozenset("a ont avait avaient aurait est sont était".split())}
DET = {"en": frozenset("the a an this these those his her their its".split()),
       "fr": frozenset("le la les un une des du ce cette ces son sa ses leur leurs".split())}
TITLES = frozenset("mr mrs ms dr sen gov rep gen prof president senator m mme".split())
CLASSES = {",": "COMMA", ".": "STOP", ":": "COLON", ";": "SEMI", "—": "DASH", "–": "DASH", "(": "PAR", ")": "PAR",
           "?": "STOP", "!": "STOP"}
CUE_CLASSES = ("CUE", "SRC")
FR_VERBS = frozenset("ont avait est sont était".split())
# Participles that open a clause inside a noun phrase ("an investigation published …"); French
# nouns end in -é/-ée too (députée, année), so French takes a list, English the -ed ending.
PARTICIPLE = re.compile(r"[a-z]+ed")
FR_PARTICIPLES = frozenset("publié publiée publiés publiées obtenu obtenue obtenus obtenues réalisé réalisée "
                           "réalisés réalisées mené menée menés menées diffusé diffusée diffusés diffusées paru "
                           "parue parus parues rendu rendue dévoilé dévoilée consulté consultée consultés "
                           "consultées cité citée cités citées".split())


def cue_words(extra_en: frozenset = frozenset()) -> frozenset:
    """The bilingual reporting-verb lexicon (rule lexicon + EXTRA_* + data-derived English cues)."""
    return _rules.EN_CUES | _rules.FR_CUES | EXTRA_EN | EXTRA_FR | extra_en


def token_class(tok: Token, prev: str, cues: frozenset, lang: str = "en") -> str:
    """One coarse, language-independent class per token ("according to" is one SRC, like "selon")."""
    w = tok.text
    low = w.lower()
    if tok.quote in (2, 3):
        return "QO" if tok.quote == 2 else "QC"
    if low in cues and not w[:1].isupper():
        return "CUE"
    if low in _rules.FR_PARTICIPLES and prev in _rules.FR_AUX:
        return "CUE"
    if low in SOURCING:
        return "SRC"
    if low in COMP or low.startswith(("qu'", "qu’")):
        return "COMP"
    lang = "fr" if lang == "fr" else "en"
    if low in PRON[lang] or low.endswith(("-t-il", "-t-elle", "-il", "-elle")):
        return "PRON"
    if low in AUX[lang]:
        return "AUX"
    if low in DET[lang] or (lang == "fr" and low.startswith(("l'", "l’", "d'", "d’"))):
        return "DET"
    if low in TITLES:
        return "TITLE"
    return CLASSES.get(w, "")


# Per-process memos of the context-free parts of the features: a word form's class (for a cue
# list and language) and its shape. They took a third of the feature time on 300 PolNeAR train
# articles (cProfile); a memo is cleared when it passes MEMO_MAX forms, to bound memory.
MEMO_MAX = 200_000
_CLASSES: dict[tuple[frozenset, str], dict[str, str]] = {}
_SHAPES: dict[str, str] = {}


def _classes(toks: list[Token], low: list[str], cues: frozenset, lang: str) -> list[str]:
    """token_class of each token, memoised by word form: the class depends on the previous word
    only for the participles of _rules.FR_PARTICIPLES and on the quote state only at a quotation
    mark (2, 3), which both go to token_class itself."""
    memo = _CLASSES.get((cues, lang))
    if memo is None or len(memo) > MEMO_MAX:
        memo = _CLASSES[(cues, lang)] = {}
    out = []
    for i, t in enumerate(toks):
        c = memo.get(t.text) if t.quote < 2 else None
        if c is None:
            if t.quote >= 2 or low[i] in _rules.FR_PARTICIPLES:
                c = token_class(t, low[i - 1] if i else "", cues, lang)
            else:
                c = memo[t.text] = token_class(t, "", cues, lang)
        out.append(c)
    return out


def _shape_kept(w: str) -> str:
    if len(_SHAPES) > MEMO_MAX:
        _SHAPES.clear()
    out = _SHAPES[w] = shape(w)
    return out


def shape(w: str) -> str:
    if w.isdigit():
        return "d"
    if w[:1].isupper():
        return "X" if len(w) == 1 or w.isupper() else "Xx"
    if w[:1].isalpha():
        return "x"
    return "p"


def _dist_bucket(d: int) -> str:
    if d == 0:
        return "0"
    a = abs(d)
    b = "1" if a == 1 else "2" if a == 2 else "3" if a <= 4 else "5" if a <= 8 else "9" if a <= 16 else "far"
    return ("-" if d < 0 else "+") + b


PAD = "_"  # an attribute the model does not know: crfsuite ignores it (sequence edges)


def sequence_features(toks: list[Token], cues: frozenset, lexical: bool = True, lang: str = "en",
                      slim: bool = False) -> list[list[str]]:
    """Feature strings of each token of one sequence (see the module docstring).

    Built column by column (one list per feature over the whole sequence) because this is
    most of the inference time; an out-of-sequence neighbour gives PAD or "EDGE". `slim` drops
    the wider windows and redundant pairs (22 instead of 36 strings a token: faster to tag)."""
    n = len(toks)
    low = [t.text.lower() for t in toks]
    cls = _classes(toks, low, cues, lang)
    shp = [_SHAPES.get(t.text) or _shape_kept(t.text) for t in toks]
    quo = [str(t.quote) for t in toks]
    near, near_i = _nearest_cue(cls, toks)
    seen = _seen_in_sentence(cls, toks)
    first = ["uf=1" if i == 0 or toks[i - 1].sent != t.sent else "uf=0" for i, t in enumerate(toks)]
    cols = [["b"] * n, ["uc=" + c for c in cls], ["us=" + s for s in shp], ["uq=" + q for q in quo],
            ["ud=" + d for d in near], first, ["ucs=" + c + "|" + s for c, s in zip(cls, shp)],
            ["uk=" + k for k in seen], ["ul=" + x for x in _clause_state(cls, toks)]]
    if not slim:
        cols.append(["udk=" + d + "|" + k for d, k in zip(near, seen)])
    for o in (-2, -1, 1, 2) if slim else (-4, -3, -2, -1, 1, 2, 3, 4):
        edge = "uc%+d=EDGE" % o if -2 <= o <= 2 else PAD
        cols.append(_shifted("uc%+d=" % o, cls, o, edge))
        if -2 <= o <= 2 and not (slim and abs(o) == 2):
            cols.append(_shifted("us%+d=" % o, shp, o, PAD))
        if -1 <= o <= 1 and not slim:
            cols.append(_shifted("uq%+d=" % o, quo, o, PAD))
    cols.append(["ucc=" + a + "|" + b for a, b in zip(cls, cls[1:])] + [PAD] * min(1, n))
    if not slim:
        cols.append([PAD] * min(1, n) + ["upc=" + a + "|" + b for a, b in zip(cls, cls[1:])])
    if lexical:
        cols += [["lw=" + w for w in low], ["l3=" + w[-3:] for w in low]]
        if not slim:
            cols += [["l2=" + w[-2:] for w in low], ["lp3=" + w[:3] for w in low]]
        cols += [_shifted("lw%+d=" % o, low, o, PAD) for o in ((-1, 1) if slim else (-2, -1, 1, 2))]
        cols.append([PAD] * min(1, n) + ["lb=" + a + "|" + b for a, b in zip(low, low[1:])])
        cols.append(["lnc=" + low[j] + "|" + d[:1] if j >= 0 else PAD for j, d in zip(near_i, near)])
    return [list(x) for x in zip(*cols)]


def _shifted(prefix: str, vals: list[str], o: int, edge: str) -> list[str]:
    """prefix + vals[i + o] for each position i, `edge` where i + o falls outside."""
    n = len(vals)
    if o > 0:
        return [prefix + v for v in vals[o:]] + [edge] * min(o, n)
    return [edge] * min(-o, n) + [prefix + v for v in vals[:max(0, n + o)]]


def _clause_state(cls: list[str], toks: list[Token]) -> list[str]:
    """What the sentence showed so far: a cue followed by a complementizer or colon ("C"), a
    cue ("V"), a sourcing preposition ("S"), then a comma after it ("Sc")."""
    out, sent, state = [], -1, "-"
    for i, t in enumerate(toks):
        if t.sent != sent:
            sent, state = t.sent, "-"
        out.append(state)
        c = cls[i]
        if c == "CUE":
            state = "V"
        elif c in ("COMP", "COLON") and state == "V":
            state = "C"
        elif c == "SRC":
            state = "S"
        elif c == "COMMA" and state == "S":
            state = "Sc"
    return out


def _nearest_cue(cls: list[str], toks: list[Token]) -> tuple[list[str], list[int]]:
    """Signed, bucketed token distance to the nearest cue of the same sentence ("none" if none),
    and that cue's index (-1)."""
    pos = [i for i, c in enumerate(cls) if c in CUE_CLASSES]
    if not pos:  # most sequences: no cue at all
        return ["none"] * len(toks), [-1] * len(toks)
    out, idx = [], []
    k = 0
    for i, t in enumerate(toks):
        while k + 1 < len(pos) and abs(pos[k + 1] - i) <= abs(pos[k] - i):
            k += 1
        if pos and toks[pos[k]].sent == t.sent:
            out.append(_dist_bucket(pos[k] - i))
            idx.append(pos[k])
        else:
            out.append("none")
            idx.append(-1)
    return out, idx


def _seen_in_sentence(cls: list[str], toks: list[Token]) -> list[str]:
    """Whether a cue came before ("L"), comes after ("R"), both or neither in the sentence."""
    if "CUE" not in cls and "SRC" not in cls:  # CUE_CLASSES
        return ["-"] * len(toks)
    left, sent, seen = [], -1, False
    for i, t in enumerate(toks):
        if t.sent != sent:
            sent, seen = t.sent, False
        left.append(seen)
        seen = seen or cls[i] in CUE_CLASSES
    right, sent, seen = [False] * len(toks), -1, False
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].sent != sent:
            sent, seen = toks[i].sent, False
        right[i] = seen
        seen = seen or cls[i] in CUE_CLASSES
    return [("L" if a else "") + ("R" if b else "") or "-" for a, b in zip(left, right)]


def is_cue_token(tok: Token, prev: str, cues: frozenset) -> bool:
    """Used by the decoder to keep verbs out of speaker spans."""
    if token_class(tok, prev, cues, "en") in ("CUE", "AUX") or token_class(tok, prev, cues, "fr") == "CUE":
        return True
    low = tok.text.lower()
    return low in FR_VERBS or low in FR_PARTICIPLES or low in _rules.FR_PARTICIPLES or bool(PARTICIPLE.fullmatch(tok.text))
