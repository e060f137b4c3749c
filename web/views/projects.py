"""Projects: list, create, and (for their curators) members, stories and assignments."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store
from web import auth_store, data
from web.access import check_story, project_access, readable_story_ids, visible_projects
from web.auth import login_required, manager_required
from web.db import get_db
from web.i18n import localized_scheme

bp = Blueprint("projects", __name__, url_prefix="/projects")


def form_int(name: str) -> int:
    raw = request.form.get(name, "")
    if not raw.isdigit():
        abort(400, description=f"{name} must be a number")
    return int(raw)


@bp.get("")
@login_required
def index():
    return render_template("projects.html", projects=visible_projects(get_db(), g.user))


@bp.post("")
@manager_required
def create():
    project = labels_store.create_project(
        get_db(), request.form.get("name", ""), created_by=g.user.id,
        description=request.form.get("description", ""), blind=bool(request.form.get("blind")))
    return redirect(url_for("projects.detail", project_id=project["id"]))


@bp.get("/<int:project_id>")
@login_required
def detail(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id)
    story_ids = [s["id"] for s in labels_store.list_stories(db, project_id)]
    stories = data.story_summaries(db, story_ids)
    progress = data.project_progress(db, project_id)
    for story in stories:
        story["progress"] = progress.get(story["id"], {})
    context = {"access": access, "project": access.project, "stories": stories,
               "members": labels_store.list_members(db, project_id), "scheme": localized_scheme(db, project_id)}
    if access.can_curate:
        readable = readable_story_ids(db, g.user)
        context["all_stories"] = [s for s in data.story_summaries(db, None if readable is None else sorted(readable))
                                  if s["id"] not in story_ids]
        members = {m["user_id"] for m in context["members"]}
        context["candidates"] = [u for u in auth_store.list_users(db) if u.id not in members and u.active]
    return render_template("project.html", **context)


@bp.post("/<int:project_id>/members")
@login_required
def add_member(project_id: int):
    """Add the ticked accounts (one or a whole class) with one role; all or none of them."""
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    raw = request.form.getlist("user_id")
    if not raw or not all(r.isdigit() for r in raw):
        abort(400, description="user_id: tick at least one account")
    role = request.form.get("role", "annotator")
    with db.atomic():  # a bad id or role leaves the project as it was
        for user_id in dict.fromkeys(int(r) for r in raw):
            labels_store.add_member(db, project_id, user_id, role)
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/<int:project_id>/members/<int:user_id>/remove")
@login_required
def remove_member(project_id: int, user_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    labels_store.remove_member(db, project_id, user_id)
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/<int:project_id>/stories")
@login_required
def add_story(project_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    story_id = form_int("story_id")
    check_story(db, g.user, story_id, None)  # only a story the user may already read
    labels_store.add_story(db, project_id, story_id)
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/<int:project_id>/stories/<int:story_id>/remove")
@login_required
def remove_story(project_id: int, story_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    labels_store.remove_story(db, project_id, story_id)
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/<int:project_id>/assign")
@login_required
def assign(project_id: int):
    """Spread the project's passages over its annotators (k each), filling gaps only."""
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    result = campaign.assign(db, project_id)
    flash(f"{result['added']} assignment(s) added", "info")
    return redirect(url_for("projects.detail", project_id=project_id))
