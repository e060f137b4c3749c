"""Label items read from files, before validation: the shared vocabulary of every importer.

Kept apart from annotate.exchange.importers (which dispatches on the format and saves) so that each
format's reader (import_ls for Label Studio) can use them without importing the dispatcher back.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from corpus import store as corpus_store
from corpus.errors import Invalid
from corpus.models import IngestError


class ItemError(Invalid):
    """A problem with one task/line; becomes an IngestError with the item's line."""


@dataclass
class Item:
    """One label read from a file, in code points, not yet validated against the database."""
    line: int
    article_id: str
    start: int
    end: int
    label: str
    source: str = "human"
    annotator_id: int | None = None
    prob: float | None = None
    model: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_text: str | None = None


@dataclass
class ImportReport:
    """What an import did: labels saved, duplicates skipped, errors collected."""
    saved: int = 0
    skipped: int = 0
    errors: list[IngestError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"saved": self.saved, "skipped": self.skipped,
                "errors": [{"file": e.filename, "line": e.line, "message": e.message, "text": str(e)}
                           for e in self.errors]}


def resolve_article(db: sqlite_utils.Database, text: str | None, article_id: str | None = None) -> str:
    """The stored article this text belongs to (by id when its text matches, else by content hash)."""
    if article_id and isinstance(article_id, str):
        art = corpus_store.get_article(db, article_id)
        if art is not None and (text is None or art["text"] == text):
            return article_id
    if text is not None:
        found = corpus_store.article_by_hash(db, corpus_store.content_hash(text))
        if found:
            return found
    raise ItemError("no stored article has this text (ingest the article first)")


def json_array_items(raw: str) -> list[tuple[int, object]]:
    """(line, element) of a JSON array (or a single object), keeping each element's start line."""
    decoder, idx = json.JSONDecoder(), _skip_ws(raw, 0)
    if raw.startswith("{", idx):
        return [(raw.count("\n", 0, idx) + 1, decoder.raw_decode(raw, idx)[0])]
    if not raw.startswith("[", idx):
        raise json.JSONDecodeError("expected a JSON array of tasks", raw, idx)
    items, idx = [], _skip_ws(raw, idx + 1)
    while not raw.startswith("]", idx):
        obj, end = decoder.raw_decode(raw, idx)
        items.append((raw.count("\n", 0, idx) + 1, obj))
        idx = _skip_ws(raw, end)
        if raw.startswith(",", idx):
            idx = _skip_ws(raw, idx + 1)
        elif not raw.startswith("]", idx):
            raise json.JSONDecodeError("expected ',' or ']'", raw, idx)
    return items


def _skip_ws(raw: str, idx: int) -> int:
    while idx < len(raw) and raw[idx] in " \t\r\n":
        idx += 1
    return idx


def jsonl_items(raw: str) -> list[tuple[int, object]]:
    """(line, object) of each non-blank JSONL line; a bad line raises ItemError-with-line."""
    out = []
    # Split on "\n" only: JSON strings may contain raw U+2028, U+0085 or \x1c, where
    # str.splitlines() would cut a valid line in two.
    for n, line in enumerate(raw.split("\n"), 1):
        line = line.removesuffix("\r")
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                out.append((n, ItemError(f"invalid JSON: {exc.msg}")))
    return out


def offset(value) -> int:
    """A code-point offset from a file: a JSON integer only (0.5, "3" or true are not offsets)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ItemError(f"offset {value!r} is not an integer")
    return value
