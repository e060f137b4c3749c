"""Checks of bench/load_annotate.py: the database against the clients' logs, latency
percentiles, and a backup taken under load (`presslens backup` while the sessions write).

A helper module (leading underscore): `bench/run_all.py` does not run it on its own.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verify(db_path: str, project_id: int, sessions: list) -> dict:
    """Compare the database with the clients' logs of acknowledged writes."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = {r[0]: {"label": r[1], "version": r[2], "status": r[3], "passage_id": r[4], "annotator_id": r[5]}
            for r in conn.execute("SELECT id, label, version, status, passage_id, annotator_id FROM annotations "
                                  "WHERE project_id = ? AND source = 'human'", [project_id])}
    writes = dict(conn.execute("SELECT annotation_id, count(*) FROM annotation_history "
                               "WHERE project_id = ? GROUP BY annotation_id", [project_id]).fetchall())
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    lost = duplicated = out_of_order = uncertain = 0
    logged: set[int] = set()
    for s in sessions:
        for ann_id, want in s.acked.items():
            logged.add(ann_id)
            if ann_id in s.uncertain:
                uncertain += 1
                continue
            got = rows.get(ann_id)
            if got is None or got["version"] < want["version"]:
                lost += 1
            elif got != want:
                out_of_order += 1
            if writes.get(ann_id, 0) > s.ops[ann_id]:
                duplicated += 1
    duplicated += len(set(rows) - logged)  # rows no client was told about
    active = [(r["annotator_id"], r["passage_id"], r["label"]) for r in rows.values() if r["status"] == "active"]
    duplicated += len(active) - len(set(active))
    return {"labels_acknowledged": len(logged), "writes_acknowledged": sum(sum(s.ops.values()) for s in sessions),
            "lost": lost, "duplicated": duplicated, "out_of_order": out_of_order,
            "uncertain": uncertain, "integrity_check": integrity}


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"count": len(ordered), "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": round(1000 * ordered[-1], 1)}


class BackupProbe(threading.Thread):
    """Runs `presslens backup` `delay_s` seconds after start(), as an operator would mid-session."""

    def __init__(self, db_path: str, out: Path, delay_s: float) -> None:
        super().__init__(daemon=True)
        self.db_path, self.out, self.delay_s = db_path, out, delay_s
        self.started_at: float | None = None
        self.seconds: float | None = None
        self.error: str | None = None

    def run(self) -> None:
        time.sleep(self.delay_s)
        self.started_at = time.monotonic()
        proc = subprocess.run([sys.executable, str(ROOT / "presslens"), "backup", str(self.out), "--db", self.db_path],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        self.seconds = time.monotonic() - self.started_at
        if proc.returncode != 0:
            self.error = proc.stderr[-500:]

    def check(self, project_id: int, sessions: list, folder: Path) -> dict:
        """Restore the backup; every label acknowledged before it started must be there, at least
        at the version acknowledged by then (a later write may also have made it in)."""
        from corpus import backup as backupmod

        out = {"at_s": self.delay_s, "seconds": round(self.seconds or 0, 2), "error": self.error,
               "restored": False, "labels_acked_before": 0, "missing": 0}
        if self.error or self.started_at is None:
            return out
        restored = folder / "restored.db"
        backupmod.restore(self.out, restored)
        out["restored"] = True
        conn = sqlite3.connect(str(restored))
        rows = dict(conn.execute("SELECT id, version FROM annotations WHERE project_id = ? AND source = 'human'",
                                 [project_id]).fetchall())
        conn.close()
        for s in sessions:
            for ann_id, acks in s.acked_at.items():
                before = [version for when, version in acks if when < self.started_at]
                if before:
                    out["labels_acked_before"] += 1
                    out["missing"] += rows.get(ann_id, 0) < max(before)
        out["labels_in_backup"] = len(rows)
        return out
