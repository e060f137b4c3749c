"""Opening a presslens database: one place that sets WAL, foreign keys and the busy timeout.

Every layer opens SQLite through `connect`, so no connection ever runs without foreign keys or
with a default (zero) busy timeout that would turn concurrent writers into `database is locked`.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import sqlite_utils

from corpus import schema

DEFAULT_DB = "instance/presslens.db"
BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")


class Database(sqlite_utils.Database):
    """sqlite-utils Database whose write transactions start with BEGIN IMMEDIATE.

    sqlite-utils opens `atomic()` (and every insert/update it runs) with a deferred BEGIN: the
    transaction reads first (table info, lookups) and only later asks for the write lock. Under
    WAL, if another connection committed in between, that upgrade fails at once with `database is
    locked` (SQLITE_BUSY_SNAPSHOT), ignoring the busy timeout. Taking the write lock up front
    makes concurrent writers queue on the busy timeout instead of failing.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator["Database"]:
        if self.conn.in_transaction:  # nested: savepoints, as sqlite-utils does
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def retry_locked(fn: Callable[[], T], attempts: int = 5, pause_s: float = 0.05) -> T:
    """Run `fn` (one whole short transaction), retrying when SQLite still says it is locked.

    The busy timeout covers almost every case; this is the belt for the rare lock error that
    escapes it (e.g. a checkpoint racing a writer). `fn` must be safe to re-run from scratch.
    """
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause_s * (2 ** attempt))
    raise AssertionError("unreachable")


def default_path() -> str:
    """The database path from `PRESSLENS_DB`, else `instance/presslens.db`."""
    return os.environ.get("PRESSLENS_DB") or DEFAULT_DB


def connect(path: str | os.PathLike | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` with presslens's connection settings."""
    path = Path(path or default_path())
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    if migrate:
        schema.migrate(db)
    return db
