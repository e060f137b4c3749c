"""Class-mode exercises (the `exercises` table): a story of a project published to its students.

Kept in the web layer because an exercise is a teaching workflow over a project, not a property
of labels; the answer key and the scores come from annotate (gold labels, campaign scores).
"""
from __future__ import annotations

import sqlite_utils

from corpus.schema import now


def create_exercise(db: sqlite_utils.Database, project_id: int, story_id: int, title: str,
                    created_by: int) -> dict:
    """Publish `story_id` of `project_id` as an exercise (published at once, not revealed)."""
    eid = db.table("exercises").insert({
        "project_id": project_id, "story_id": story_id, "title": title.strip() or "Exercise",
        "published": 1, "revealed": 0, "created_by": created_by, "created_at": now(),
    }).last_pk
    return get_exercise(db, eid)


def get_exercise(db: sqlite_utils.Database, exercise_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM exercises WHERE id = ?", [exercise_id]))
    return _flags(rows[0]) if rows else None


def list_exercises(db: sqlite_utils.Database, project_ids: list[int]) -> list[dict]:
    """Exercises of the given projects, newest first."""
    if not project_ids:
        return []
    marks = ",".join("?" * len(project_ids))
    return [_flags(r) for r in db.query(
        f"SELECT * FROM exercises WHERE project_id IN ({marks}) ORDER BY id DESC", list(project_ids))]


def set_flags(db: sqlite_utils.Database, exercise_id: int, *, published: bool | None = None,
              revealed: bool | None = None) -> dict:
    fields = {k: int(v) for k, v in (("published", published), ("revealed", revealed)) if v is not None}
    if fields:
        db.table("exercises").update(exercise_id, fields)
    return get_exercise(db, exercise_id)


def _flags(row: dict) -> dict:
    row["published"], row["revealed"] = bool(row["published"]), bool(row["revealed"])
    return row
