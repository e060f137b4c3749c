"""SQLite access of the compare layer: stories, alignment runs and alignments (vectors: vector_store)."""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from corpus import store as corpus_store
from corpus.errors import Invalid
from corpus.schema import now

# ---------------------------------------------------------------------------------------------
# Stories, alignment runs and alignments (align helper).
# Runs are stored so a comparison view can be reproduced: a run is inserted as `running`, then
# its alignments and the `complete` status are written in one transaction, so a reader never
# sees a half-written run as complete.
# ---------------------------------------------------------------------------------------------


class StoryError(Invalid):
    """A story request that cannot be honoured (unknown article, story in use, ...)."""


def _members(db: sqlite_utils.Database, story_id: int) -> list[str]:
    rows = db.execute("SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY rowid", [story_id])
    return [r[0] for r in rows.fetchall()]


def _story_dict(db: sqlite_utils.Database, row: tuple) -> dict:
    sid, title, method, params, created_at = row
    return {"id": sid, "title": title, "method": method, "params": json.loads(params or "{}"),
            "created_at": created_at, "article_ids": _members(db, sid)}


def create_story(db: sqlite_utils.Database, article_ids: list[str], title: str | None = None,
                 method: str = "manual", params: dict | None = None) -> int:
    """Store a story of the given (existing) articles; returns its id."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise StoryError("a story needs at least one article")
    known = corpus_store.existing_articles(db, ids)
    missing = [a for a in ids if a not in known]
    if missing:
        raise StoryError(f"unknown article(s): {', '.join(missing)}")
    with db.atomic():
        cur = db.execute("INSERT INTO stories (title, method, params, created_at) VALUES (?, ?, ?, ?)",
                         [title, method, json.dumps(params or {}), now()])
        sid = cur.lastrowid
        db.table("story_articles").insert_all([{"story_id": sid, "article_id": a} for a in ids])
    return sid


def get_story(db: sqlite_utils.Database, story_id: int) -> dict | None:
    """A story with its article ids (in the order they were added), or None."""
    row = db.execute("SELECT id, title, method, params, created_at FROM stories WHERE id = ?",
                     [story_id]).fetchone()
    return _story_dict(db, row) if row else None


def list_stories(db: sqlite_utils.Database, method: str | None = None) -> list[dict]:
    """All stories (optionally of one method: auto/manual), oldest first."""
    sql = "SELECT id, title, method, params, created_at FROM stories"
    args = []
    if method:
        sql, args = sql + " WHERE method = ?", [method]
    return [_story_dict(db, row) for row in db.execute(sql + " ORDER BY id", args).fetchall()]


def _delete_unless_used(db: sqlite_utils.Database, story_id: int) -> bool:
    """Delete a story and its runs unless rows of a higher layer (projects, class exercises) point
    at it: their foreign keys refuse the delete, so compare needs no knowledge of their tables."""
    db.execute("SAVEPOINT story_delete")
    try:
        _delete_story(db, story_id)
    except sqlite3.IntegrityError:
        db.execute("ROLLBACK TO story_delete")
        return False
    finally:
        db.execute("RELEASE story_delete")
    return True


def _delete_story(db: sqlite_utils.Database, story_id: int) -> None:
    runs = "SELECT id FROM alignment_runs WHERE story_id = ?"
    db.execute(f"DELETE FROM alignments WHERE run_id IN ({runs})", [story_id])
    db.execute("DELETE FROM alignment_runs WHERE story_id = ?", [story_id])
    db.execute("DELETE FROM story_articles WHERE story_id = ?", [story_id])
    db.execute("DELETE FROM stories WHERE id = ?", [story_id])


def delete_story(db: sqlite_utils.Database, story_id: int) -> bool:
    """Remove a story and its runs; False when absent; StoryError when a project uses it."""
    with db.atomic():
        if not db.execute("SELECT 1 FROM stories WHERE id = ?", [story_id]).fetchone():
            return False
        if not _delete_unless_used(db, story_id):
            raise StoryError(f"story {story_id} is used by a project or exercise")
    return True


def save_auto_stories(db: sqlite_utils.Database, groups: list[list[str]], params: dict,
                      scope: set[str] | None = None) -> list[int]:
    """Replace the auto-clustered stories within `scope` (None: all articles) by `groups`.

    A group whose membership equals an existing auto story keeps that story's id (and its runs);
    auto stories wholly inside the scope that no group matches are removed, unless a project
    uses them. Manual stories are never touched. Returns the story id of each group, in order.
    """
    with db.atomic():
        # With a scope, only stories touching it can match a group or be removed: reading just
        # those keeps an incremental update of a large corpus proportional to what it touches.
        candidates = list_stories(db, "auto") if scope is None else auto_stories_touching(db, scope)
        existing = {frozenset(s["article_ids"]): s["id"] for s in candidates}
        ids = []
        for group in groups:
            sid = existing.pop(frozenset(group), None)
            ids.append(sid if sid is not None else create_story(db, group, None, "auto", params))
        for members, sid in existing.items():
            if scope is None or members <= scope:
                _delete_unless_used(db, sid)
    return ids


def auto_stories_touching(db: sqlite_utils.Database, article_ids: set[str]) -> list[dict]:
    """Auto stories that contain at least one of `article_ids`, with all their members."""
    ids, sids = sorted(article_ids), set()
    for start in range(0, len(ids), 500):  # SQLite caps the number of parameters
        chunk = ids[start:start + 500]
        sids.update(r[0] for r in db.execute(
            "SELECT DISTINCT sa.story_id FROM story_articles sa JOIN stories s ON s.id = sa.story_id"
            f" WHERE s.method = 'auto' AND sa.article_id IN ({','.join('?' * len(chunk))})", chunk))
    return [s for s in (get_story(db, sid) for sid in sorted(sids)) if s is not None]


def story_ids_of(db: sqlite_utils.Database, article_id: str) -> list[int]:
    """Stories that contain an article."""
    rows = db.execute("SELECT story_id FROM story_articles WHERE article_id = ? ORDER BY story_id", [article_id])
    return [r[0] for r in rows.fetchall()]


def start_run(db: sqlite_utils.Database, story_id: int, model: str, params: dict) -> int:
    """Record an alignment run as `running` (committed, so a crash leaves a visible trace)."""
    with db.atomic():
        cur = db.execute(
            "INSERT INTO alignment_runs (story_id, model, params, status, created_at) VALUES (?, ?, ?, ?, ?)",
            [story_id, model, json.dumps(params, sort_keys=True), "running", now()])
    return cur.lastrowid


def complete_run(db: sqlite_utils.Database, run_id: int, alignments: list[dict]) -> None:
    """Write a run's alignments and mark it complete, in one transaction."""
    rows = [{"run_id": run_id, "a": al["a"], "b": al["b"], "score": al["score"],
             "char_score": al.get("char_score"), "kind": al["kind"],
             "diff": json.dumps(al.get("diff", []), ensure_ascii=False)} for al in alignments]
    with db.atomic():
        if rows:
            db.table("alignments").insert_all(rows)
        db.execute("UPDATE alignment_runs SET status = 'complete', finished_at = ? WHERE id = ?", [now(), run_id])


