"""Backups are consistent under load and restores never lose or corrupt the live database."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import backup as backupmod
from corpus import db as dbmod
from corpus.schema import now
from tests.factories import make_article, make_project, make_user, passages_of
from web.cli import main


def _add_outlets(db_path: Path, names: list[str]) -> None:
    db = dbmod.connect(db_path)
    with db.atomic():
        for name in names:
            db.table("outlets").insert({"name": name, "created_at": now()})
    db.conn.close()


def _outlet_names(db_path: Path) -> set[str]:
    conn = sqlite3.connect(str(db_path))
    try:
        return {row[0] for row in conn.execute("SELECT name FROM outlets")}
    finally:
        conn.close()


def test_backup_copies_committed_rows_into_a_self_contained_file(db, db_path, tmp_path):
    _add_outlets(db_path, ["Le Monde", "Disclose"])
    out = tmp_path / "snap.db"
    report = backupmod.backup(db_path, out)
    assert _outlet_names(out) == {"Le Monde", "Disclose"}
    assert report.counts["articles"] == 0
    # one file: no -wal needed to read it, and it passes the restore checks
    assert not Path(str(out) + "-wal").exists()
    assert sqlite3.connect(str(out)).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    backupmod.check_database(out)


def test_backup_refuses_to_overwrite_an_existing_file_without_force(db, db_path, tmp_path):
    out = tmp_path / "snap.db"
    out.write_text("precious")
    with pytest.raises(backupmod.BackupError, match="already exists"):
        backupmod.backup(db_path, out)
    assert out.read_text() == "precious"
    backupmod.backup(db_path, out, overwrite=True)
    backupmod.check_database(out)


def test_backup_refuses_a_source_that_is_not_presslens(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(str(other)).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(backupmod.BackupError, match="not a presslens database"):
        backupmod.backup(other, tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()


@pytest.mark.parametrize("content, reason", [
    (b"hello, I am a text file\n" * 100, "not an SQLite database"),
    (b"", "not an SQLite database"),
])
def test_restore_refuses_a_file_that_is_not_a_database(db, db_path, tmp_path, content, reason):
    _add_outlets(db_path, ["Keep me"])
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(backupmod.BackupError, match=reason):
        backupmod.restore(bad, db_path, force=True)
    assert _outlet_names(db_path) == {"Keep me"}


def test_restore_refuses_an_sqlite_file_without_presslens_schema(db, db_path, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(str(other)).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(backupmod.BackupError, match="not a presslens database"):
        backupmod.restore(other, db_path, force=True)
    assert not Path(str(db_path) + ".bak").exists()


def test_restore_refuses_a_corrupt_backup_and_keeps_the_live_database(db, db_path, tmp_path):
    _add_outlets(db_path, [f"outlet {i}" for i in range(2000)])
    snap = tmp_path / "snap.db"
    backupmod.backup(db_path, snap)
    _add_outlets(db_path, ["after backup"])
    # Overwrite pages in the middle of the file (not the header): the b-trees no longer add up.
    data = bytearray(snap.read_bytes())
    page = 4096
    for i in range(2 * page, min(len(data), 6 * page)):
        data[i] = (data[i] * 7 + 13) % 256
    snap.write_bytes(bytes(data))
    with pytest.raises(backupmod.BackupError):
        backupmod.restore(snap, db_path, force=True)
    assert "after backup" in _outlet_names(db_path)
    assert len(_outlet_names(db_path)) == 2001


def test_restore_replaces_the_target_and_keeps_the_old_one_as_bak(db, db_path, tmp_path):
    _add_outlets(db_path, ["before"])
    snap = tmp_path / "snap.db"
    backupmod.backup(db_path, snap)
    _add_outlets(db_path, ["after"])  # committed in the WAL of the live file
    with pytest.raises(backupmod.BackupError, match="--force"):
        backupmod.restore(snap, db_path)
    report = backupmod.restore(snap, db_path, force=True)
    assert _outlet_names(db_path) == {"before"}
    assert report.previous == str(db_path) + ".bak"
    assert _outlet_names(Path(report.previous)) == {"before", "after"}
    reopened = dbmod.connect(db_path)  # the restored file opens and migrates like any other
    assert reopened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(Path(tmp_path).glob(".*.tmp"))


def test_restore_into_a_new_path_needs_no_force(db, db_path, tmp_path):
    _add_outlets(db_path, ["only"])
    snap = tmp_path / "snap.db"
    backupmod.backup(db_path, snap)
    fresh = tmp_path / "sub" / "fresh.db"
    report = backupmod.restore(snap, fresh)
    assert report.previous is None
    assert _outlet_names(fresh) == {"only"}


def _label_writer(db_path, project_id, user_id, passage_ids, stop, acked, errors) -> None:
    """Save labels as an annotator would; a label is acknowledged once add_label returned."""
    from annotate.labels import store

    conn = dbmod.connect(db_path, migrate=False)
    try:
        for i, pid in enumerate(passage_ids):
            if stop.is_set():
                break
            label = ("sourced_fact", "quotation", "editorial_framing")[i % 3]
            row = store.add_label(conn, pid, label, annotator_id=user_id, project_id=project_id)
            acked.append((time.monotonic(), ("label", row["id"], label)))
    except BaseException as exc:  # surfaced by the test: a writer error fails it
        errors.append(exc)
    finally:
        conn.conn.close()


def _article_writer(db_path, stop, acked, errors) -> None:
    conn = dbmod.connect(db_path, migrate=False)
    try:
        for i in range(2000):
            if stop.is_set():
                break
            text = f"Article {i} écrit pendant la sauvegarde.\nDeuxième ligne {i}."
            article_id = make_article(conn, text, outlet="Load", passages="lines")
            acked.append((time.monotonic(), ("article", article_id, text)))
    except BaseException as exc:
        errors.append(exc)
    finally:
        conn.conn.close()


def _wait_for(condition, limit_s: float = 300) -> None:
    """Wait on progress, not on the clock: a slow machine only waits longer (the limit is a hang guard)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, "the writers made no progress"
        time.sleep(0.01)


