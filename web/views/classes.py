"""Class mode pages and API: set an exercise, students annotate and hand in, the teacher follows
progress, scores and reveals."""
from __future__ import annotations

import re

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from annotate.campaign import class_store
from annotate.campaign import classes as class_mode
from annotate.campaign.class_store import ExerciseOptions
from annotate.labels import store as labels_store
from web import data
from web.access import project_access, visible_projects
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme

bp = Blueprint("classes", __name__)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def exercise_access(db, exercise_id: int, need: str = "read"):
    """(exercise, project access); students never see unpublished exercises."""
    exercise = class_store.get_exercise(db, exercise_id)
    if exercise is None:
        abort(404, description=f"exercise {exercise_id} not found")
    access = project_access(db, g.user, exercise["project_id"], need=need)
    if not exercise["published"] and not access.can_curate:
        abort(404, description=f"exercise {exercise_id} not found")
    return exercise, access


def overview(db) -> dict:
    """Exercises the user can open, and for curators what the "new exercise" form offers."""
    projects = visible_projects(db, g.user)
    curated = [p for p in projects if p.get("my_role") == "curator"]
    mine = {p["id"]: p for p in projects}
    exercises = [e for e in class_store.list_exercises(db, list(mine))
                 if e["published"] or mine[e["project_id"]].get("my_role") == "curator"]
    for e in exercises:
        e["project_name"] = mine[e["project_id"]]["name"]
        e["can_curate"] = mine[e["project_id"]].get("my_role") == "curator"
    choices = []
    for p in curated:
        stories = labels_store.list_stories(db, p["id"])
        choices.append({"project": p, "stories": data.story_summaries(db, [s["id"] for s in stories]),
                        "students": labels_store.list_members(db, p["id"], "annotator"),
                        "gold": len(labels_store.list_gold(db, p["id"]))})
    # a teacher account with no project yet gets the teacher's hint (make a project first), not the student's
    teacher = bool(curated) or g.user.role in ("admin", "curator")
    return {"exercises": exercises, "choices": choices, "curates": teacher}


def student_landing(db, user) -> str | None:
    """Where a student lands after login: their running exercise (the newest), if any."""
    if user.is_admin or user.role == "curator":
        return None
    for e in overview_for(db, user):
        if e["published"] and not e["revealed"] and not e["can_curate"]:
            return url_for("classes.detail", exercise_id=e["id"])
    return None


def overview_for(db, user) -> list[dict]:
    projects = {p["id"]: p for p in visible_projects(db, user)}
    out = []
    for e in class_store.list_exercises(db, list(projects)):
        e["can_curate"] = projects[e["project_id"]].get("my_role") == "curator"
        if e["can_curate"] or user.id in [m["user_id"] for m in class_mode.students(db, e)]:
            out.append(e)
    return out


@bp.get("/classes")
@login_required
def index():
    return render_template("classes.html", **overview(get_db()))


def options_from(fields: dict, students: list) -> ExerciseOptions:
    """The form's or the JSON body's options, checked (400 on a bad date or student id)."""
    due = str(fields.get("due_at") or "").strip()
    if due and not DATE_RE.match(due):
        abort(400, description="due_at must be a date written YYYY-MM-DD")
    ids = []
    for value in students:
        if isinstance(value, bool) or not str(value).isdigit():
            abort(400, description="student_ids must be user ids (numbers)")
        ids.append(int(value))
    flag = lambda k: fields.get(k) in (True, "1", "on", "true")
    return ExerciseOptions(instructions=str(fields.get("instructions") or ""), due_at=due,
                           student_ids=tuple(ids), scaffold=flag("scaffold"), keep_blind=flag("keep_blind"))


def _publish(db, fields: dict, students: list) -> dict:
    try:
        project_id, story_id = int(fields.get("project_id")), int(fields.get("story_id"))
    except (TypeError, ValueError):
        abort(400, description="project_id and story_id must be numbers")
    project_access(db, g.user, project_id, need="curate")
    return class_mode.publish(db, project_id, story_id, str(fields.get("title") or ""), g.user.id,
                              options_from(fields, students))


@bp.post("/classes")
@login_required
def create():
    fields = request.form.to_dict()
    story = fields.get("story", "")  # the form's one select: "<project id>:<story id>"
    if ":" in story:
        fields["project_id"], fields["story_id"] = story.split(":", 1)
    exercise = _publish(get_db(), fields, request.form.getlist("student_ids"))
    return redirect(url_for("classes.detail", exercise_id=exercise["id"]))


