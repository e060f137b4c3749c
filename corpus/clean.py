"""Tell page boilerplate from article content, line by line, without touching the text.

Copy-pasted and scraped articles carry the page around them: close buttons (×), share buttons
("Facebook Twitter"), photo credits, bylines and dates, "Lire aussi" teasers, lone URLs,
separators, the title repeated by a share widget, and a trailing list of related headlines.
These lines are kept (offsets must stay valid) but marked with a `kind` and `content=False`, so
alignment and annotation skip them. Everything here is pure: lines in, (kind, content) out.
"""
from __future__ import annotations

import re
import unicodedata

CONTENT_KINDS = {"heading", "body", "pull_quote"}
SHARE_WORDS = {
    "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "reddit", "pinterest", "email",
    "e-mail", "mail", "print", "imprimer", "partager", "share", "tweet", "messenger", "mastodon",
    "bluesky", "threads", "flipboard", "copier", "copy", "le", "lien", "link", "envoyer", "send",
    "sur", "on", "this", "article", "cet", "|", "·", "•", "/",
}
CLOSE_BUTTON = re.compile(r"^[×✕✖✗╳]+$")
URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
CREDIT = re.compile(
    r"^(?:©|\(c\)\s|(?:cr[ée]dits?(?:\s+photos?)?|photos?|image|illustration|source\s+photo|photo\s+credits?"
    r"|credits?)\s*(?::|\s©))", re.I)
TEASER = re.compile(
    r"^(?:lire\s+aussi|[àa]\s+lire\s+aussi|lire\s+[ée]galement|voir\s+aussi|sur\s+le\s+m[êe]me\s+sujet"
    r"|read\s+more|read\s+also|also\s+read|see\s+also|related)(?:\s*[:|>»\-–—]|\s)", re.I)
_FR_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_EN_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_TIME = r"(?:\s*(?:à|at|,|-)?\s*\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:am|pm))?)?"
DATE = re.compile(
    r"^(?:(?:publi[ée]\s+|mis\s+à\s+jour\s+|updated\s+|published\s+)?(?:le\s+|on\s+)?:?\s*)"
    rf"(?:(?:{_DAYS}),?\s+)?"
    rf"(?:\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:{_FR_MONTHS}|{_EN_MONTHS})\s+\d{{4}}"
    rf"|(?:{_EN_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{2,4})"
    rf"{_TIME}\.?$", re.I)
# "Par Jean Dupont, publié le 12 mai 2024 à 10h", "By Jane Doe | Updated March 3, 2024",
# "Jane Doe — mis à jour le …": a byline that carries its date on the same line.
_STAMP = r"(?i:publi[ée]e?|mis\s+à\s+jour|modifi[ée]e?|updated|published|posted|last\s+updated)"
_NAME = r"[A-ZÀ-ÖØ-Þ][\w’'.\-]+(?:\s+(?:(?:de|du|des|van|von|le|la|d’|d')\s+)?[A-ZÀ-ÖØ-Þ][\w’'.\-]+){0,4}"
BYLINE_WITH_DATE = re.compile(rf"^(?:(?i:par|by)\s+)?{_NAME}(?:\s+(?i:et|and)\s+{_NAME})?\s*(?:,|\||·|•|—|–|-)\s*{_STAMP}"
    rf"\s*(?i:le\s+|on\s+|:\s*|at\s+|à\s+)?(?i:{_DAYS}|{_FR_MONTHS}|{_EN_MONTHS}|\d{{1,4}}(?:[/.\-:h]|er\b|\s+(?:{_FR_MONTHS}|{_EN_MONTHS}|hours?|heures?|min)))")
_AGENCY = r"(?:AFP|Reuters|AP|Associated\s+Press|dpa|ANSA|EFE|Belga|ATS|Bloomberg)"
# Datelines on a line of their own: "PARIS (AFP) —", "WASHINGTON —", "Paris, le 12 mai 2024".
DATELINE = re.compile(
    rf"^(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’ .\-]{{1,30}}(?:,\s*[\w'’ .\-]{{1,30}})?\s*(?:\({_AGENCY}\))?\s*[—–\-:]"
    rf"|[A-ZÀ-ÖØ-Þ][\w'’ .\-]{{1,30}}\s*\({_AGENCY}\)\s*[—–\-:]?"
    rf"|[A-ZÀ-ÖØ-Þ][\w'’ .\-]{{1,30}},\s+le\s+\d{{1,2}}(?:er)?\s+(?:{_FR_MONTHS})\s+\d{{4}}\.?)$")
NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’'.\-]*$")
NAME_PARTICLES = {"de", "du", "des", "d’", "van", "von", "der", "den", "di", "da", "le", "la", "et", "and", ","}
BYLINE_PREFIX = re.compile(r"^(?:par|by|de)\s+", re.I)
TOP_LINES = 15  # bylines sit in the page header: only the first lines are candidates
SHORT_LINE = 200
MIN_RELATED = 3


