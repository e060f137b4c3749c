"""Class mode pages and API: publish an exercise, students annotate, scores, reveal."""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from annotate.labels import store as labels_store
from web import data
from annotate.campaign import classes as class_mode
from annotate.campaign import class_store
from web.access import project_access, visible_projects
from web.auth import login_required
from web.db import get_db

bp = Blueprint("classes", __name__)


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
    projects = visible_projects(db, g.user)
    curated = [p for p in projects if p.get("my_role") == "curator"]
    exercises = class_store.list_exercises(db, [p["id"] for p in projects])
    mine = {p["id"]: p for p in projects}
    exercises = [e for e in exercises if e["published"] or mine[e["project_id"]].get("my_role") == "curator"]
    for e in exercises:
        e["project_name"] = mine[e["project_id"]]["name"]
        e["can_curate"] = mine[e["project_id"]].get("my_role") == "curator"
    choices = [{"project": p, "stories": labels_store.list_stories(db, p["id"])} for p in curated]
    return {"exercises": exercises, "choices": [c for c in choices if c["stories"]]}


@bp.get("/classes")
@login_required
def index():
    db = get_db()
    context = overview(db)
    for c in context["choices"]:
        c["stories"] = data.story_summaries(db, [s["id"] for s in c["stories"]])
    return render_template("classes.html", **context)


def _publish(db, fields: dict) -> dict:
    try:
        project_id, story_id = int(fields.get("project_id")), int(fields.get("story_id"))
    except (TypeError, ValueError):
        abort(400, description="project_id and story_id must be numbers")
    project_access(db, g.user, project_id, need="curate")
    return class_mode.publish(db, project_id, story_id, str(fields.get("title") or ""), g.user.id)


@bp.post("/classes")
@login_required
def create():
    exercise = _publish(get_db(), request.form.to_dict())
    return redirect(url_for("classes.detail", exercise_id=exercise["id"]))


@bp.get("/classes/<int:exercise_id>")
@login_required
def detail(exercise_id: int):
    db = get_db()
    exercise, access = exercise_access(db, exercise_id)
    story = data.get_story(db, exercise["story_id"]) or {"article_ids": []}
    articles = [data.article_summary(db, a) for a in story["article_ids"]]
    context = {"exercise": exercise, "access": access, "articles": [a for a in articles if a],
               "titles": {d.name: d.title for d in labels_store.get_scheme(db, exercise["project_id"])}}
    if access.can_curate:
        context["scores"] = class_mode.scores(db, exercise)
    if exercise["revealed"] or access.can_curate:
        context["comparison"] = class_mode.comparison(db, exercise, g.user.id)
    return render_template("exercise.html", **context)


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
    return jsonify({"ok": True, "exercise": _publish(get_db(), payload)}), 201


@bp.get("/api/exercises/<int:exercise_id>/scores")
@login_required
def api_scores(exercise_id: int):
    db = get_db()
    exercise, _ = exercise_access(db, exercise_id, need="curate")
    return jsonify({"ok": True, "exercise": exercise, "scores": class_mode.scores(db, exercise)})


@bp.get("/api/exercises/<int:exercise_id>/comparison")
@login_required
def api_comparison(exercise_id: int):
    """A student's answers next to the key: only once the curator has revealed it."""
    db = get_db()
    exercise, access = exercise_access(db, exercise_id)
    if not exercise["revealed"] and not access.can_curate:
        abort(403, description="the comparison has not been revealed yet")
    return jsonify({"ok": True, "comparison": class_mode.comparison(db, exercise, g.user.id)})


bp.add_url_rule("/api/exercises/<int:exercise_id>/<flag>", "api_toggle", toggle, methods=["POST"])