def fail_run(db: sqlite_utils.Database, run_id: int, error: str) -> None:
    """Mark a run failed (its params keep the error message for the record)."""
    with db.atomic():
        row = db.execute("SELECT params FROM alignment_runs WHERE id = ?", [run_id]).fetchone()
        params = {**json.loads(row[0] or "{}"), "error": error} if row else {"error": error}
        db.execute("UPDATE alignment_runs SET status = 'failed', finished_at = ?, params = ? WHERE id = ?",
                   [now(), json.dumps(params, sort_keys=True), run_id])


def _run_dict(row: tuple | None) -> dict | None:
    if not row:
        return None
    keys = ("id", "story_id", "model", "params", "status", "created_at", "finished_at")
    run = dict(zip(keys, row))
    run["params"] = json.loads(run["params"] or "{}")
    return run


_RUN_COLS = "id, story_id, model, params, status, created_at, finished_at"


def get_run(db: sqlite_utils.Database, run_id: int) -> dict | None:
    """One alignment run (any status)."""
    return _run_dict(db.execute(f"SELECT {_RUN_COLS} FROM alignment_runs WHERE id = ?", [run_id]).fetchone())


def latest_run(db: sqlite_utils.Database, story_id: int, model: str | None = None) -> dict | None:
    """The most recent complete run of a story (optionally for one model), or None."""
    sql = f"SELECT {_RUN_COLS} FROM alignment_runs WHERE story_id = ? AND status = 'complete'"
    args: list = [story_id]
    if model:
        sql, args = sql + " AND model = ?", args + [model]
    return _run_dict(db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone())


def get_alignments(db: sqlite_utils.Database, run_id: int, with_ids: bool = False,
                   with_diff: bool = True) -> list[dict]:
    """Alignments of a run (keys a, b, score, char_score, kind, diff as a list of ops), the same
    dicts a fresh alignment gives; `with_ids` adds each row's `id` and `run_id` (for exports).

    `with_diff=False` leaves the stored diffs out (`diff` is None): decoding hundreds of them is
    most of the cost for a page that draws only the links.
    """
    diff_col = "diff" if with_diff else "NULL"
    rows = db.execute(f"SELECT id, a, b, score, char_score, kind, {diff_col} FROM alignments WHERE run_id = ? "
                      "ORDER BY id", [run_id]).fetchall()
    return [{**({"id": i, "run_id": run_id} if with_ids else {}), "a": a, "b": b, "score": score,
             "char_score": cs, "kind": kind, "diff": json.loads(diff or "[]") if with_diff else None}
            for i, a, b, score, cs, kind, diff in rows]


# -- curated membership: a curator adds and removes articles; the story becomes "manual" so that
# automatic clustering never rewrites what a person chose. -----------------------------------------

def add_articles(db: sqlite_utils.Database, story_id: int, article_ids: list[str]) -> list[str]:
    """Add existing articles to a story (already-present ones are ignored); returns those added."""
    with db.atomic():
        story = get_story(db, story_id)
        if story is None:
            raise StoryError(f"no story {story_id}")
        new = [a for a in dict.fromkeys(article_ids) if a not in story["article_ids"]]
        known = corpus_store.existing_articles(db, new)
        missing = [a for a in new if a not in known]
        if missing:
            raise StoryError(f"unknown article(s): {', '.join(missing)}")
        db.table("story_articles").insert_all([{"story_id": story_id, "article_id": a} for a in new])
        db.execute("UPDATE stories SET method = 'manual' WHERE id = ?", [story_id])
    return new


def remove_article(db: sqlite_utils.Database, story_id: int, article_id: str) -> bool:
    """Take an article out of a story (its stored runs stay as history); False when it was not in it."""
    with db.atomic():
        cur = db.execute("DELETE FROM story_articles WHERE story_id = ? AND article_id = ?", [story_id, article_id])
        if cur.rowcount:
            db.execute("UPDATE stories SET method = 'manual' WHERE id = ?", [story_id])
    return bool(cur.rowcount)


def rename_story(db: sqlite_utils.Database, story_id: int, title: str | None) -> None:
    """Set (or clear, with None/"") a story's title."""
    with db.atomic():
        db.execute("UPDATE stories SET title = ? WHERE id = ?", [title or None, story_id])
