"""Shared core of the annotate stores: errors, row readers, validation, guarded updates, history.

Split from annotate.labels.store so that labels (store.py) and gold/assignments (store_gold.py) share
one implementation of optimistic locking and validation; callers import annotate.labels.store.
"""
from __future__ import annotations

import json

import sqlite_utils

from annotate.labels.projects import NotFound, get_scheme
from annotate.labels.schemes import LabelError, validate_label, validate_source, validate_span, validate_speaker
from corpus import store as corpus_store
from corpus.errors import Conflict
from corpus.schema import now


class StaleVersion(Conflict):
    """The row changed since the caller read it; `.current` is the row as it is now."""

    def __init__(self, current: dict, expected: int | None = None) -> None:
        self.current = current
        super().__init__(
            f"annotation {current.get('id')} is at version {current.get('version')}, "
            f"not {expected}; reload and retry", current=current)


class AlreadyDecided(StaleVersion):
    """The suggestion was already accepted/rejected in this project (or globally); `.current` is
    the suggestion as the project sees it (status 'accepted'/'rejected'), `.decision` the row."""

    def __init__(self, current: dict, decision: dict | None = None) -> None:
        self.current, self.decision = current, decision
        Conflict.__init__(self, f"suggestion {current.get('id')} was already {current.get('status')}", current=current)


class DuplicateLabel(LabelError):
    """The same annotator already holds this exact label (importers count these as skipped)."""

    status = 409

    def __init__(self, existing_id: int) -> None:
        self.existing_id = existing_id
        super().__init__(f"the same label already exists (annotation {existing_id})")


EDITABLE = ("label", "start", "end", "speaker_start", "speaker_end", "speaker_text", "comment",
            "cue_start", "cue_end", "cue_text")


def _one(db: sqlite_utils.Database, sql: str, key, what: str) -> dict:
    """The single row `sql` finds for `key`, or NotFound naming `what`."""
    rows = list(db.query(sql, [key]))
    if not rows:
        raise NotFound(f"{what} {key} not found")
    return rows[0]


def get_passage(db: sqlite_utils.Database, passage_id: str) -> dict:
    """A passage row or NotFound."""
    row = corpus_store.get_passage(db, passage_id)
    if row is None:
        raise NotFound(f"passage {passage_id} not found")
    row.pop("lang")
    return row


def article_text(db: sqlite_utils.Database, article_id: str) -> str:
    """The stored text of an article (offsets index into it)."""
    art = corpus_store.get_article(db, article_id)
    if art is None:
        raise NotFound(f"article {article_id} not found")
    return art["text"]


def get_label(db: sqlite_utils.Database, annotation_id: int) -> dict:
    """An annotation row (any status) or NotFound."""
    return _one(db, "SELECT * FROM annotations WHERE id = ?", annotation_id, "annotation")


def checked(db: sqlite_utils.Database, row: dict) -> dict:
    """Validate a complete annotation row against its scheme, passage and article."""
    validate_label(get_scheme(db, row.get("project_id")), row["label"])
    validate_source(row["source"], row.get("prob"))
    passage = get_passage(db, row["passage_id"])
    validate_span(passage, row["start"], row["end"])
    text = article_text(db, passage["article_id"])
    row["article_id"] = passage["article_id"]
    row["speaker_text"] = validate_speaker(
        text, row.get("speaker_start"), row.get("speaker_end"), row.get("speaker_text"))
    if row.get("cue_start") is not None:
        row["cue_text"] = validate_speaker(text, row["cue_start"], row.get("cue_end"), row.get("cue_text"))
    return row


def record(db: sqlite_utils.Database, action: str, user_id: int | None, before: dict | None,
            after: dict | None) -> None:
    ref = after or before
    db.table("annotation_history").insert({
        "annotation_id": ref["id"], "project_id": ref.get("project_id"), "user_id": user_id,
        "action": action, "before": json.dumps(before, ensure_ascii=False) if before else None,
        "after": json.dumps(after, ensure_ascii=False) if after else None, "at": now(),
    })


def check_version(current: dict, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != current["version"]:
        raise StaleVersion(current, expected_version)


def guarded_update(db: sqlite_utils.Database, table: str, row_id: int, version: int, fields: dict) -> None:
    """UPDATE ... WHERE version = read version: the write itself is the check, so two writers
    that read the same version cannot both win (the loser gets StaleVersion with the new row)."""
    fields = {**fields, "version": version + 1}
    sets = ", ".join(f"[{k}] = ?" for k in fields)
    cur = db.execute(f"UPDATE {table} SET {sets} WHERE id = ? AND version = ?",
                     [*fields.values(), row_id, version])
    if cur.rowcount != 1:
        current = get_label(db, row_id) if table == "annotations" else get_gold(db, row_id)
        raise StaleVersion(current, version)


def get_gold(db: sqlite_utils.Database, gold_id: int) -> dict:
    """A gold label row or NotFound."""
    rows = list(db.query("SELECT * FROM gold_labels WHERE id = ?", [gold_id]))
    if not rows:
        raise NotFound(f"gold label {gold_id} not found")
    return rows[0]
