"""Gold labels (adjudication results) and assignments in SQLite; re-exported by annotate.labels.store."""
from __future__ import annotations

from typing import Iterable

import sqlite_utils

from annotate.labels.rows import check_version, checked, get_gold, get_passage, guarded_update
from corpus import store as corpus_store
from corpus.schema import now


def list_gold(db: sqlite_utils.Database, project_id: int, passage_id: str | None = None) -> list[dict]:
    """Gold labels of a project (optionally of one passage), in text order."""
    sql, params = "SELECT * FROM gold_labels WHERE project_id = ?", [project_id]
    if passage_id is not None:
        sql += " AND passage_id = ?"
        params.append(passage_id)
    return list(db.query(sql + " ORDER BY article_id, start, end, id", params))


def set_gold(
    db: sqlite_utils.Database, project_id: int, passage_id: str, label: str, *, decided_by: int | None,
    start: int | None = None, end: int | None = None, speaker_start: int | None = None,
    speaker_end: int | None = None, speaker_text: str | None = None, gold_id: int | None = None,
    expected_version: int | None = None,
) -> dict:
    """Create a gold label, or update `gold_id` (then `expected_version` guards concurrent edits)."""
    passage = get_passage(db, passage_id)
    row = checked(db, {
        "project_id": project_id, "passage_id": passage_id, "label": label, "source": "human",
        "start": passage["start"] if start is None else start, "end": passage["end"] if end is None else end,
        "speaker_start": speaker_start, "speaker_end": speaker_end, "speaker_text": speaker_text,
    })
    fields = {k: row[k] for k in ("project_id", "passage_id", "article_id", "start", "end", "label",
                                  "speaker_start", "speaker_end", "speaker_text")}
    fields.update(decided_by=decided_by, decided_at=now())
    with db.atomic():
        if gold_id is None:
            gold_id = db.table("gold_labels").insert({**fields, "version": 1}).last_pk
        else:
            current = get_gold(db, gold_id)
            check_version(current, expected_version)
            guarded_update(db, "gold_labels", gold_id, current["version"], fields)
    return get_gold(db, gold_id)


def delete_gold(db: sqlite_utils.Database, gold_id: int, *, expected_version: int | None = None) -> None:
    """Remove a gold label (gold labels carry no history; their version guards edits)."""
    check_version(get_gold(db, gold_id), expected_version)
    db.execute("DELETE FROM gold_labels WHERE id = ?", [gold_id])


def save_assignments(db: sqlite_utils.Database, project_id: int, pairs: Iterable[tuple[str, int]]) -> int:
    """Insert (passage_id, user_id) assignments, ignoring existing ones; returns rows added."""
    stamp = now()
    rows = [{"project_id": project_id, "passage_id": p, "user_id": u, "created_at": stamp} for p, u in pairs]
    before = db.execute("SELECT count(*) FROM assignments WHERE project_id = ?", [project_id]).fetchone()[0]
    with db.atomic():
        db.table("assignments").insert_all(rows, ignore=True, pk=("project_id", "passage_id", "user_id"))
    after = db.execute("SELECT count(*) FROM assignments WHERE project_id = ?", [project_id]).fetchone()[0]
    return after - before


def list_assignments(db: sqlite_utils.Database, project_id: int, user_id: int | None = None) -> list[dict]:
    """Assignments of a project (optionally one annotator's), in passage order, with a done flag."""
    sql = ("SELECT a.project_id, a.passage_id, a.user_id, a.created_at, "
           "EXISTS (SELECT 1 FROM annotations n WHERE n.project_id = a.project_id AND "
           "n.passage_id = a.passage_id AND n.annotator_id = a.user_id AND n.source = 'human' "
           "AND n.status = 'active') AS done FROM assignments a WHERE a.project_id = ?")
    params: list = [project_id]
    if user_id is not None:
        sql += " AND a.user_id = ?"
        params.append(user_id)
    rows = list(db.query(sql, params))
    where = {p["id"]: (p["article_id"], p["seq"])
             for p in corpus_store.passages_by_ids(db, sorted({r["passage_id"] for r in rows}))}
    out = [{**r, "article_id": where[r["passage_id"]][0], "seq": where[r["passage_id"]][1], "done": bool(r["done"])}
           for r in rows]
    return sorted(out, key=lambda r: (r["article_id"], r["seq"], r["user_id"]))


def clear_assignments(db: sqlite_utils.Database, project_id: int) -> None:
    """Remove every assignment of a project (labels are kept)."""
    db.execute("DELETE FROM assignments WHERE project_id = ?", [project_id])
