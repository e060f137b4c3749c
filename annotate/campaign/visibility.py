"""What a student may see while an exercise runs: the rule in one pure function.

During a live exercise (published, not revealed) every member of the project who is not a
curator sees only their own labels: no other student's, no gold (the answer key), and no
machine suggestion unless the teacher chose to show them as a scaffold. After the reveal the
project's ordinary rules apply again. The rule covers the whole project, not only the
exercise's story: a leak through another story's suggestions on the same articles is
impossible to rule out cheaply, so the project errs on the side of hiding.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlite_utils

from annotate.campaign import class_store
from annotate.labels.schemes import MACHINE_SOURCES


@dataclass(frozen=True)
class ExamView:
    """A running exercise's restrictions on a student's view of a project."""
    exercise_ids: tuple[int, ...]
    suggestions: bool  # the teacher shows the machine's suggestions as a scaffold


def exam_view(db: sqlite_utils.Database, project_id: int) -> ExamView | None:
    """The restrictions of the project's running exercises (None when none runs). Suggestions
    show only when every running exercise offers them as a scaffold."""
    live = class_store.live_exercises(db, project_id)
    if not live:
        return None
    return ExamView(tuple(e["id"] for e in live), all(e["scaffold"] for e in live))


def student_may_see(label: Mapping, user_id: int, *, exam: ExamView | None,
                    origin_owner: int | None = None) -> bool:
    """Whether a student (blind project or running exercise) may see `label`: their own human
    labels; suggestions propagated from their own labels; model/rule suggestions unless an
    exercise hides them; never another person's label or a gold label."""
    source = label.get("source")
    if source == "human":
        return label.get("annotator_id") == user_id
    if source == "propagated":
        return origin_owner is not None and origin_owner == user_id
    if source in MACHINE_SOURCES:
        return exam is None or exam.suggestions
    return False  # gold and anything unknown
