"""Label schemes and label validation: pure functions, no I/O.

A label is written against a scheme (the project's own, or DEFAULT_SCHEME) and a passage; every
write path (web, CLI, importers, propagation) goes through `validate_label` / `validate_span` so
a bad label never reaches the database, whatever door it came in by.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping

from corpus.errors import Invalid

SOURCES = ("human", "model", "rule", "propagated")
MACHINE_SOURCES = ("model", "rule", "propagated")
# active: a live label or an undecided suggestion; accepted/rejected: a decided suggestion;
# deleted: soft delete (rows stay so annotation_history keeps pointing at them).
STATUSES = ("active", "accepted", "rejected", "deleted")
ROLES = ("curator", "annotator", "viewer")

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class LabelError(Invalid):
    """A label, span or scheme that cannot be written; the message says what and why."""


@dataclass(frozen=True)
class LabelDef:
    """One label of a scheme: `name` is stored on annotations; title/colour/key are for the UI.
    `titles` gives the display name in other interface languages ((locale, name) pairs; `title`
    is the fallback), so a French class reads « Citation », not "Quotation"."""
    name: str
    title: str
    color: str
    key: str
    description: str = ""
    titles: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        return {**asdict(self), "titles": dict(self.titles)}

    def title_in(self, locale: str | None) -> str:
        """The display name in `locale`, else `title`."""
        return dict(self.titles).get(locale or "", self.title)


DEFAULT_SCHEME: tuple[LabelDef, ...] = (
    LabelDef("sourced_fact", "Sourced fact", "#2b8a3e", "1",
             "A factual claim the outlet reports, attributed or verifiable.", (("fr", "Fait sourcé"),)),
    LabelDef("quotation", "Quotation", "#1864ab", "2",
             "Direct or reported speech, with its speaker.", (("fr", "Citation"),)),
    LabelDef("editorial_framing", "Editorial framing", "#c92a2a", "3",
             "The outlet's own evaluative voice.", (("fr", "Cadrage éditorial"),)),
)
DEFAULT_LABELS: tuple[str, ...] = tuple(d.name for d in DEFAULT_SCHEME)


def is_whole(label: Mapping, passage_bounds: tuple[int, int] | None) -> bool:
    """True when the label covers exactly its passage: a whole-passage label, which decides the
    passage's class over any span label inside it (annotate.campaign.agreement.passage_classes)."""
    return passage_bounds == (label["start"], label["end"])


def label_names(scheme: Iterable[LabelDef]) -> list[str]:
    """Names of a scheme in display order."""
    return [d.name for d in scheme]


def validate_label(scheme: Iterable[LabelDef], name: str) -> LabelDef:
    """Return the scheme's definition of `name`, or raise LabelError listing the allowed names."""
    scheme = list(scheme)
    for d in scheme:
        if d.name == name:
            return d
    allowed = ", ".join(label_names(scheme))
    raise LabelError(f"unknown label {name!r}; this scheme allows: {allowed}")


def validate_span(passage: Mapping, start: int, end: int) -> None:
    """A label must lie inside one content passage: passage.start <= start < end <= passage.end."""
    if not passage.get("content", 1):
        raise LabelError(
            f"passage {passage.get('id')} is not content ({passage.get('kind')}); "
            "boilerplate is not labelled"
        )
    if not (isinstance(start, int) and isinstance(end, int)):
        raise LabelError("start and end must be integers (code-point offsets)")
    if not (passage["start"] <= start < end <= passage["end"]):
        raise LabelError(
            f"span [{start}, {end}) is not inside passage {passage.get('id')} "
            f"[{passage['start']}, {passage['end']})"
        )


def validate_speaker(text: str, start: int | None, end: int | None, speaker_text: str | None) -> str | None:
    """Check a speaker span against the article text; return the speaker text to store.

    A speaker may be given as a span of the article (then its text is taken from the article and
    must match any text given) or as bare text (e.g. an outlet name for a propagated quotation).
    """
    if start is None and end is None:
        return speaker_text.strip() if speaker_text and speaker_text.strip() else None
    if start is None or end is None:
        raise LabelError("speaker needs both speaker_start and speaker_end")
    if not (0 <= start < end <= len(text)):
        raise LabelError(f"speaker span [{start}, {end}) is not inside the article (0..{len(text)})")
    actual = text[start:end]
    if speaker_text is not None and speaker_text != actual:
        raise LabelError(f"speaker_text {speaker_text!r} does not match the article text {actual!r}")
    return actual


def validate_source(source: str, prob: float | None) -> None:
    """Machine sources may carry a probability in [0, 1]; human labels carry none."""
    if source not in SOURCES:
        raise LabelError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    if prob is not None and not (0.0 <= float(prob) <= 1.0):
        raise LabelError(f"probability {prob} is outside [0, 1]")


def parse_scheme(items: Iterable[Mapping | LabelDef]) -> list[LabelDef]:
    """Build and check a custom scheme: names snake_case and unique, keys unique, colours #rrggbb."""
    defs = [i if isinstance(i, LabelDef) else _labeldef(i) for i in items]
    if not defs:
        raise LabelError("a scheme needs at least one label")
    _check_unique([d.name for d in defs], "label name")
    _check_unique([d.key for d in defs if d.key], "keyboard key")
    return defs


def _labeldef(item: Mapping) -> LabelDef:
    name = str(item.get("name", "")).strip()
    if not _NAME_RE.match(name):
        raise LabelError(f"label name {name!r} must be lower-case letters, digits or _ (max 40)")
    color = str(item.get("color") or "#868e96")
    if not _COLOR_RE.match(color):
        raise LabelError(f"colour {color!r} of label {name!r} must look like #1a2b3c")
    key = str(item.get("key") or "")
    if len(key) > 1:
        raise LabelError(f"keyboard key {key!r} of label {name!r} must be one character")
    title = str(item.get("title") or name.replace("_", " ").capitalize())
    titles = item.get("titles") or {}
    if not isinstance(titles, Mapping) or not all(isinstance(v, str) and v.strip() for v in titles.values()):
        raise LabelError(f"titles of label {name!r} must map a language code to a display name")
    return LabelDef(name, title, color, key, str(item.get("description") or ""),
                    tuple(sorted((str(k), v.strip()) for k, v in titles.items())))


def _check_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise LabelError(f"duplicate {what} {v!r} in scheme")
        seen.add(v)


def parse_scheme_spec(spec: str) -> list[LabelDef]:
    """Parse the CLI form `name:#color:key,name2:#color:key` (colour and key optional)."""
    items = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        bits = part.split(":")
        items.append({"name": bits[0], "color": bits[1] if len(bits) > 1 and bits[1] else None,
                      "key": bits[2] if len(bits) > 2 else None})
    return parse_scheme(items)
