"""Projects, their label schemes, members and stories (SQL; re-exported by `annotate.labels.store`).

A project is the unit of an annotation campaign or a class: a set of stories, a label scheme,
members with roles, `k` annotators per passage and a blind flag. Everything here is plain CRUD;
the campaign logic built on it lives in `annotate.campaign.workflow`.
"""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from annotate.labels import people
from annotate.labels.schemes import DEFAULT_SCHEME, ROLES, LabelDef, LabelError, parse_scheme
from compare import store as compare_store
from corpus import store as corpus_store
from corpus.errors import NotFound  # noqa: F401  (re-exported: annotate raises the one NotFound)
from corpus.schema import now


def create_project(
    db: sqlite_utils.Database, name: str, *, created_by: int | None = None, description: str = "",
    scheme: list | None = None, blind: bool = False, k: int = 1,
) -> dict:
    """Create a project with the default scheme (or `scheme`); its creator becomes curator."""
    if not name or not name.strip():
        raise LabelError("a project needs a name")
    if int(k) < 1:
        raise LabelError(f"k (annotators per passage) must be >= 1, got {k}")
    defs = parse_scheme(scheme) if scheme else list(DEFAULT_SCHEME)
    with db.atomic():
        pid = db.table("projects").insert({
            "name": name.strip(), "description": description, "blind": int(bool(blind)), "k": int(k),
            "created_by": created_by, "created_at": now(),
        }).last_pk
        _write_scheme(db, pid, defs)
        if created_by is not None:
            _upsert_member(db, pid, created_by, "curator")
    return get_project(db, pid)


def get_project(db: sqlite_utils.Database, project_id: int) -> dict:
    """The project row with `blind` as bool and its `labels` (scheme as dicts)."""
    rows = list(db.query("SELECT * FROM projects WHERE id = ?", [project_id]))
    if not rows:
        raise NotFound(f"project {project_id} not found")
    project = rows[0]
    project["blind"] = bool(project["blind"])
    project["labels"] = [d.as_dict() for d in get_scheme(db, project_id)]
    return project


def list_projects(db: sqlite_utils.Database, user_id: int | None = None) -> list[dict]:
    """All projects, or those `user_id` is a member of (with `my_role`)."""
    if user_id is None:
        sql, params = "SELECT p.*, NULL AS my_role FROM projects p ORDER BY p.id", []
    else:
        sql = ("SELECT p.*, m.role AS my_role FROM projects p JOIN project_members m "
               "ON m.project_id = p.id AND m.user_id = ? ORDER BY p.id")
        params = [user_id]
    out = []
    for row in db.query(sql, params):
        row["blind"] = bool(row["blind"])
        out.append(row)
    return out


def update_project(db: sqlite_utils.Database, project_id: int, **fields) -> dict:
    """Change name, description, blind or k."""
    get_project(db, project_id)
    allowed = {"name", "description", "blind", "k"}
    unknown = set(fields) - allowed
    if unknown:
        raise LabelError(f"cannot change {', '.join(sorted(unknown))} of a project")
    if "k" in fields and int(fields["k"]) < 1:
        raise LabelError("k must be >= 1")
    if "blind" in fields:
        fields["blind"] = int(bool(fields["blind"]))
    if fields:
        db.table("projects").update(project_id, fields)
    return get_project(db, project_id)


def get_scheme(db: sqlite_utils.Database, project_id: int | None) -> list[LabelDef]:
    """The project's scheme in display order; DEFAULT_SCHEME for project-less suggestions."""
    if project_id is None:
        return list(DEFAULT_SCHEME)
    rows = db.query(
        "SELECT * FROM project_labels WHERE project_id = ? ORDER BY position, name", [project_id])
    defs = [LabelDef(r["name"], r["title"] or r["name"], r["color"] or "#868e96", r["key"] or "",
                     r["description"] or "", _titles(r)) for r in rows]
    return defs or list(DEFAULT_SCHEME)


def _titles(row: dict) -> tuple[tuple[str, str], ...]:
    """Stored display names per language; a default label still under its default English title
    (projects made before names per language) takes the default scheme's."""
    if row.get("titles"):
        return tuple(sorted(json.loads(row["titles"]).items()))
    default = next((d for d in DEFAULT_SCHEME if d.name == row["name"] and d.title == row["title"]), None)
    return default.titles if default else ()


def set_scheme(db: sqlite_utils.Database, project_id: int, scheme: list) -> list[LabelDef]:
    """Replace the scheme; refuses to drop a label that active annotations still use."""
    get_project(db, project_id)
    defs = parse_scheme(scheme)
    names = {d.name for d in defs}
    used = {r["label"] for r in db.query(
        "SELECT DISTINCT label FROM annotations WHERE project_id = ? AND status != 'deleted'", [project_id])}
    dropped = sorted(used - names)
    if dropped:
        raise LabelError(f"labels still in use cannot be removed from the scheme: {', '.join(dropped)}")
    with db.atomic():
        db.execute("DELETE FROM project_labels WHERE project_id = ?", [project_id])
        _write_scheme(db, project_id, defs)
    return defs


