"""Opening a presslens database: one place that sets WAL, foreign keys and the busy timeout.

Every layer opens SQLite through `connect`, so no connection ever runs without foreign keys or
with a default (zero) busy timeout that would turn concurrent writers into `database is locked`.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from corpus import schema

DEFAULT_DB = "instance/presslens.db"
BUSY_TIMEOUT_MS = 10_000


def default_path() -> str:
    """The database path from `PRESSLENS_DB`, else `instance/presslens.db`."""
    return os.environ.get("PRESSLENS_DB") or DEFAULT_DB


def connect(path: str | os.PathLike | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` with presslens's connection settings."""
    path = Path(path or default_path())
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    if migrate:
        schema.migrate(db)
    return db