def normal_form(line: str) -> str:
    """Comparison key for near-identical lines: NFKC (NBSP → space), casefold, one apostrophe."""
    folded = unicodedata.normalize("NFKC", line).casefold().replace("’", "'")
    return " ".join(folded.split())


def classify_lines(lines: list[str], shapes: list[str]) -> list[tuple[str, bool]]:
    """(kind, content) per line; `shapes` are the segmenter's heading/body/pull_quote guesses."""
    kinds = [_line_rule(line) or shape for line, shape in zip(lines, shapes)]
    _mark_bylines(lines, kinds)
    _mark_repeated_headings(lines, kinds)
    _mark_related_tail(lines, kinds)
    return [(kind, kind in CONTENT_KINDS) for kind in kinds]


def _line_rule(line: str) -> str | None:
    """The boilerplate kind a line has on its own, or None."""
    if CLOSE_BUTTON.match(line) or not any(map(str.isalnum, line)) or is_share_line(line):
        return "boilerplate"
    if URL_LINE.match(line):
        return "link"
    if CREDIT.match(line):
        return "credit"
    if TEASER.match(line):
        return "link"
    if len(line) <= 80 and DATE.match(line.strip()):
        return "date"
    if len(line) <= 160 and BYLINE_WITH_DATE.match(line):
        return "byline"
    if len(line) <= 70 and DATELINE.match(line.strip()):
        return "dateline"
    return None


def is_share_line(line: str) -> bool:
    """True for a row of share buttons such as "Facebook Twitter" or "Partager sur Facebook | X"."""
    if len(line) > 120:  # before tokenising: most lines are long paragraphs
        return False
    tokens = re.findall(r"[\w\-]+|[|·•/]", line.casefold())
    return bool(tokens) and all(t in SHARE_WORDS for t in tokens) \
        and any(t not in {"|", "·", "•", "/", "le", "sur", "on", "this", "cet", "article"} for t in tokens)


def is_name(line: str) -> bool:
    """A lone person name ("Roxane Sinigaglia", "Par Jean de La Fontaine"): 2–5 capitalised words."""
    text = BYLINE_PREFIX.sub("", line.strip())
    if len(text) > 60:  # before tokenising: headings and paragraphs are usually longer
        return False
    tokens = text.replace(",", " , ").split()
    names = [t for t in tokens if t.casefold() not in NAME_PARTICLES]
    return 2 <= len(names) <= 5 and all(NAME_TOKEN.match(t) for t in names) \
        and not any(map(str.isdigit, text))


def _mark_bylines(lines: list[str], kinds: list[str]) -> None:
    # A capitalised short line is also what an English Title Case headline looks like, so a name
    # counts as a byline only with a "Par/By" prefix or next to a date, credit or share line.
    for i in range(min(TOP_LINES, len(lines))):
        if kinds[i] not in CONTENT_KINDS or not is_name(lines[i]):
            continue
        neighbours = kinds[max(0, i - 1):i] + kinds[i + 1:i + 2]
        if BYLINE_PREFIX.match(lines[i]) or any(k in {"date", "credit", "boilerplate"} for k in neighbours):
            kinds[i] = "byline"


def _mark_repeated_headings(lines: list[str], kinds: list[str]) -> None:
    """A heading that repeats an earlier heading (a share widget echoing the title) is boilerplate."""
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if kinds[i] != "heading":
            continue
        key = normal_form(line)
        if key in seen:
            kinds[i] = "boilerplate"
        seen.add(key)


def _mark_related_tail(lines: list[str], kinds: list[str]) -> None:
    """Short lines after the body, past share buttons or a separator, are related-article links.

    One short closing paragraph after a share row is still body, so a tail counts as related only
    when it holds no body line or at least MIN_RELATED lines (a list of headlines).
    """
    # Precomputed bounds keep this linear: hostile texts have many lines and separators.
    first_body = next((i for i, k in enumerate(kinds) if k == "body"), len(kinds))
    last_body = max((i for i, k in enumerate(kinds) if k == "body"), default=-1)
    last_long = max((i for i, line in enumerate(lines) if len(line) > SHORT_LINE), default=-1)
    for i, line in enumerate(lines):
        if i <= first_body or i < last_long or i == len(lines) - 1 or not _is_boundary(line):
            continue
        if len(lines) - i - 1 >= MIN_RELATED or last_body < i:
            for j in range(i + 1, len(lines)):
                if kinds[j] in CONTENT_KINDS or kinds[j] == "boilerplate" and not _is_boundary(lines[j]):
                    kinds[j] = "related"
            return


def _is_boundary(line: str) -> bool:
    return is_share_line(line) or (not any(map(str.isalnum, line)) and not CLOSE_BUTTON.match(line))