def _write_scheme(db: sqlite_utils.Database, project_id: int, defs: list[LabelDef]) -> None:
    db.table("project_labels").insert_all(
        [{"project_id": project_id, "position": i, **d.as_dict(), "titles": json.dumps(dict(d.titles), ensure_ascii=False)}
         for i, d in enumerate(defs)])


def add_member(db: sqlite_utils.Database, project_id: int, user_id: int, role: str = "annotator") -> dict:
    """Add (or change the role of) a member: curator, annotator or viewer."""
    if role not in ROLES:
        raise LabelError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    get_project(db, project_id)
    try:
        _upsert_member(db, project_id, user_id, role)
    except sqlite3.IntegrityError:  # the foreign key to the accounts: no such user
        raise NotFound(f"user {user_id} not found") from None
    return {"project_id": project_id, "user_id": user_id, "role": role}


def _upsert_member(db: sqlite_utils.Database, project_id: int, user_id: int, role: str) -> None:
    db.table("project_members").upsert(
        {"project_id": project_id, "user_id": user_id, "role": role, "added_at": now()},
        pk=("project_id", "user_id"))


def remove_member(db: sqlite_utils.Database, project_id: int, user_id: int) -> None:
    """Remove a member (their labels stay, attributed to them)."""
    db.execute("DELETE FROM project_members WHERE project_id = ? AND user_id = ?", [project_id, user_id])


def list_members(db: sqlite_utils.Database, project_id: int, role: str | None = None) -> list[dict]:
    """Members with username and role, ordered by user id (round-robin order)."""
    sql = "SELECT user_id, role, added_at FROM project_members WHERE project_id = ?"
    params: list = [project_id]
    if role:
        sql += " AND role = ?"
        params.append(role)
    rows = list(db.query(sql + " ORDER BY user_id", params))
    names = people.accounts(db, [r["user_id"] for r in rows])
    return [{"user_id": r["user_id"], "username": names.get(r["user_id"], {}).get("username"),
             "display_name": names.get(r["user_id"], {}).get("display_name"), "role": r["role"],
             "added_at": r["added_at"]} for r in rows]


def member_role(db: sqlite_utils.Database, project_id: int, user_id: int) -> str | None:
    """The user's role in the project, or None when not a member."""
    rows = list(db.query(
        "SELECT role FROM project_members WHERE project_id = ? AND user_id = ?", [project_id, user_id]))
    return rows[0]["role"] if rows else None


def add_story(db: sqlite_utils.Database, project_id: int, story_id: int) -> None:
    """Attach a story (its articles' passages become the project's work)."""
    get_project(db, project_id)
    if compare_store.get_story(db, story_id) is None:
        raise NotFound(f"story {story_id} not found")
    db.table("project_stories").upsert({"project_id": project_id, "story_id": story_id},
                                       pk=("project_id", "story_id"))


def remove_story(db: sqlite_utils.Database, project_id: int, story_id: int) -> None:
    """Detach a story from the project."""
    db.execute("DELETE FROM project_stories WHERE project_id = ? AND story_id = ?", [project_id, story_id])


def list_stories(db: sqlite_utils.Database, project_id: int) -> list[dict]:
    """Stories of the project with their article ids."""
    stories = []
    for sid in project_story_ids(db, project_id):
        story = compare_store.get_story(db, sid)
        story = {k: story[k] for k in ("id", "title", "method", "created_at")} | {
            "params": json.dumps(story["params"]), "article_ids": sorted(story["article_ids"])}
        stories.append(story)
    return stories


def project_story_ids(db: sqlite_utils.Database, project_id: int) -> list[int]:
    """Ids of the stories attached to the project, ascending."""
    return [r["story_id"] for r in db.query(
        "SELECT story_id FROM project_stories WHERE project_id = ? ORDER BY story_id", [project_id])]


def project_article_ids(db: sqlite_utils.Database, project_id: int) -> list[str]:
    """Distinct article ids of the project's stories."""
    return sorted({a for s in list_stories(db, project_id) for a in s["article_ids"]})


def project_passages(db: sqlite_utils.Database, project_id: int, content_only: bool = True) -> list[dict]:
    """Passages of the project's articles in (article, seq) order; content only by default."""
    return [{k: int(p[k]) if k == "content" else p[k] for k in _PASSAGE_KEYS} for a in project_article_ids(db, project_id)
            for p in corpus_store.get_passages(db, a, content_only=content_only)]


# The columns of a passage row, as the projects' callers have always received them.
_PASSAGE_KEYS = ("id", "article_id", "seq", "start", "end", "text", "kind", "content")
