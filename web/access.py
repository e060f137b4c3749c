"""Permission checks, all on the server: which projects, stories and labels a user may touch.

Rules:
- admins see and change everything;
- curators (global role) see every story (they build projects from them) and manage the
  projects they are curators of;
- everyone else sees only the projects they are members of, and only those projects' stories;
- in a blind project an annotator sees only their own labels (and machine suggestions);
- while a class exercise runs (published, not revealed) students see only their own labels: no
  suggestions (unless the teacher shows them as a scaffold), no one else's labels, no gold;
- a global `viewer` never writes, whatever their project role says.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from flask import abort

from annotate.campaign import visibility
from annotate.labels import store
from web.auth_store import User

WRITE_ROLES = ("curator", "annotator")


@dataclass(frozen=True)
class ProjectAccess:
    """A user's standing in one project, resolved once per request."""
    project: dict
    role: str  # curator, annotator or viewer (admins act as curators)
    exam: visibility.ExamView | None = None  # a running exercise's restrictions (never for curators)

    @property
    def can_annotate(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def can_curate(self) -> bool:
        return self.role == "curator"

    @property
    def sees_all_labels(self) -> bool:
        """Blind projects hide other annotators' labels from annotators (not from curators)."""
        return (not self.project["blind"] and self.exam is None) or self.role == "curator"

    @property
    def sees_suggestions(self) -> bool:
        """Machine suggestions are hidden during an exercise unless shown as a scaffold."""
        return self.exam is None or self.exam.suggestions

    @property
    def sees_gold(self) -> bool:
        """Gold labels are the exercise's answer key: hidden from students until the reveal."""
        return self.exam is None


def project_role(db: sqlite_utils.Database, user: User, project_id: int) -> str | None:
    if user.is_admin:
        return "curator"
    role = store.member_role(db, project_id, user.id)
    if role and user.role == "viewer":
        return "viewer"
    return role


def project_access(db: sqlite_utils.Database, user: User, project_id: int, need: str = "read") -> ProjectAccess:
    """The user's access to a project, or 404 (not a member: existence is not revealed) / 403."""
    try:
        project = store.get_project(db, project_id)
    except store.NotFound:
        abort(404, description=f"project {project_id} not found")
    role = project_role(db, user, project_id)
    if role is None:
        abort(404, description=f"project {project_id} not found")
    exam = None if role == "curator" else visibility.exam_view(db, project_id)
    access = ProjectAccess(project, role, exam)
    if need == "annotate" and not access.can_annotate:
        abort(403, description="you cannot annotate in this project")
    if need == "curate" and not access.can_curate:
        abort(403, description="only the project's curators can do this")
    return access


def visible_projects(db: sqlite_utils.Database, user: User) -> list[dict]:
    """Projects the user can open (all for admins) with `my_role`."""
    if user.is_admin:
        return [{**p, "my_role": "curator"} for p in store.list_projects(db)]
    return store.list_projects(db, user_id=user.id)


def sees_all_stories(user: User) -> bool:
    return user.role in ("admin", "curator")


def readable_story_ids(db: sqlite_utils.Database, user: User) -> set[int] | None:
    """Ids of the stories `user` may read (None: all of them, for admins and curators)."""
    if sees_all_stories(user):
        return None
    return {s["id"] for p in visible_projects(db, user) for s in store.list_stories(db, p["id"])}


def story_projects(db: sqlite_utils.Database, user: User, story_id: int) -> list[dict]:
    """The user's projects that contain `story_id`."""
    return [p for p in visible_projects(db, user)
            if any(s["id"] == story_id for s in store.list_stories(db, p["id"]))]


def check_story(db: sqlite_utils.Database, user: User, story_id: int, project_id: int | None) -> ProjectAccess | None:
    """Allow reading a story: via a project that holds it, or directly for admins/curators."""
    if project_id is not None:
        access = project_access(db, user, project_id)
        if not any(s["id"] == story_id for s in store.list_stories(db, project_id)):
            abort(404, description=f"story {story_id} is not part of project {project_id}")
        return access
    if not sees_all_stories(user) and not story_projects(db, user, story_id):
        abort(404, description=f"story {story_id} not found")
    return None

