"""SIGKILL `presslens ingest` and `presslens analyze` at seeded random points: the database stays
intact, nothing is half-written, and running the command again completes the work."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.segment import segment

ROOT = Path(__file__).resolve().parent.parent
PRESSLENS = [sys.executable, str(ROOT / "presslens")]
WORDS = ("le ministre a déclaré que la réforme des retraites serait votée avant l'été selon plusieurs "
         "sources proches du dossier mais les syndicats contestent fermement ce calendrier").split()


def _write_articles(folder: Path, n: int, seed: int) -> list[str]:
    """n small French articles (title + 5 sentences); returns their texts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(n):
        lines = [f"Réforme des retraites : le point numéro {i}"]
        lines += [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + f" ({i}.{j})." for j in range(5)]
        text = "\n".join(lines)
        (folder / f"article{i:03d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def _start(args: list[str]) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("PRESSLENS_DB", None)
    return subprocess.Popen(PRESSLENS + args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _count(db_path: Path, sql: str) -> int:
    if not db_path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.2)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # schema not created yet, or briefly locked
        return 0


def _kill_when(proc: subprocess.Popen, ready, jitter: float, limit_s: float = 300) -> bool:
    """SIGKILL `proc` `jitter` seconds after `ready()` turns true; False if it finished first."""
    deadline = time.monotonic() + limit_s
    while not ready():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the command neither progressed nor finished"
        time.sleep(0.02)
    time.sleep(jitter)
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return True


def check_database(db_path: Path) -> dict:
    """The invariants a crash must never break; returns a few counts."""
    conn = sqlite3.connect(str(db_path))  # read-write: replays the WAL a killed writer left
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        articles = conn.execute("SELECT id, text, lang FROM articles").fetchall()
        for article_id, text, lang in articles:
            rows = conn.execute("SELECT seq, start, [end], text FROM passages WHERE article_id = ? ORDER BY seq",
                                [article_id]).fetchall()
            assert rows, f"article {article_id} exists without its passages"
            assert [r[0] for r in rows] == list(range(len(segment(text, lang or "fr")))), \
                f"article {article_id} has a partial set of passages"
            assert all(text[s:e] == t for _, s, e, t in rows)
        _check_runs(conn)
        bad_vectors = conn.execute("SELECT count(*) FROM embeddings WHERE length(vector) != dim * 4").fetchone()[0]
        assert bad_vectors == 0, "a half-written embedding vector"
        return {"articles": len(articles),
                "complete_runs": conn.execute("SELECT count(*) FROM alignment_runs WHERE status = 'complete'").fetchone()[0]}
    finally:
        conn.close()


def _check_runs(conn: sqlite3.Connection) -> None:
    """A run is either complete (with its finish time) or has no alignment rows at all."""
    for run_id, status, finished in conn.execute("SELECT id, status, finished_at FROM alignment_runs"):
        rows = conn.execute("SELECT count(*) FROM alignments WHERE run_id = ?", [run_id]).fetchone()[0]
        if status == "complete":
            assert finished, f"run {run_id} complete without finished_at"
        else:
            assert rows == 0, f"run {run_id} is {status!r} with {rows} alignment rows (half-written)"


# ---------------------------------------------------------------------------------- ingest

@pytest.mark.parametrize("seed", range(5))
def test_ingest_killed_at_a_random_point_leaves_whole_articles_and_a_rerun_completes(tmp_path, seed):
    rng = random.Random(seed)
    texts = _write_articles(tmp_path / "in", 100, seed)
    db_path = tmp_path / "corpus.db"
    args = ["ingest", str(tmp_path / "in"), "--db", str(db_path), "--json"]
    proc = _start(args)
    # Half the runs die at a random time (0.2-3 s), half once some articles are stored.
    if seed % 2:
        killed = _kill_when(proc, lambda: True, rng.uniform(0.2, 3.0))
    else:
        target = rng.randint(1, 80)
        killed = _kill_when(proc, lambda: _count(db_path, "SELECT count(*) FROM articles") >= target,
                            rng.uniform(0, 0.05))
    if db_path.exists():
        check_database(db_path)
    rerun = subprocess.run(PRESSLENS + args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    report = json.loads(rerun.stdout)
    assert report["counts"]["errors"] == 0
    assert check_database(db_path)["articles"] == len(texts)
    conn = sqlite3.connect(str(db_path))
    stored = {row[0] for row in conn.execute("SELECT text FROM articles")}
    conn.close()
    assert stored == set(texts)
    assert killed or report["counts"]["added"] == 0  # finished before the kill: the rerun adds nothing


# ---------------------------------------------------------------------------------- analyze

ANALYZE_TRIGGERS = [
    ("time", "SELECT 1"),
    ("articles", "SELECT count(*) FROM articles"),
    ("alignment run", "SELECT count(*) FROM alignment_runs"),
    ("embeddings", "SELECT count(*) FROM embeddings"),
    ("suggestions", "SELECT count(*) FROM annotations"),
]


@pytest.mark.slow
def test_analyze_killed_five_times_at_random_points_stays_consistent_and_a_rerun_completes(tmp_path):
    """Five seeded kills on one database (each run resumes the previous one's partial work),
    at a random time or just after a phase (articles, alignment run, vectors, suggestions) grew;
    the invariants hold after every kill, then a final run completes everything."""
    rng = random.Random(20261123)
    texts = _write_articles(tmp_path / "in", 6, seed=7)
    db_path, out = tmp_path / "analyze.db", tmp_path / "out.json"
    args = ["analyze", str(tmp_path / "in"), "--db", str(db_path), "--model", "use", "--json", str(out)]
    triggers = ANALYZE_TRIGGERS[:]
    rng.shuffle(triggers)
    outcomes = []
    for name, sql in triggers:
        before = _count(db_path, sql)
        proc = _start(args)
        if name == "time":
            killed = _kill_when(proc, lambda: True, rng.uniform(0.2, 3.0))
        else:
            killed = _kill_when(proc, lambda: _count(db_path, sql) > before, rng.uniform(0, 0.3))
        outcomes.append((name, killed))
        if db_path.exists():
            check_database(db_path)
        if out.exists() and killed:
            json.loads(out.read_text(encoding="utf-8"))  # never a half-written document
    final = subprocess.run(PRESSLENS + args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-2000:]
    counts = check_database(db_path)
    assert counts["articles"] == len(texts)
    assert counts["complete_runs"] >= 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["articles"]) == len(texts)
    assert document["alignments"], "the completed run aligns the story's passages"
    assert sum(killed for _, killed in outcomes) >= 3, outcomes
