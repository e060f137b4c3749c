"""Server-side session records: the cookie carries a random token, the database its hash.

Why: Flask sessions are signed cookies, and a signed cookie stays valid wherever it is copied.
Each login gets a row in `web_sessions`; every request checks that its row exists and is not
revoked, so logout ends that session (and only that one: other devices stay logged in), and
disabling an account ends all of its sessions, on the next request.
"""
from __future__ import annotations

import hashlib
import secrets

import sqlite_utils

from corpus.schema import now


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: sqlite_utils.Database, user_id: int, user_agent: str = "") -> str:
    """Record a new session of `user_id`; returns the token to put in the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    with db.atomic():
        # Revoked rows have done their job once the user logs in again: keep the table small.
        db.execute("DELETE FROM web_sessions WHERE user_id = ? AND revoked_at IS NOT NULL", [user_id])
        db.table("web_sessions").insert({"id": _key(token), "user_id": user_id, "created_at": now(),
                                         "user_agent": (user_agent or "")[:200]})
    return token


def is_live(db: sqlite_utils.Database, token: str | None, user_id: int) -> bool:
    """True when `token` names an unrevoked session of `user_id`."""
    if not isinstance(token, str) or not token:
        return False
    row = db.execute("SELECT user_id, revoked_at FROM web_sessions WHERE id = ?", [_key(token)]).fetchone()
    return row is not None and row[0] == user_id and row[1] is None


def revoke(db: sqlite_utils.Database, token: str | None) -> None:
    """End one session (logout on this device)."""
    if isinstance(token, str) and token:
        with db.atomic():
            db.execute("UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                       [now(), _key(token)])


def revoke_user(db: sqlite_utils.Database, user_id: int, keep: str | None = None) -> int:
    """End every session of `user_id` (but `keep`, the token of the caller's own session, if given);
    returns how many were ended."""
    keep_key = _key(keep) if keep else ""
    with db.atomic():
        cur = db.execute("UPDATE web_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL "
                         "AND id != ?", [now(), user_id, keep_key])
    return cur.rowcount


def live_count(db: sqlite_utils.Database, user_id: int) -> int:
    """Open sessions of a user (shown on the users page)."""
    return db.execute("SELECT count(*) FROM web_sessions WHERE user_id = ? AND revoked_at IS NULL",
                      [user_id]).fetchone()[0]
