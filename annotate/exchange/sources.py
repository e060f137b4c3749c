"""Which labels an export carries: gold, one annotator, all humans, suggestions, or everything.

A choice is written as a string, the same on the web page (`?source=`) and the CLI (`--source`):
`gold`, `human` (every annotator), `annotator:<username>`, `suggestions` (model, rule and
propagated), `all` (everything, each row marked with its source), or `auto` (gold where the
project has any, else human labels, else suggestions: what a newly analysed project holds).
Gold rows come from the project's adjudicated labels and carry `source="gold"`.

Formats that hold one set of spans per text (doccano, spaCy) never mix sources or annotators:
they refuse `all`, and with `human` they write one record per (article, annotator).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from annotate.labels import people, store
from annotate.labels.schemes import MACHINE_SOURCES
from corpus.errors import Invalid

CHOICES = ("auto", "gold", "human", "suggestions", "all")  # plus "annotator:<username>"


class SourceError(Invalid):
    """A source choice that does not exist or does not fit the format."""


@dataclass(frozen=True)
class SourceChoice:
    kind: str                    # one of CHOICES, or "annotator"
    username: str | None = None  # for kind "annotator"

    def __str__(self) -> str:
        return f"annotator:{self.username}" if self.kind == "annotator" else self.kind


def parse_source(value: str | None) -> SourceChoice:
    """The choice written as `value` (None: auto); SourceError names the allowed values."""
    value = (value or "auto").strip()
    if value.startswith("annotator:") and value[len("annotator:"):].strip():
        return SourceChoice("annotator", value[len("annotator:"):].strip())
    if value not in CHOICES:
        raise SourceError(f"unknown source {value!r}; choose from {', '.join(CHOICES)} or annotator:<username>")
    return SourceChoice(value)


def resolve(db: sqlite_utils.Database, choice: SourceChoice, project_id: int | None,
            article_ids: list[str]) -> SourceChoice:
    """`auto` made concrete for these articles; checks that gold and annotators exist."""
    if choice.kind in ("gold", "auto") and project_id is None:
        if choice.kind == "gold":
            raise SourceError("gold labels belong to a project: give the project to export its gold")
        return SourceChoice("human") if _any(db, None, article_ids, ("human",)) else SourceChoice("suggestions")
    if choice.kind == "auto":
        if store.list_gold(db, project_id):
            return SourceChoice("gold")
        return SourceChoice("human") if _any(db, project_id, article_ids, ("human",)) else SourceChoice("suggestions")
    if choice.kind == "annotator" and people.user_id_by_name(db, choice.username) is None:
        raise SourceError(f"no user named {choice.username!r}")
    return choice


def _any(db, project_id, article_ids, sources) -> bool:
    return any(store.list_labels(db, project_id=project_id, article_id=a, sources=sources, with_suggestions=False)
               for a in article_ids)


def labels_for(db: sqlite_utils.Database, choice: SourceChoice, project_id: int | None, article_id: str,
               statuses: Iterable[str] = ("active",)) -> list[dict]:
    """The article's labels under a resolved choice, in text order (gold rows marked source 'gold')."""
    gold = gold_rows(db, project_id, article_id) if choice.kind in ("gold", "all") and project_id else []
    if choice.kind == "gold":
        return gold
    sources = {"human": ("human",), "annotator": ("human",), "suggestions": MACHINE_SOURCES}.get(choice.kind)
    annotator = people.user_id_by_name(db, choice.username) if choice.kind == "annotator" else None
    rows = store.list_labels(db, project_id=project_id, article_id=article_id, sources=sources,
                             annotator_id=annotator, statuses=statuses)
    return sorted(rows + gold, key=lambda r: (r["start"], r["end"], r["source"] != "gold"))


def gold_rows(db: sqlite_utils.Database, project_id: int, article_id: str) -> list[dict]:
    """The project's gold labels on one article, shaped like annotation rows (source 'gold',
    `annotator_id` the curator who decided, `id` prefixed so it never collides with a label)."""
    out = []
    for g in store.list_gold(db, project_id):
        if g["article_id"] == article_id:
            out.append({**g, "id": f"gold-{g['id']}", "gold_id": g["id"], "source": "gold", "status": "active",
                        "annotator_id": g["decided_by"], "prob": None, "model": None, "origin_id": None,
                        "alignment_kind": None, "created_at": g["decided_at"], "updated_at": g["decided_at"]})
    return out


def one_per_span(labels: list[dict]) -> list[dict]:
    """At most one label per exact span, for formats with one label per span: where rows
    disagree on the same span (two suggestions, say) the most probable wins, ties to the first."""
    best: dict[tuple[int, int], dict] = {}
    for row in labels:
        key = (row["start"], row["end"])
        if key not in best or (row.get("prob") or 0) > (best[key].get("prob") or 0):
            best[key] = row
    return [r for r in labels if best[(r["start"], r["end"])] is r]