@bp.get("/classes/<int:exercise_id>")
@login_required
def detail(exercise_id: int):
    db = get_db()
    exercise, access = exercise_access(db, exercise_id)
    story = data.get_story(db, exercise["story_id"]) or {"article_ids": []}
    articles = [a for a in (data.article_summary(db, a) for a in story["article_ids"]) if a]
    scheme = localized_scheme(db, exercise["project_id"])
    context = {"exercise": exercise, "access": access, "articles": articles,
               "titles": {d.name: d.title for d in scheme}, "scheme": scheme,
               "progress": class_mode.progress(db, exercise)}
    if access.can_curate:
        context.update(scores=class_mode.scores(db, exercise), gold=len(class_mode.answer_key(db, exercise)))
    else:
        context["mine"] = next((p for p in context["progress"] if p["user_id"] == g.user.id), None)
    if exercise["revealed"] or access.can_curate:
        context.update(comparison=class_mode.comparison(db, exercise, g.user.id),
                       overall=class_mode.overall(db, exercise, g.user.id),
                       confusions=class_mode.confusions(db, exercise))
    return render_template("exercise.html", **context)


@bp.post("/classes/<int:exercise_id>/hand-in")
@login_required
def hand_in(exercise_id: int):
    """A student says they are done (their labels stay editable until the reveal)."""
    db = get_db()
    exercise, _ = exercise_access(db, exercise_id, need="annotate")
    if g.user.id not in [m["user_id"] for m in class_mode.students(db, exercise)]:
        abort(403, description="only the exercise's students hand it in")
    row = class_store.hand_in(db, exercise_id, g.user.id)
    if request.path.startswith("/api/"):
        return jsonify({"ok": True, "submission": row})
    return redirect(url_for("classes.detail", exercise_id=exercise_id))


@bp.post("/classes/<int:exercise_id>/<flag>")
@login_required
def toggle(exercise_id: int, flag: str):
    """reveal / hide / publish / unpublish (curators of the exercise's project)."""
    flags = {"reveal": {"revealed": True}, "hide": {"revealed": False},
             "publish": {"published": True}, "unpublish": {"published": False}}
    if flag not in flags:
        abort(404, description=f"unknown action {flag!r}")
    db = get_db()
    exercise_access(db, exercise_id, need="curate")
    class_store.set_flags(db, exercise_id, **flags[flag])
    if request.path.startswith("/api/"):
        return jsonify({"ok": True, "exercise": class_store.get_exercise(db, exercise_id)})
    return redirect(url_for("classes.detail", exercise_id=exercise_id))


@bp.get("/api/exercises")
@login_required
def api_list():
    return jsonify({"ok": True, "exercises": overview(get_db())["exercises"]})


@bp.post("/api/exercises")
@login_required
def api_create():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description="expected a JSON object body")
    students = payload.get("student_ids") or []
    if not isinstance(students, list):
        abort(400, description="student_ids must be a list of user ids")
    return jsonify({"ok": True, "exercise": _publish(get_db(), payload, students)}), 201


@bp.get("/api/exercises/<int:exercise_id>/scores")
@login_required
def api_scores(exercise_id: int):
    db = get_db()
    exercise, _ = exercise_access(db, exercise_id, need="curate")
    return jsonify({"ok": True, "exercise": exercise, "scores": class_mode.scores(db, exercise),
                    "progress": class_mode.progress(db, exercise),
                    "confusions": class_mode.confusions(db, exercise)})


@bp.get("/api/exercises/<int:exercise_id>/comparison")
@login_required
def api_comparison(exercise_id: int):
    """A student's answers next to the key: only once the curator has revealed it."""
    db = get_db()
    exercise, access = exercise_access(db, exercise_id)
    if not exercise["revealed"] and not access.can_curate:
        abort(403, description="the comparison has not been revealed yet")
    return jsonify({"ok": True, "comparison": class_mode.comparison(db, exercise, g.user.id),
                    "overall": class_mode.overall(db, exercise, g.user.id),
                    "confusions": class_mode.confusions(db, exercise)})


bp.add_url_rule("/api/exercises/<int:exercise_id>/hand-in", "api_hand_in", hand_in, methods=["POST"])
bp.add_url_rule("/api/exercises/<int:exercise_id>/<flag>", "api_toggle", toggle, methods=["POST"])