def test_backup_under_concurrent_writes_holds_every_label_acknowledged_before_it_started(db, db_path, tmp_path):
    """Annotators save labels and articles arrive while the backup runs; the restored copy
    holds every label and article acknowledged before the backup started, exactly."""
    text = "\n".join(f"Phrase numéro {i} du corpus de test." for i in range(400))
    article_id = make_article(db, text, passages="lines")
    passage_ids = [p["id"] for p in passages_of(db, article_id)]
    users = [make_user(db, f"annotator{k}") for k in range(3)]
    project_id = make_project(db, "load", members=[(u, "annotator") for u in users])
    _add_outlets(db_path, [f"seed {i}" for i in range(3000)])  # big enough that a copy takes a while
    acked: list[tuple[float, tuple]] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_label_writer, args=(
        db_path, project_id, u, passage_ids[k::3], stop, acked, errors)) for k, u in enumerate(users)]
    threads.append(threading.Thread(target=_article_writer, args=(db_path, stop, acked, errors)))
    for t in threads:
        t.start()
    _wait_for(lambda: sum(item[0] == "label" for _, item in list(acked)) > 10 or errors)
    started = time.monotonic()
    snap = tmp_path / "snap.db"
    backupmod.backup(db_path, snap)
    _wait_for(lambda: any(at > started for at, _ in list(acked)) or errors)  # writes went on during it
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    before = [item for at, item in list(acked) if at < started]
    assert sum(kind == "label" for kind, _, _ in before) > 10, "labels should be saved before the backup"
    target = tmp_path / "restored.db"
    backupmod.restore(snap, target)
    restored = dbmod.connect(target)
    labels = {r["id"]: r["label"] for r in restored.query("SELECT id, label FROM annotations")}
    articles = {r["id"]: r["text"] for r in restored.query("SELECT id, text FROM articles")}
    for kind, key, value in before:
        assert (labels if kind == "label" else articles).get(key) == value, (kind, key)
    orphans = restored.execute(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0
    assert len(labels) + len(articles) < len(acked) + 1  # a snapshot, not the end state
    restored.conn.close()


def test_cli_backup_and_restore_round_trip(db, db_path, tmp_path):
    _add_outlets(db_path, ["cli"])
    runner = CliRunner()
    snap = tmp_path / "snap.db"
    result = runner.invoke(main, ["backup", str(snap), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output
    target = tmp_path / "target.db"
    result = runner.invoke(main, ["restore", str(snap), "--db", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert '"previous": null' in result.output
    assert _outlet_names(target) == {"cli"}


def test_cli_restore_reports_a_bad_file_as_an_error_without_traceback(db, db_path, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    result = CliRunner().invoke(main, ["restore", str(bad), "--db", str(db_path), "--force"])
    assert result.exit_code == 1
    assert "not an SQLite database" in result.output
    assert "Traceback" not in result.output


def test_backup_and_restore_have_help_text():
    runner = CliRunner()
    for name in ("backup", "restore"):
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.output and len(result.output) > 100


def test_restore_interrupted_before_the_final_rename_leaves_the_live_database_untouched(db, db_path, tmp_path,
                                                                                       monkeypatch):
    """The copy is made beside the target and renamed last: failing at that step changes nothing."""
    _add_outlets(db_path, ["old"])
    snap = tmp_path / "snap.db"
    backupmod.backup(db_path, snap)
    _add_outlets(db_path, ["newer"])
    real_replace = backupmod.os.replace

    def failing_replace(src, dst):
        if Path(dst) == db_path:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(backupmod.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        backupmod.restore(snap, db_path, force=True)
    assert _outlet_names(db_path) == {"old", "newer"}
    assert sqlite3.connect(str(db_path)).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(tmp_path.glob(".*.tmp"))
