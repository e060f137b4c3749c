"""The stories list: every story the user may open, with outlets, dates, counts and progress."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

from web import data
from web.access import sees_all_stories, visible_projects
from web.auth import login_required
from web.db import get_db

bp = Blueprint("stories", __name__)


@bp.get("/")
def home():
    return redirect(url_for("stories.index") if g.user else url_for("auth.login"))


def stories_for(db, user) -> list[dict]:
    """Story summaries the user may see, each with `projects` [{id, name, progress}]."""
    projects = visible_projects(db, user)
    by_story: dict[int, list[dict]] = {}
    for project in projects:
        for story_id, progress in data.project_progress(db, project["id"]).items():
            by_story.setdefault(story_id, []).append({"id": project["id"], "name": project["name"],
                                                      "role": project.get("my_role"), **progress})
    ids = None if sees_all_stories(user) else list(by_story)
    stories = data.story_summaries(db, ids)
    for story in stories:
        story["projects"] = by_story.get(story["id"], [])
    return stories


@bp.get("/favicon.ico")
def favicon():
    """No icon: answer 204 so browsers stop asking (and logs stay clean)."""
    return "", 204


@bp.get("/stories")
@login_required
def index():
    return render_template("stories.html", stories=stories_for(get_db(), g.user))
