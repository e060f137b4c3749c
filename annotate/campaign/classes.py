"""Class mode logic over the core: set a story as an exercise, follow progress, score students
against the key, compare after the reveal.

The answer key is the project's gold labels on the exercise story's passages; a student's answer
for a passage is their passage class (annotate.campaign.agreement's rule); missing answers count
wrong. While an exercise runs, annotate.campaign.visibility keeps the key, the suggestions and the
other students' labels away from the students.
"""
from __future__ import annotations

from collections import Counter

import sqlite_utils

from annotate.campaign import class_store
from annotate.campaign import workflow as campaign
from annotate.campaign.class_store import ExerciseOptions
from annotate.labels import store as labels_store
from annotate.labels.schemes import LabelError


def story_passages(db: sqlite_utils.Database, project_id: int, story_id: int) -> list[dict]:
    story = next((s for s in labels_store.list_stories(db, project_id) if s["id"] == story_id), None)
    if story is None:
        raise labels_store.NotFound(f"story {story_id} is not part of project {project_id}")
    ids = set(story["article_ids"])
    return [p for p in labels_store.project_passages(db, project_id) if p["article_id"] in ids]


def students(db: sqlite_utils.Database, exercise: dict) -> list[dict]:
    """The exercise's students: the chosen ones, else every annotator of the project."""
    members = labels_store.list_members(db, exercise["project_id"], "annotator")
    chosen = set(exercise.get("student_ids") or [])
    return [m for m in members if not chosen or m["user_id"] in chosen]


def publish(db: sqlite_utils.Database, project_id: int, story_id: int, title: str, user_id: int,
            options: ExerciseOptions | None = None) -> dict:
    """Create the exercise and give each of its students every content passage of the story, so
    unanswered passages count in the score. Students work alone while it runs (visibility); the
    project itself becomes blind for good only when the teacher asks (`keep_blind`)."""
    options = options or ExerciseOptions()
    passages = story_passages(db, project_id, story_id)
    annotators = {m["user_id"] for m in labels_store.list_members(db, project_id, "annotator")}
    strangers = set(options.student_ids) - annotators
    if strangers:
        raise LabelError(f"users {sorted(strangers)} are not students (annotators) of project {project_id}")
    if options.keep_blind:
        labels_store.update_project(db, project_id, blind=True)
    with db.atomic():
        exercise = class_store.create_exercise(db, project_id, story_id, title, user_id, options)
        pupils = [m["user_id"] for m in students(db, exercise)]
        labels_store.save_assignments(db, project_id, [(p["id"], u) for p in passages for u in pupils])
    return exercise


def answer_key(db: sqlite_utils.Database, exercise: dict) -> dict[str, str]:
    """passage id -> gold class, restricted to the exercise's story."""
    ids = {p["id"] for p in story_passages(db, exercise["project_id"], exercise["story_id"])}
    return {pid: label for (_, pid), label in campaign.gold_classes(db, exercise["project_id"]).items() if pid in ids}


def answers(db: sqlite_utils.Database, project_id: int) -> dict[int, dict[str, str]]:
    """user id -> {passage id: their class}."""
    classes, _, _ = campaign.human_classes(db, project_id)
    out: dict[int, dict[str, str]] = {}
    for (uid, pid), label in classes.items():
        out.setdefault(uid, {})[pid] = label
    return out


def progress(db: sqlite_utils.Database, exercise: dict) -> list[dict]:
    """Per student: passages answered out of the story's passages, and whether handed in.
    Works before any gold exists (it counts answers, not correct ones)."""
    pids = {p["id"] for p in story_passages(db, exercise["project_id"], exercise["story_id"])}
    given = answers(db, exercise["project_id"])
    handed = class_store.submissions(db, exercise["id"])
    return [{"user_id": m["user_id"], "name": m["display_name"] or m["username"], "total": len(pids),
             "answered": len(pids & set(given.get(m["user_id"], {}))),
             "handed_in_at": (handed.get(m["user_id"]) or {}).get("handed_in_at")}
            for m in students(db, exercise)]


def scores(db: sqlite_utils.Database, exercise: dict) -> list[dict]:
    """Each student's accuracy, macro-F1 and per-label F1 against the key, plus answered counts
    (`key_size` 0: no gold yet on this story, so there is nothing to score against)."""
    key = answer_key(db, exercise)
    given = answers(db, exercise["project_id"])
    pids = sorted(key)
    out = []
    for m in students(db, exercise):
        mine = given.get(m["user_id"], {})
        result = campaign.classification_scores([key[p] for p in pids], [mine.get(p) for p in pids])
        out.append({"user_id": m["user_id"], "name": m["display_name"] or m["username"], "key_size": len(pids),
                    "answered": sum(p in mine for p in pids), "accuracy": result["accuracy"],
                    "macro_f1": result["macro_f1"], "per_label": result["per_label"],
                    "scaffold": exercise["scaffold"]})
    return out


def overall(db: sqlite_utils.Database, exercise: dict, user_id: int) -> dict:
    """One student's overall score: correct out of the key, accuracy, macro-F1, per label."""
    key = answer_key(db, exercise)
    mine = answers(db, exercise["project_id"]).get(user_id, {})
    pids = sorted(key)
    result = campaign.classification_scores([key[p] for p in pids], [mine.get(p) for p in pids])
    return {"correct": sum(mine.get(p) == key[p] for p in pids), "total": len(pids),
            "answered": sum(p in mine for p in pids), "accuracy": result["accuracy"],
            "macro_f1": result["macro_f1"], "per_label": result["per_label"], "scaffold": exercise["scaffold"]}


def confusions(db: sqlite_utils.Database, exercise: dict, limit: int = 5) -> list[dict]:
    """The class's most common confusions: (key label, the other label given, how many answers),
    most frequent first. Unanswered passages are not confusions (progress counts them)."""
    key = answer_key(db, exercise)
    given = answers(db, exercise["project_id"])
    counts: Counter = Counter()
    for m in students(db, exercise):
        mine = given.get(m["user_id"], {})
        counts.update((key[p], mine[p]) for p in key if p in mine and mine[p] != key[p])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"key": k, "answer": a, "count": n} for (k, a), n in ranked[:limit]]


def comparison(db: sqlite_utils.Database, exercise: dict, user_id: int) -> list[dict]:
    """Passage by passage (whole passages): the student's answer next to the key."""
    key = answer_key(db, exercise)
    mine = answers(db, exercise["project_id"]).get(user_id, {})
    rows = []
    for p in story_passages(db, exercise["project_id"], exercise["story_id"]):
        if p["id"] in key:
            rows.append({"passage": p, "key": key[p["id"]], "mine": mine.get(p["id"]),
                         "correct": mine.get(p["id"]) == key[p["id"]]})
    return rows
