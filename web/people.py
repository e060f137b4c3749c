"""The web layer's accounts, offered to annotate as its directory of people (annotate.labels.people).

`users` is the web layer's table (web.auth_store writes it); annotate shows usernames next to
labels and checks roles in its CLI, and asks through this directory instead of querying the table.
Installed when the web package is imported (web/__init__.py).
"""
from __future__ import annotations

import sqlite_utils

from annotate.labels import people


def accounts(db: sqlite_utils.Database, user_ids: list[int] | None) -> dict[int, dict]:
    """{id: {"username", "display_name", "role"}} of the given accounts (all when None)."""
    sql, params = "SELECT id, username, display_name, role FROM users", []
    if user_ids is not None:
        if not user_ids:
            return {}
        sql += f" WHERE id IN ({','.join('?' * len(user_ids))})"
        params = list(user_ids)
    return {r["id"]: {"username": r["username"], "display_name": r["display_name"], "role": r["role"]}
            for r in db.query(sql, params)}


def id_of(db: sqlite_utils.Database, username: str) -> int | None:
    """The id of the account named `username`, or None."""
    rows = list(db.query("SELECT id FROM users WHERE username = ?", [username]))
    return rows[0]["id"] if rows else None


def install() -> None:
    """Make these accounts annotate's directory of people."""
    people.install(people.Directory(accounts=accounts, id_of=id_of))
