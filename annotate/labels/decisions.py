"""Per-project accept/reject decisions on machine suggestions (table `suggestion_decisions`).

A project-less suggestion is shared by every project whose stories hold its article, so a
decision taken in one project must not hide it in another: the suggestion row stays 'active'
and the decision is a row here (project, user, accept/reject, the human label an accept made).
In a blind project each annotator decides for themselves; in an open one a decision by any
member settles the suggestion for the project. Undoing sets the row to 'undone' (kept as the
audit trail). annotate.labels.store orchestrates; this module holds the SQL.
"""
from __future__ import annotations

import json

import sqlite_utils

from corpus.schema import now

DECIDED = {"accept": "accepted", "reject": "rejected"}


def scope_user(db: sqlite_utils.Database, project_id: int, user_id: int | None) -> int | None:
    """Whose decisions count for `user_id` in this project: theirs in a blind project, else
    anyone's (None)."""
    rows = list(db.query("SELECT blind FROM projects WHERE id = ?", [project_id]))
    return user_id if rows and rows[0]["blind"] and user_id is not None else None


def hidden_clause(db: sqlite_utils.Database, project_id: int, viewer_id: int | None) -> tuple[str, list]:
    """SQL condition (over `annotations`) that drops suggestions decided in the project."""
    who = scope_user(db, project_id, viewer_id)
    sql = ("NOT (source != 'human' AND id IN (SELECT suggestion_id FROM suggestion_decisions "
           "WHERE project_id = ? AND status = 'active'" + (" AND user_id = ?" if who is not None else "") + "))")
    return sql, [project_id] + ([who] if who is not None else [])


def active_decisions(db: sqlite_utils.Database, suggestion_id: int, project_id: int,
                     user_id: int | None = None) -> list[dict]:
    """Live decisions on a suggestion in a project (by `user_id` when given), oldest first."""
    sql = "SELECT * FROM suggestion_decisions WHERE suggestion_id = ? AND project_id = ? AND status = 'active'"
    params: list = [suggestion_id, project_id]
    if user_id is not None:
        sql += " AND user_id = ?"
        params.append(user_id)
    return list(db.query(sql + " ORDER BY id", params))


def insert_decision(db: sqlite_utils.Database, suggestion_id: int, project_id: int, user_id: int | None,
                    action: str) -> dict:
    """Write one decision row (inside the caller's transaction) and return it."""
    table = db.table("suggestion_decisions")
    table.insert({"suggestion_id": suggestion_id, "project_id": project_id, "user_id": user_id,
                  "decision": action, "created_label": 0, "status": "active", "decided_at": now()})
    return dict(table.get(table.last_pk))


def attach_label(db: sqlite_utils.Database, decision_id: int, label_id: int, created: bool) -> None:
    """Link an accept to its human label; `created` says whether undo may delete that label."""
    db.execute("UPDATE suggestion_decisions SET label_id = ?, created_label = ? WHERE id = ?",
               [label_id, int(created), decision_id])


def mark_undone(db: sqlite_utils.Database, decision_id: int) -> bool:
    """Undo a live decision; False when it was undone already (a concurrent undo won)."""
    cur = db.execute("UPDATE suggestion_decisions SET status = 'undone', undone_at = ? "
                     "WHERE id = ? AND status = 'active'", [now(), decision_id])
    return cur.rowcount == 1


def record(db: sqlite_utils.Database, action: str, user_id: int | None, project_id: int,
           before: dict | None, after: dict | None) -> None:
    """History row on the suggestion, filed under the project where the decision was taken."""
    ref = after or before
    db.table("annotation_history").insert({
        "annotation_id": ref["id"], "project_id": project_id, "user_id": user_id, "action": action,
        "before": json.dumps(before, ensure_ascii=False) if before else None,
        "after": json.dumps(after, ensure_ascii=False) if after else None, "at": now(),
    })


def list_decisions(db: sqlite_utils.Database, project_id: int, *, status: str | None = "active") -> list[dict]:
    """Decisions of a project (live ones by default), oldest first."""
    sql, params = "SELECT * FROM suggestion_decisions WHERE project_id = ?", [project_id]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    return list(db.query(sql + " ORDER BY id", params))
