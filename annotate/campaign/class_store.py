"""Class-mode exercises (the `exercises` and `exercise_submissions` tables): a story of a project
set as an exercise for its students, and each student's hand-in.

The answer key and the scores come from annotate.campaign.classes (gold labels, campaign scores).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from corpus.schema import now


@dataclass(frozen=True)
class ExerciseOptions:
    """What the teacher chose on the "new exercise" form (all optional)."""
    instructions: str = ""
    due_at: str = ""                       # ISO date (YYYY-MM-DD) or empty
    student_ids: tuple[int, ...] = field(default_factory=tuple)  # empty: every annotator of the project
    scaffold: bool = False                 # show the machine's suggestions during the exercise
    keep_blind: bool = False               # make the project blind for good (after the reveal too)


def create_exercise(db: sqlite_utils.Database, project_id: int, story_id: int, title: str,
                    created_by: int, options: ExerciseOptions | None = None) -> dict:
    """Publish `story_id` of `project_id` as an exercise (published at once, not revealed)."""
    options = options or ExerciseOptions()
    eid = db.table("exercises").insert({
        "project_id": project_id, "story_id": story_id, "title": title.strip() or "Exercise",
        "published": 1, "revealed": 0, "created_by": created_by, "created_at": now(),
        "instructions": options.instructions.strip(), "due_at": options.due_at or None,
        "student_ids": json.dumps(list(options.student_ids)) if options.student_ids else None,
        "scaffold": int(options.scaffold), "keep_blind": int(options.keep_blind),
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


def live_exercises(db: sqlite_utils.Database, project_id: int) -> list[dict]:
    """The project's exercises that are running: published and not yet revealed."""
    return [e for e in list_exercises(db, [project_id]) if e["published"] and not e["revealed"]]


def set_flags(db: sqlite_utils.Database, exercise_id: int, *, published: bool | None = None,
              revealed: bool | None = None) -> dict:
    fields = {k: int(v) for k, v in (("published", published), ("revealed", revealed)) if v is not None}
    if fields:
        db.table("exercises").update(exercise_id, fields)
    return get_exercise(db, exercise_id)


def hand_in(db: sqlite_utils.Database, exercise_id: int, user_id: int) -> dict:
    """Record that `user_id` handed the exercise in (a second hand-in keeps the first time)."""
    existing = submissions(db, exercise_id).get(user_id)
    if existing:
        return existing
    db.table("exercise_submissions").insert(
        {"exercise_id": exercise_id, "user_id": user_id, "handed_in_at": now()})
    return submissions(db, exercise_id)[user_id]


def submissions(db: sqlite_utils.Database, exercise_id: int) -> dict[int, dict]:
    """user id -> their hand-in row."""
    return {r["user_id"]: r for r in db.query(
        "SELECT * FROM exercise_submissions WHERE exercise_id = ?", [exercise_id])}


def _flags(row: dict) -> dict:
    for key in ("published", "revealed", "scaffold", "keep_blind"):
        row[key] = bool(row.get(key))
    row["student_ids"] = json.loads(row["student_ids"]) if row.get("student_ids") else []
    row["instructions"] = row.get("instructions") or ""
    return row
