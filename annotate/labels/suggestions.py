"""SQLite side of machine suggestions and classifiers (the only SQL of the suggest layer).

Machine suggestions live in `annotations` with source 'rule' or 'model' and project_id NULL.
Re-running replaces the *undecided* ones (status 'active') of the given articles in one
transaction; human labels are never touched, and suggestions a person accepted or rejected
(globally, or in any project: annotate.labels.decisions) are kept (that decision is a human act)
and not suggested again.
"""
from __future__ import annotations

import json

import sqlite_utils

from annotate.labels import projects
from corpus import store as corpus_store
from corpus.schema import now

MACHINE = ("rule", "model")


def replace_suggestions(db: sqlite_utils.Database, article_ids: list[str], rows: list[dict]) -> int:
    """Swap the undecided machine suggestions of `article_ids` for `rows`; returns rows inserted.

    Decided means accepted/rejected globally (status) or in at least one project (a live row in
    suggestion_decisions): such a suggestion is kept as it is, still open for the other projects,
    and an identical fresh row is not inserted beside it.
    """
    marks = ",".join("?" * len(article_ids))
    scope = (f"article_id IN ({marks}) AND project_id IS NULL AND source IN ('rule', 'model')", list(article_ids))
    undecided = (f"{scope[0]} AND status = 'active' AND id NOT IN "
                 "(SELECT suggestion_id FROM suggestion_decisions WHERE status = 'active')")
    with db.atomic():
        decided = {
            (r[0], r[1], r[2], r[3]) for r in db.execute(
                f"SELECT passage_id, start, [end], label FROM annotations WHERE {scope[0]} "
                "AND (status IN ('accepted', 'rejected') OR id IN "
                "(SELECT suggestion_id FROM suggestion_decisions WHERE status = 'active'))", scope[1])
        }
        # Rows with history (edited or once-decided suggestions) are soft-deleted so history
        # and undone decisions keep their target.
        db.execute(
            f"UPDATE annotations SET status = 'deleted', updated_at = ? WHERE {undecided} AND (id IN "
            "(SELECT annotation_id FROM annotation_history) OR id IN (SELECT suggestion_id FROM suggestion_decisions))",
            [now(), *scope[1]])
        db.execute(f"DELETE FROM annotations WHERE {undecided}", scope[1])
        fresh = [r for r in rows if (r["passage_id"], r["start"], r["end"], r["label"]) not in decided]
        stamp = now()
        for row in fresh:
            row.update({"project_id": None, "status": "active", "version": 1, "created_at": stamp, "updated_at": stamp})
        if fresh:
            db.table("annotations").insert_all(fresh)
    return len(fresh)


def human_labels(db: sqlite_utils.Database, project_id: int | None = None) -> list[dict]:
    """Active human labels (all projects, or one) plus the project's gold labels (adjudicated)."""
    sql = ("SELECT a.passage_id, a.start, a.[end], a.label, 'human' AS kind FROM annotations a "
           "WHERE a.source = 'human' AND a.status = 'active'")
    params: list = []
    if project_id is not None:
        sql += " AND a.project_id = ?"
        params.append(project_id)
    rows = list(db.query(sql, params))
    gold = "SELECT passage_id, start, [end], label, 'gold' AS kind FROM gold_labels"
    rows += list(db.query(gold + " WHERE project_id = ?", [project_id]) if project_id is not None else db.query(gold))
    return rows


def passages_of(db: sqlite_utils.Database, passage_ids: list[str]) -> list[dict]:
    """Passage rows (with the article's lang) for `passage_ids`."""
    return corpus_store.passages_by_ids(db, passage_ids)


def content_passages(db: sqlite_utils.Database, article_ids: list[str] | None = None) -> list[dict]:
    """Content passages (with lang) of `article_ids`, or of every article when None."""
    return corpus_store.content_passages(db, article_ids)


def project_article_ids(db: sqlite_utils.Database, project_id: int) -> list[str]:
    """Articles of the stories attached to a project."""
    return projects.project_article_ids(db, project_id)


def labelled_passages(db: sqlite_utils.Database, project_id: int | None) -> set[str]:
    """Passages that already carry a human label (in the project, when given)."""
    sql = "SELECT DISTINCT passage_id FROM annotations WHERE source = 'human' AND status = 'active'"
    params = []
    if project_id is not None:
        sql += " AND project_id = ?"
        params = [project_id]
    return {r[0] for r in db.execute(sql, params)}


def save_classifier(db: sqlite_utils.Database, project_id: int | None, model: str, params: dict,
                    metrics: dict, blob: bytes) -> int:
    """Store a fitted classifier; returns its id (the newest one is used)."""
    with db.atomic():
        table = db.table("classifiers")
        table.insert({
            "project_id": project_id, "model": model, "params": json.dumps(params),
            "metrics": json.dumps(metrics), "blob": blob, "created_at": now(),
        })
        return table.last_pk


def latest_classifier(db: sqlite_utils.Database, project_id: int | None = None) -> dict | None:
    """The newest classifier of `project_id` (None: the project-less one)."""
    where = "project_id = ?" if project_id is not None else "project_id IS NULL"
    rows = list(db.query(f"SELECT * FROM classifiers WHERE {where} ORDER BY id DESC LIMIT 1",
                         [project_id] if project_id is not None else []))
    return rows[0] if rows else None
