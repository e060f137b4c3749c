"""Class mode logic over the core: publish a story to students, score them against the key.

The answer key is the project's gold labels on the exercise story's passages; a student's answer
for a passage is their passage class (annotate.campaign.agreement's rule); missing answers count wrong.
"""
from __future__ import annotations

import sqlite_utils

from annotate.campaign import class_store
from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store


def story_passages(db: sqlite_utils.Database, project_id: int, story_id: int) -> list[dict]:
    story = next((s for s in labels_store.list_stories(db, project_id) if s["id"] == story_id), None)
    if story is None:
        raise labels_store.NotFound(f"story {story_id} is not part of project {project_id}")
    ids = set(story["article_ids"])
    return [p for p in labels_store.project_passages(db, project_id) if p["article_id"] in ids]


def publish(db: sqlite_utils.Database, project_id: int, story_id: int, title: str, user_id: int) -> dict:
    """Create the exercise, make the project blind (students work alone) and give every student
    every content passage of the story, so unanswered passages count in the score."""
    passages = story_passages(db, project_id, story_id)
    labels_store.update_project(db, project_id, blind=True)
    students = [m["user_id"] for m in labels_store.list_members(db, project_id, "annotator")]
    labels_store.save_assignments(db, project_id, [(p["id"], u) for p in passages for u in students])
    return class_store.create_exercise(db, project_id, story_id, title, user_id)


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


def scores(db: sqlite_utils.Database, exercise: dict) -> list[dict]:
    """Each student's accuracy and macro-F1 against the key, plus answered/missing counts."""
    key = answer_key(db, exercise)
    given = answers(db, exercise["project_id"])
    pids = sorted(key)
    out = []
    for m in labels_store.list_members(db, exercise["project_id"], "annotator"):
        mine = given.get(m["user_id"], {})
        result = campaign.classification_scores([key[p] for p in pids], [mine.get(p) for p in pids])
        out.append({"user_id": m["user_id"], "name": m["display_name"] or m["username"], "key_size": len(pids),
                    "answered": sum(p in mine for p in pids), "accuracy": result["accuracy"],
                    "macro_f1": result["macro_f1"]})
    return out


def comparison(db: sqlite_utils.Database, exercise: dict, user_id: int) -> list[dict]:
    """Passage by passage: the student's answer next to the key (shown once revealed)."""
    key = answer_key(db, exercise)
    mine = answers(db, exercise["project_id"]).get(user_id, {})
    rows = []
    for p in story_passages(db, exercise["project_id"], exercise["story_id"]):
        if p["id"] in key:
            rows.append({"passage": p, "key": key[p["id"]], "mine": mine.get(p["id"]),
                         "correct": mine.get(p["id"]) == key[p["id"]]})
    return rows
