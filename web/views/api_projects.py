"""JSON API for projects (members, stories, assignments) and accounts: what the pages do."""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store
from web import auth_store, data
from web.access import check_story, project_access, visible_projects
from web.auth import login_required, manager_required
from web.db import get_db
from web.views.admin import check_role_allowed

bp = Blueprint("api_projects", __name__, url_prefix="/api")


def body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description="expected a JSON object body")
    return payload


def int_field(payload: dict, key: str) -> int:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, description=f"{key} must be an integer")
    return value


@bp.get("/projects")
@login_required
def projects():
    return jsonify({"ok": True, "projects": visible_projects(get_db(), g.user)})


@bp.post("/projects")
@manager_required
def create_project():
    """{name, description?, blind?, k?, scheme?: [{name, title, color, key}]} → the project."""
    payload = body()
    project = labels_store.create_project(
        get_db(), str(payload.get("name") or ""), created_by=g.user.id,
        description=str(payload.get("description") or ""), scheme=payload.get("scheme"),
        blind=bool(payload.get("blind")), k=payload.get("k", 1) if isinstance(payload.get("k", 1), int) else 0)
    return jsonify({"ok": True, "project": project}), 201


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id)
    story_ids = [s["id"] for s in labels_store.list_stories(db, project_id)]
    return jsonify({"ok": True, "project": access.project, "my_role": access.role,
                    "stories": data.story_summaries(db, story_ids), "progress": data.project_progress(db, project_id),
                    "members": labels_store.list_members(db, project_id)})


@bp.post("/projects/<int:project_id>/members")
@login_required
def add_member(project_id: int):
    db, payload = get_db(), body()
    project_access(db, g.user, project_id, need="curate")
    role = str(payload.get("role", "annotator"))
    member = labels_store.add_member(db, project_id, int_field(payload, "user_id"), role)
    return jsonify({"ok": True, "member": member}), 201


@bp.delete("/projects/<int:project_id>/members/<int:user_id>")
@login_required
def remove_member(project_id: int, user_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    labels_store.remove_member(db, project_id, user_id)
    return jsonify({"ok": True})


@bp.post("/projects/<int:project_id>/stories")
@login_required
def add_story(project_id: int):
    db, payload = get_db(), body()
    project_access(db, g.user, project_id, need="curate")
    story_id = int_field(payload, "story_id")
    check_story(db, g.user, story_id, None)  # only a story the user may already read
    labels_store.add_story(db, project_id, story_id)
    return jsonify({"ok": True}), 201


@bp.delete("/projects/<int:project_id>/stories/<int:story_id>")
@login_required
def remove_story(project_id: int, story_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    labels_store.remove_story(db, project_id, story_id)
    return jsonify({"ok": True})


@bp.post("/projects/<int:project_id>/assign")
@login_required
def assign(project_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    return jsonify({"ok": True, **campaign.assign(db, project_id)})


@bp.get("/users")
@manager_required
def users():
    return jsonify({"ok": True, "users": [u.as_dict() for u in auth_store.list_users(get_db())]})


@bp.post("/users")
@manager_required
def create_user():
    """{username, role, display_name?} → the account and its generated password (shown once)."""
    payload = body()
    role = str(payload.get("role", "annotator"))
    check_role_allowed(role)
    user, password = auth_store.create_user(get_db(), str(payload.get("username", "")), role,
                                            display_name=str(payload.get("display_name") or ""))
    return jsonify({"ok": True, "user": user.as_dict(), "password": password}), 201


@bp.post("/users/import")
@manager_required
def import_users():
    """{csv: "username,display_name,role\\n..."} → created accounts with their passwords."""
    text = str(body().get("csv", ""))
    for row in auth_store.parse_users_csv(text):
        check_role_allowed(row["role"])
    return jsonify({"ok": True, "created": auth_store.import_users(get_db(), text)}), 201
