"""Load test: N annotators label at once through the real server; nothing may be lost.

Starts `./presslens serve` on 127.0.0.1 (a free port, a scratch database with the demo corpus,
N annotator accounts and one project), then runs N concurrent sessions (threads, each with its
own connection and cookie): a real login through the form with its CSRF token, then create,
change, delete labels and stale writes (which must answer 409) for a bounded time and count.
Afterwards the database is compared with every client's log of acknowledged writes:
lost (an acknowledged state missing or older), duplicated (a write applied twice, or a row no
client created), out of order (an older state on top of a newer one). Prints one JSON document.

Half-way through, `presslens backup` copies the live database; the copy is restored and must
hold every label acknowledged before the backup started.

Loopback only; every loop is bounded; the server is always stopped.
Usage: python bench/load_annotate.py [--sessions 50] [--seconds 60] [--max-ops 400] [--threads 4]
       [--think-ms 0] [--backup-at SECONDS]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._load_check import BackupProbe, percentiles as _percentiles, verify  # noqa: E402,F401
from bench._load_client import HOST, PASSWORD, Client, RequestFailed, Stats  # noqa: E402

LABELS = ("sourced_fact", "quotation", "editorial_framing")
LOGIN_LIMIT_S = 300
LOGIN_OPS = ("login_page", "login", "me")


# ------------------------------------------------------------------------------------ setup

def build_scratch(folder: Path, n_users: int) -> dict:
    """Scratch database: demo articles in one story, one project, n annotators (python API)."""
    from annotate.labels import store as labels_store
    from compare.store import create_story
    from corpus import db as dbmod
    from corpus.ingest import ingest
    from web import auth_store

    db = dbmod.connect(folder / "load.db")
    report = ingest(db, [str(ROOT / "corpus" / "demo")])
    article_ids = report.article_ids
    story_id = create_story(db, article_ids, title="load test")
    project = labels_store.create_project(db, "load test")
    users = []
    for i in range(n_users):
        user, _ = auth_store.create_user(db, f"annotator{i:03d}", "annotator", PASSWORD)
        labels_store.add_member(db, project["id"], user.id, "annotator")
        users.append({"id": user.id, "username": user.username})
    labels_store.add_story(db, project["id"], story_id)
    passages = [p for p in labels_store.project_passages(db, project["id"]) if p.get("content", 1)]
    db.conn.close()
    return {"db": str(folder / "load.db"), "project_id": project["id"], "users": users,
            "passages": [{"id": p["id"], "article_id": p["article_id"]} for p in passages]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(db_path: str, port: int, instance: Path, threads: int) -> subprocess.Popen:
    """`./presslens serve` as a subprocess; returns once it answers (bounded wait)."""
    env = dict(os.environ, PRESSLENS_INSTANCE=str(instance))
    env.pop("PRESSLENS_DB", None)
    # The server's log goes to a file: a pipe nobody reads fills up (waitress logs its queue
    # depth under load) and would then block the server on its next log line.
    log = open(instance.parent / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "presslens"), "serve", "--db", db_path, "--host", HOST,
         "--port", str(port), "--threads", str(threads)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {server_log(instance.parent)[-2000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("server did not start within 60 s")


def server_log(folder: Path) -> str:
    path = folder / "server.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# ------------------------------------------------------------------------------------ sessions

@dataclass
class Session:
    """What one annotator did, as acknowledged by the server (the client's own log)."""
    user: dict
    acked: dict[int, dict] = field(default_factory=dict)   # annotation id -> last acknowledged row
    ops: dict[int, int] = field(default_factory=dict)       # annotation id -> acknowledged writes
    uncertain: set[int] = field(default_factory=set)        # a write whose answer never came
    acked_at: dict[int, list[tuple[float, int]]] = field(default_factory=dict)  # id -> [(when, version)]
    stale_409: int = 0
    reads: int = 0


def _ack(session: Session, row: dict) -> None:
    session.acked[row["id"]] = {k: row[k] for k in ("label", "version", "status", "passage_id", "annotator_id")}
    session.ops[row["id"]] = session.ops.get(row["id"], 0) + 1
    session.acked_at.setdefault(row["id"], []).append((time.monotonic(), row["version"]))


def _active(session: Session) -> list[int]:
    return [i for i, r in session.acked.items() if r["status"] == "active" and i not in session.uncertain]


def op_create(client: Client, session: Session, rng: random.Random, ctx: dict) -> None:
    passage = rng.choice(ctx["passages"])
    taken = {r["label"] for r in session.acked.values()
             if r["passage_id"] == passage["id"] and r["status"] == "active"}
    free = [label for label in LABELS if label not in taken]
    if not free:
        return
    status, body = client.api("create", "POST", f"/api/projects/{ctx['project_id']}/labels",
                              {"passage_id": passage["id"], "label": rng.choice(free)})
    if status == 201:
        _ack(session, body["label"])
    else:
        client.stats.error(f"create: HTTP {status}", body)


def op_change(client: Client, session: Session, rng: random.Random, ctx: dict) -> None:
    ann_id = rng.choice(_active(session))
    row = session.acked[ann_id]
    taken = {r["label"] for r in session.acked.values()
             if r["passage_id"] == row["passage_id"] and r["status"] == "active"}
    choices = [label for label in LABELS if label not in taken]
    if not choices:
        return
    status, body = client.api("change", "PATCH", f"/api/projects/{ctx['project_id']}/labels/{ann_id}",
                              {"label": rng.choice(choices), "expected_version": row["version"]})
    if status == 200 and body["label"]["version"] == row["version"] + 1:
        _ack(session, body["label"])
    elif status == 200:
        _ack(session, body["label"])
        client.stats.error("change: version did not advance by one")
    else:
        client.stats.error(f"change: HTTP {status}", body)


def op_stale(client: Client, session: Session, rng: random.Random, ctx: dict) -> None:
    """A write with an old version (as from a second tab): must be 409 with the current row."""
    stale = [i for i in _active(session) if session.acked[i]["version"] > 1]
    if not stale:
        return
    ann_id = rng.choice(stale)
    row = session.acked[ann_id]
    status, body = client.api("stale", "PATCH", f"/api/projects/{ctx['project_id']}/labels/{ann_id}",
                              {"label": row["label"], "expected_version": row["version"] - 1})
    if status == 409 and (body.get("current") or {}).get("version") == row["version"]:
        session.stale_409 += 1
    elif status == 200:
        _ack(session, body["label"])
        client.stats.error("stale write accepted (silent overwrite)")
    else:
        client.stats.error(f"stale: HTTP {status} without the current row", body)


def op_delete(client: Client, session: Session, rng: random.Random, ctx: dict) -> None:
    ann_id = rng.choice(_active(session))
    row = session.acked[ann_id]
    status, body = client.api("delete", "DELETE", f"/api/projects/{ctx['project_id']}/labels/{ann_id}",
                              {"expected_version": row["version"]})
    if status == 200:
        _ack(session, body["label"])
    else:
        client.stats.error(f"delete: HTTP {status}", body)


def op_read(client: Client, session: Session, rng: random.Random, ctx: dict) -> None:
    article_id = rng.choice(ctx["passages"])["article_id"]
    status, body = client.api("read", "GET", f"/api/projects/{ctx['project_id']}/articles/{article_id}/labels")
    session.reads += 1
    if status != 200:
        client.stats.error(f"read: HTTP {status}", body)


def pick_op(session: Session, rng: random.Random):
    roll = rng.random()
    if not _active(session) or roll < 0.35:
        return op_create
    if roll < 0.65:
        return op_change
    if roll < 0.72:
        return op_stale
    if roll < 0.80:
        return op_delete
    return op_read


def run_session(session: Session, ctx: dict, stats: Stats, seed: int) -> None:
    """Log in, then work until the deadline or max_ops; never raises (errors are counted)."""
    rng = random.Random(seed)
    client = Client(ctx["port"], stats)
    try:
        client.login(session.user["username"])
    except (RuntimeError, RequestFailed, ValueError, KeyError) as exc:
        stats.error(f"login failed: {str(exc)[:80]}")
        return
    finally:
        ctx["logged_in"].release()
    # Everyone starts working together once all have logged in (logins hash passwords: slow).
    if not ctx["go"].wait(timeout=LOGIN_LIMIT_S):
        return
    for _ in range(ctx["max_ops"]):
        if time.monotonic() >= ctx["deadline"]:
            break
        op = pick_op(session, rng)
        try:
            op(client, session, rng, ctx)
        except RequestFailed:
            _mark_uncertain(session, op)
        if ctx["think_s"]:
            time.sleep(rng.uniform(0, 2 * ctx["think_s"]))
    client.conn.close()


def _mark_uncertain(session: Session, op) -> None:
    # The write may or may not have happened: its label cannot be checked exactly any more.
    if op in (op_change, op_delete, op_stale):
        session.uncertain.update(_active(session))


# ------------------------------------------------------------------------------------ main

def run(sessions: int = 50, seconds: float = 60, max_ops: int = 400, threads: int = 4,
        think_ms: float = 0, seed: int = 1, backup_at: float | None = None) -> dict:
    """Run the whole load test and return the JSON-able result (the server is always stopped).

    With `backup_at`, `presslens backup` runs that many seconds into the work phase; the backup
    is then restored and must hold every label acknowledged before the backup started.
    """
    with tempfile.TemporaryDirectory(prefix="presslens-load-") as tmp:
        folder = Path(tmp)
        setup_start = time.monotonic()
        scratch = build_scratch(folder, sessions)
        port = free_port()
        server = start_server(scratch["db"], port, folder / "instance", threads)
        setup_s = time.monotonic() - setup_start
        stats = Stats()
        logs = [Session(user) for user in scratch["users"]]
        ctx = {"port": port, "project_id": scratch["project_id"], "passages": scratch["passages"],
               "max_ops": max_ops, "think_s": think_ms / 1000, "deadline": 0.0, "seconds": seconds,
               "logged_in": threading.Semaphore(0), "go": threading.Event()}
        workers = [threading.Thread(target=run_session, args=(s, ctx, stats, seed * 1000 + i), daemon=True)
                   for i, s in enumerate(logs)]
        probe = BackupProbe(scratch["db"], folder / "under-load.db", backup_at) if backup_at is not None else None
        try:
            login_s = _start_sessions(workers, ctx)
            start = time.monotonic()
            if probe:
                probe.start()
            for w in workers:
                w.join(timeout=seconds + 120)  # bounded even if a request hangs
            elapsed = time.monotonic() - start
            if probe:
                probe.join(timeout=120)
        finally:
            stop_server(server)
        setup_s += login_s
        check = verify(scratch["db"], scratch["project_id"], logs)
        backup = probe.check(scratch["project_id"], logs, folder) if probe else None
        log_lines = server_log(folder).splitlines()
    result = _result(sessions, seconds, threads, elapsed, setup_s, stats, logs, check, scratch)
    if backup is not None:
        result["backup_under_load"] = backup
        result["ok"] = result["ok"] and backup["missing"] == 0 and backup["restored"]
    result["server_log"] = {"lines": len(log_lines), "errors": sum("Traceback" in l for l in log_lines),
                            "queue_warnings": sum("queue depth" in l for l in log_lines), "tail": log_lines[-5:]}
    return result


def _start_sessions(workers: list[threading.Thread], ctx: dict) -> float:
    """Start every session, wait (bounded) for their logins, then open the timed work phase."""
    start = time.monotonic()
    for w in workers:
        w.start()
    for _ in workers:
        ctx["logged_in"].acquire(timeout=LOGIN_LIMIT_S)
    ctx["deadline"] = time.monotonic() + ctx["seconds"]
    ctx["go"].set()
    return time.monotonic() - start


def _result(sessions, seconds, threads, elapsed, setup_s, stats, logs, check, scratch) -> dict:
    # Login requests are timed (latency_by_op) but the work phase is what throughput measures.
    everything = [t for op, values in stats.latencies.items() if op not in LOGIN_OPS for t in values]
    requests = len(everything)
    ok = not stats.errors and check["lost"] == check["duplicated"] == check["out_of_order"] == 0 \
        and check["integrity_check"] == "ok" and check["uncertain"] == 0
    return {
        "bench": "load_annotate", "sessions": sessions, "seconds_limit": seconds, "server_threads": threads,
        "passages": len(scratch["passages"]), "setup_and_login_s": round(setup_s, 1), "elapsed_s": round(elapsed, 1),
        "requests": requests, "throughput_rps": round(requests / elapsed, 1) if elapsed else None,
        "latency": _percentiles(everything),
        "latency_by_op": {op: _percentiles(v) for op, v in sorted(stats.latencies.items())},
        "errors": dict(sorted(stats.errors.items())),
        "error_examples": dict(sorted(stats.examples.items())),
        "stale_writes_refused_409": sum(s.stale_409 for s in logs),
        "reads": sum(s.reads for s in logs),
        "check": check, "ok": ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent annotators (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit of the work phase (default 60)")
    parser.add_argument("--max-ops", type=int, default=400, help="operations per session at most (default 400)")
    parser.add_argument("--threads", type=int, default=4, help="server worker threads (default 4, as serve)")
    parser.add_argument("--think-ms", type=float, default=0, help="mean pause between operations (default 0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backup-at", type=float, default=None,
                        help="seconds into the work phase to run `presslens backup` (default: half-way; <0: none)")
    args = parser.parse_args(argv)
    backup_at = args.seconds / 2 if args.backup_at is None else (None if args.backup_at < 0 else args.backup_at)
    result = run(args.sessions, args.seconds, args.max_ops, args.threads, args.think_ms, args.seed, backup_at)
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
