"""Background jobs (the `jobs` table) and read-only share links (`share_links`): web-layer state.

A job row is the durable truth about an analysis: the huey queue only carries "run job N", so a
page reload, or a server restart that loses the in-flight task, still finds the job here (and
`serve` re-queues unfinished ones at start). Share tokens are stored as SHA-256 hashes only.
"""
from __future__ import annotations

import hashlib
import json
import secrets

import sqlite_utils

from corpus.schema import now

ACTIVE = ("queued", "running")


def create_job(db: sqlite_utils.Database, kind: str, *, article_id: str | None = None, story_id: int | None = None,
               payload: dict | None = None, created_by: int | None = None) -> int:
    """A new queued job; returns its id (the caller enqueues it after this commit)."""
    stamp = now()
    with db.atomic():
        return db.table("jobs").insert({
            "kind": kind, "status": "queued", "progress": 0, "step": "queued", "article_id": article_id,
            "story_id": story_id, "payload": json.dumps(payload or {}), "result": "{}",
            "created_by": created_by, "created_at": stamp, "updated_at": stamp}).last_pk


def update_job(db: sqlite_utils.Database, job_id: int, **fields) -> None:
    """Set status / progress / step / error / story_id / result (dict) of a job."""
    if "result" in fields:
        fields["result"] = json.dumps(fields["result"])
    fields["updated_at"] = now()
    with db.atomic():
        db.table("jobs").update(job_id, fields)


def get_job(db: sqlite_utils.Database, job_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM jobs WHERE id = ?", [job_id]))
    return _decode(rows[0]) if rows else None


def list_jobs(db: sqlite_utils.Database, *, statuses: tuple[str, ...] | None = None, article_id: str | None = None,
              limit: int = 50) -> list[dict]:
    """Jobs, newest first, optionally only some statuses or one article's."""
    where, args = [], []
    if statuses:
        where.append(f"status IN ({','.join('?' * len(statuses))})")
        args += list(statuses)
    if article_id:
        where.append("article_id = ?")
        args.append(article_id)
    sql = "SELECT * FROM jobs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
    return [_decode(r) for r in db.query(sql, [*args, limit])]


def _decode(row: dict) -> dict:
    return {**row, "payload": json.loads(row.get("payload") or "{}"), "result": json.loads(row.get("result") or "{}")}


# -- share links --------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_share(db: sqlite_utils.Database, story_id: int, created_by: int, layers: str = "") -> str:
    """A new read-only link token for `story_id` (returned once; only its hash is kept)."""
    token = secrets.token_urlsafe(24)
    with db.atomic():
        db.table("share_links").insert({"token_hash": _hash(token), "story_id": story_id, "layers": layers,
                                        "created_by": created_by, "created_at": now(), "revoked_at": None})
    return token


def share_for_token(db: sqlite_utils.Database, token: str) -> dict | None:
    """The live (not revoked) share row of `token`, or None."""
    rows = list(db.query("SELECT * FROM share_links WHERE token_hash = ? AND revoked_at IS NULL", [_hash(token)]))
    return rows[0] if rows else None


def list_shares(db: sqlite_utils.Database, story_id: int) -> list[dict]:
    return list(db.query("SELECT id, story_id, layers, created_by, created_at, revoked_at FROM share_links "
                         "WHERE story_id = ? ORDER BY id DESC", [story_id]))


def revoke_share(db: sqlite_utils.Database, share_id: int, story_id: int) -> bool:
    with db.atomic():
        cur = db.execute("UPDATE share_links SET revoked_at = ? WHERE id = ? AND story_id = ? AND revoked_at IS NULL",
                         [now(), share_id, story_id])
    return bool(cur.rowcount)

