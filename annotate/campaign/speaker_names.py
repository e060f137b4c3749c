"""Who a speaker is, across the ways outlets name them: "Chief executive Maria Olsen", "Maria
Olsen" and "Olsen" are one person in a story's "who is quoted" and never a quote "attributed
differently".

Outlets name the same person with and without a role ("Union representative Tom Haley" / "Tom
Haley", "le maire Jean Dupont" / "Jean Dupont") and by surname once introduced. A key is the
name itself: the capitalised words that end the mention (everything up to a title or role
such as Mayor, Dr, TD, Prime Minister, M., Mme dropped); a mention with no such name ("the
regional development agency", "Place au vélo", "le ministre de la Santé") keeps its whole
normalised text. Within one story a lone surname joins the one full
name that ends with it (two Olsens: it stays apart, nothing is guessed).
"""
from __future__ import annotations

import re
import unicodedata

from annotate.rules import lexicon
from annotate.rules.speakers import PRONOUNS

_TRIM = " \t\n\"'«»“”‹›()[],.;:!?-–—"
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
TITLES = lexicon.PERSON_ROLES  # what a name may follow ("Prime Minister Keir Starmer")
# Lower-case words allowed inside a name ("Charles de Gaulle", "Ursula von der Leyen").
PARTICLES = frozenset("de du des la le van von der den da di del d' al bin ibn of".split())
# Words after which capitalised words name a place or body, not the speaker ("the head of Unite").
PREPOSITIONS = frozenset("of for at from in de du des d' au aux à".split())
POSSESSIVE = ("'s", "’s", "s'", "s’")


def normalise(name: str) -> str:
    """Comparison form of a mention: NFKC, whitespace collapsed, quotes and punctuation trimmed,
    typographic apostrophes straightened, casefolded."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip(_TRIM)
    return name.replace("’", "'").casefold()


def names_someone(mention: str | None) -> bool:
    """Whether a speaker mention names anyone: not empty, and not a lone pronoun nobody could
    resolve ("it says" counts as unattributed, and is never a quote "attributed differently")."""
    key = normalise(mention or "")
    return bool(key) and key not in PRONOUNS


def key_of(mention: str, keys: dict[str, str] | None = None) -> str:
    """A mention's speaker key: from `keys` (speaker_keys over its story) when there, else its
    normalised text."""
    return (keys or {}).get(mention) or normalise(mention)


def name_core(mention: str) -> str | None:
    """The name a mention ends with ("Chief executive Maria Olsen" -> "Maria Olsen", "Local TD
    Sinead Burke" -> "Sinead Burke"), or None when it ends with no capitalised word. A mention
    with a comma is read up to it ("Tom Haley, who represents the workers"), else, or when the
    part before ends with a role's complement ("le maire de Lyon, Jean Dupont"), from the first
    later part that ends with a name ("Le vice-président chargé des mobilités, Bertrand Affilé");
    after a complement that later part must be a bare name ("Un porte-parole de la SNCF, contacté
    par Le Monde" stays the SNCF's)."""
    if "," in mention:
        parts = mention.split(",")
        first = _core(parts[0])
        governed = first is not None and _governed(parts[0])
        later = (_core(p) for p in parts[1:] if not governed or _bare_name(p))
        last = next(filter(None, later), None)  # "…, Emma Blain, who chairs it"
        return last if governed and last else first or last  # "le maire de Lyon, Jean Dupont": not Lyon
    return None if _governed(mention) else _core(mention)  # "le ministre de la Santé" names no one


def _bare_name(part: str) -> bool:
    """Is `part` only a name, after any determiner or title ("Jean Dupont", "le maire Jean Dupont")?"""
    words, run = _run(part)
    return bool(run) and all(w.casefold() in TITLES | lexicon.EN_DETERMINERS | lexicon.FR_DETERMINERS
                             for w in words[:len(words) - len(run)])


def _run(mention: str) -> tuple[list[str], list[str]]:
    """The mention's words and the capitalised run (with inner particles) that ends it."""
    words = _WORD.findall(unicodedata.normalize("NFKC", mention))
    run: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() or (run and word.casefold() in PARTICLES):
            run.insert(0, word)
        else:
            break
    return words, run


def _governed(mention: str) -> bool:
    """Is the capitalised end of `mention` the complement of a role ("Le président de la
    République", "The head of the BBC") rather than a person's name?"""
    words, run = _run(mention)
    if not run:
        return False
    if not run[0][:1].isupper():  # "de la République", "du Sénat"
        return True
    before = [w.casefold() for w in words[:len(words) - len(run)]]
    if before and before[-1] in lexicon.EN_DETERMINERS | lexicon.FR_DETERMINERS:
        before.pop()
    return bool(before) and before[-1] in PREPOSITIONS


def _core(mention: str) -> str | None:
    _, run = _run(mention)
    if run and run[-1].casefold() in lexicon.ORG_HEADS:  # "the Justice Department": no title inside
        titled = []
    else:  # a title, or an outlet's possessive before its journalist ("CNN's Jake Tapper")
        # a title before a name ("Bruno Le Maire" ends with one, and it is his name)
        titled = [k for k, word in enumerate(run[:-1]) if word.casefold() in TITLES or word.endswith(POSSESSIVE)]
    if titled:  # "Prime Minister Keir Starmer", "Federal Reserve Chairman Jerome Powell"
        run = run[titled[-1] + 1:]
    while run and run[0].casefold() in PARTICLES and run[0][:1].islower():  # "de Gaulle", not "Le Pen"
        run.pop(0)
    return " ".join(run) or None


def shown_name(forms: dict[str, int]) -> str:
    """The mention that stands for a speaker: the most frequent of {mention: count}, the longest
    of equally frequent ones ("Chief executive Maria Olsen" once, "Olsen" once: the first says who)."""
    return max(forms.items(), key=lambda kv: (kv[1], len(kv[0])))[0]


def speaker_keys(mentions: list[str]) -> dict[str, str]:
    """{mention: key} for the speaker mentions of one story (see the module docstring)."""
    keys, names = {}, set()
    for mention in mentions:
        core = name_core(mention)
        keys[mention] = normalise(core) if core else normalise(mention)
        if core:
            names.add(keys[mention])
    for mention, key in keys.items():  # names only, both ways: "Leader" is not "the labour leader", "le maire" not "Bruno Le Maire"
        longer = [name for name in names if name.endswith(" " + key)] if key in names else []  # "olsen", "le pen"
        if len(longer) == 1:
            keys[mention] = longer[0]
    return keys
