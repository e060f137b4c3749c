"""Backups and restores of a presslens database, safe while the server keeps writing.

Annotation work takes people hours, so a backup must be a consistent snapshot even under load
and a restore must never leave a half-copied or foreign file in place of the live database.

- `backup` uses SQLite's online backup API in a single step: one read transaction, so the copy
  is exactly the committed state at one instant; in WAL mode writers are not blocked meanwhile.
  The copy is written to a temp file beside OUT, checked, switched to a rollback journal (one
  self-contained file, no -wal to forget) and renamed into place.
- `restore` refuses anything that is not an intact presslens database, copies it to a temp file
  beside the target, keeps the current database as `TARGET.bak` (itself a consistent backup) and
  renames the copy over the target: a crash at any point leaves either the old or the new file.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from corpus import db as dbmod
from corpus import schema
from corpus.errors import Invalid

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Invalid):
    """A backup or restore refused or failed; the message names the file and the reason."""


@dataclass
class BackupReport:
    """What a backup or restore did: paths, sizes and the row counts users care about."""
    source: str
    target: str
    bytes: int
    counts: dict[str, int]
    previous: str | None = None  # restore only: where the replaced database was kept

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "bytes": self.bytes,
                "counts": self.counts, "previous": self.previous}


COUNTED_TABLES = ("articles", "passages", "annotations", "gold_labels", "users", "projects")


def check_database(path: str | os.PathLike) -> dict[str, int]:
    """Raise BackupError unless `path` is an intact presslens database; return its row counts.

    Reads the file header first so a text file or a zip is refused before SQLite touches it,
    then runs `PRAGMA integrity_check` and looks for presslens's migrations table.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path}: not an SQLite database")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _check_connection(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: unreadable database ({exc})") from None
    finally:
        conn.close()


def _check_connection(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise BackupError(f"{path}: integrity check failed: {'; '.join(problems[:5])}")
    if not schema.is_presslens_db(sqlite_utils.Database(conn)):
        raise BackupError(f"{path}: not a presslens database (no presslens migrations)")
    return _counts(conn)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in COUNTED_TABLES if t in tables}


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    """Copy `src` into a fresh single-file database at `dest_path` (rollback journal, synced)."""
    dest_path.unlink(missing_ok=True)
    dest = sqlite3.connect(str(dest_path))
    try:
        # pages=-1: the whole database in one step, i.e. inside one read transaction of the
        # source, so concurrent commits can neither tear the copy nor restart it forever.
        src.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.commit()
    finally:
        dest.close()
    _fsync(dest_path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_beside(path: Path, tag: str) -> Path:
    # Same folder as the final file so the rename never crosses file systems (atomic).
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}.tmp")


def backup(db_path: str | os.PathLike, out_path: str | os.PathLike, *, overwrite: bool = False) -> BackupReport:
    """Write a consistent snapshot of the database at `db_path` to `out_path`.

    Safe while other processes write (WAL readers see one committed state). Refuses to
    overwrite an existing `out_path` unless `overwrite`, and refuses a non-presslens source.
    """
    src_path, out = Path(db_path), Path(out_path)
    if not src_path.is_file():
        raise BackupError(f"{src_path}: no such database")
    if out.exists() and not overwrite:
        raise BackupError(f"{out}: already exists (use --force to overwrite)")
    if out.resolve() == src_path.resolve():
        raise BackupError(f"{out}: is the database itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    src = dbmod.connect(src_path, migrate=False).conn
    try:
        if not schema.is_presslens_db(sqlite_utils.Database(src)):
            raise BackupError(f"{src_path}: not a presslens database")
        tmp = _temp_beside(out, "backup")
        try:
            # A busy source (WAL recovery, a checkpoint) is retried rather than failing the backup.
            dbmod.retry_locked(lambda: _copy(src, tmp))
            counts = check_database(tmp)
            os.replace(tmp, out)
            _fsync_dir(out.parent)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        src.close()
    return BackupReport(str(src_path), str(out), out.stat().st_size, counts)


def restore(in_path: str | os.PathLike, db_path: str | os.PathLike, *, force: bool = False) -> BackupReport:
    """Replace the database at `db_path` with the backup `in_path`, keeping the old one as .bak.

    Refuses a file that is not an intact presslens database. An existing target is replaced only
    with `force` (it is never lost: a consistent copy goes to `TARGET.bak` first). Stop the
    server first: connections still open on the old file would keep reading it.
    """
    src_path, target = Path(in_path), Path(db_path)
    counts = check_database(src_path)
    if target.exists() and src_path.resolve() == target.resolve():
        raise BackupError(f"{src_path}: is the target database itself")
    if target.exists() and not force:
        raise BackupError(f"{target}: already exists; use --force to replace it (kept as {target.name}.bak)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_beside(target, "restore")
    try:
        src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True)
        try:
            _copy(src, tmp)
        finally:
            src.close()
        check_database(tmp)
        previous = _keep_previous(target) if target.exists() else None
        os.replace(tmp, target)
        _drop_stale_wal(target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(str(src_path), str(target), target.stat().st_size, counts, previous)


def _keep_previous(target: Path) -> str:
    """Save the current target as TARGET.bak (through the backup API, so its WAL is included)."""
    bak = target.with_name(target.name + ".bak")
    tmp = _temp_beside(bak, "bak")
    try:
        conn = sqlite3.connect(str(target), timeout=dbmod.BUSY_TIMEOUT_MS / 1000)
        try:
            _copy(conn, tmp)
            # Fold the WAL into the main file so no committed page is left only in target-wal,
            # which is about to be deleted together with the old file.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        os.replace(tmp, bak)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{target}: cannot read the current database to keep it ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return str(bak)


def _drop_stale_wal(target: Path) -> None:
    # A -wal/-shm left from the old file would be replayed onto the new one: remove them.
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
