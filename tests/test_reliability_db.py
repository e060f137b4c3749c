"""Concurrent writers through corpus.db.connect queue on the busy timeout instead of failing."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from corpus import db as dbmod
from corpus.schema import now


def _hammer(db_path, tag: str, n: int, errors: list[str]) -> None:
    db = dbmod.connect(db_path, migrate=False)
    try:
        for i in range(n):
            # sqlite-utils reads the table's columns before inserting: a read-then-write
            # transaction, the shape that fails with "database is locked" under a deferred BEGIN.
            with db.atomic():
                db.table("outlets").insert({"name": f"{tag}-{i}", "created_at": now()})
                db.execute("SELECT count(*) FROM outlets").fetchone()
    except sqlite3.OperationalError as exc:
        errors.append(str(exc))
    finally:
        db.conn.close()


def test_concurrent_read_then_write_transactions_never_report_database_locked(db, db_path):
    errors: list[str] = []
    threads = [threading.Thread(target=_hammer, args=(db_path, f"t{k}", 200, errors)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.execute("SELECT count(*) FROM outlets").fetchone()[0] == 800


def test_nested_atomic_rolls_back_only_the_inner_block(db):
    with db.atomic():
        db.table("outlets").insert({"name": "outer", "created_at": now()})
        with pytest.raises(RuntimeError):
            with db.atomic():
                db.table("outlets").insert({"name": "inner", "created_at": now()})
                raise RuntimeError("boom")
    assert [r["name"] for r in db.query("SELECT name FROM outlets")] == ["outer"]


def test_failed_transaction_leaves_nothing_behind(db):
    with pytest.raises(sqlite3.IntegrityError):
        with db.atomic():
            db.table("outlets").insert({"name": "dup", "created_at": now()})
            db.execute("INSERT INTO outlets (name) VALUES ('dup')")
    assert db.execute("SELECT count(*) FROM outlets").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_retry_locked_retries_lock_errors_then_gives_up():
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    assert dbmod.retry_locked(flaky, pause_s=0.001) == "done"
    assert len(calls) == 3

    def always_locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        dbmod.retry_locked(always_locked, attempts=2, pause_s=0.001)


def test_retry_locked_does_not_retry_other_errors():
    calls = []

    def broken() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: nope")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        dbmod.retry_locked(broken, pause_s=0.001)
    assert len(calls) == 1
