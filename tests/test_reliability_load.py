"""A bounded run of bench/load_annotate.py: the real server, concurrent annotators, no loss."""
from __future__ import annotations

from bench import load_annotate


def test_ten_concurrent_annotators_for_five_seconds_lose_and_duplicate_nothing():
    result = load_annotate.run(sessions=10, seconds=5, max_ops=150, threads=4, seed=7, backup_at=2)
    check = result["check"]
    assert result["errors"] == {}, result["error_examples"]
    assert check["integrity_check"] == "ok"
    assert (check["lost"], check["duplicated"], check["out_of_order"], check["uncertain"]) == (0, 0, 0, 0)
    assert check["writes_acknowledged"] >= 20, "the sessions should have written labels"
    assert result["latency"]["count"] == result["requests"] > 0
    assert result["latency_by_op"]["login"]["count"] == 10
    backup = result["backup_under_load"]
    assert backup["error"] is None and backup["restored"]
    assert backup["labels_acked_before"] > 0 and backup["missing"] == 0
    assert result["ok"] is True


def test_verify_reports_a_lost_and_a_phantom_label(tmp_path):
    """The checker itself can fail: an acknowledged label missing from the database is lost,
    a row no client created is a duplicate."""
    import sqlite3

    db_path = tmp_path / "v.db"
    conn = sqlite3.connect(str(db_path))
    conn.execute("CREATE TABLE annotations (id INTEGER PRIMARY KEY, project_id, source, label, version, status, "
                 "passage_id, annotator_id)")
    conn.execute("CREATE TABLE annotation_history (id INTEGER PRIMARY KEY, annotation_id, project_id)")
    conn.execute("INSERT INTO annotations VALUES (2, 1, 'human', 'quotation', 1, 'active', 'p-0001', 5)")
    conn.execute("INSERT INTO annotation_history (annotation_id, project_id) VALUES (2, 1)")
    conn.commit()
    conn.close()
    session = load_annotate.Session({"id": 5, "username": "u"})
    load_annotate._ack(session, {"id": 1, "label": "quotation", "version": 1, "status": "active",
                                 "passage_id": "p-0000", "annotator_id": 5})
    check = load_annotate.verify(str(db_path), 1, [session])
    assert check["lost"] == 1 and check["duplicated"] == 1


def test_backup_check_counts_a_label_acknowledged_before_the_backup_but_missing_from_it(tmp_path, db, db_path):
    """The backup check can fail: a label acked before the backup started must be in it."""
    import time

    from bench._load_check import BackupProbe
    from corpus import backup as backupmod

    out = tmp_path / "snap.db"
    backupmod.backup(db_path, out)  # an (empty) presslens backup
    probe = BackupProbe(str(db_path), out, 0)
    probe.started_at, probe.seconds = time.monotonic(), 0.1
    session = load_annotate.Session({"id": 1, "username": "u"})
    session.acked_at[42] = [(probe.started_at - 1, 1)]  # acknowledged one second before the backup
    session.acked_at[43] = [(probe.started_at + 1, 1)]  # after: may or may not be in it
    report = probe.check(1, [session], tmp_path)
    assert report["restored"] and report["labels_acked_before"] == 1 and report["missing"] == 1
