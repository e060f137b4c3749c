"""The whole presslens schema, as an ordered list of named migrations.

Every table of every layer lives here (STYLE.md: schema in one place), so `init-db` and the test
fixtures build exactly the same database and no table is ever created implicitly by an insert.
Migrations are append-only: never edit one that has shipped, add a new function at the end.
Each one runs in its own transaction and is recorded in `migrations`, so re-running is a no-op.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration (order of definition is order of application)."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_corpus(db: sqlite_utils.Database) -> None:
    db.table("outlets").create(
        {"id": int, "name": str, "domain": str, "created_at": str},
        pk="id", not_null={"name"},
    )
    db.table("outlets").create_index(["name"], unique=True)
    db.table("articles").create(
        {
            "id": str, "outlet_id": int, "title": str, "url": str, "author": str,
            "published_at": str, "lang": str, "text": str, "html": str,
            "source_file": str, "source_id": str, "content_hash": str, "ingested_at": str,
        },
        pk="id", not_null={"text", "content_hash"},
        foreign_keys=[("outlet_id", "outlets", "id")],
    )
    db.table("articles").create_index(["content_hash"], unique=True)
    db.table("articles").create_index(["outlet_id"])
    db.table("passages").create(
        {
            "id": str, "article_id": str, "seq": int, "start": int, "end": int,
            "text": str, "kind": str, "content": int,
        },
        pk="id", not_null={"article_id", "seq", "start", "end", "text", "kind"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("passages").create_index(["article_id", "seq"], unique=True)
    db.table("passages").enable_fts(["text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@migration
def m002_compare(db: sqlite_utils.Database) -> None:
    # Vectors are keyed by the passage *text* hash so identical sentences in two outlets
    # (verbatim copies are common) are embedded once.
    db.table("embeddings").create(
        {"text_hash": str, "model": str, "dim": int, "vector": bytes, "created_at": str},
        pk=("text_hash", "model"),
    )
    db.table("stories").create(
        {"id": int, "title": str, "method": str, "params": str, "created_at": str}, pk="id",
    )
    db.table("story_articles").create(
        {"story_id": int, "article_id": str},
        pk=("story_id", "article_id"),
        foreign_keys=[("story_id", "stories", "id"), ("article_id", "articles", "id")],
    )
    db.table("story_articles").create_index(["article_id"])
    db.table("alignment_runs").create(
        {
            "id": int, "story_id": int, "model": str, "params": str,
            "status": str, "created_at": str, "finished_at": str,
        },
        pk="id", foreign_keys=[("story_id", "stories", "id")],
    )
    db.table("alignments").create(
        {
            "id": int, "run_id": int, "a": str, "b": str, "score": float,
            "char_score": float, "kind": str, "diff": str,
        },
        pk="id",
        foreign_keys=[("run_id", "alignment_runs", "id"), ("a", "passages", "id"), ("b", "passages", "id")],
    )
    db.table("alignments").create_index(["run_id"])
    db.table("alignments").create_index(["a"])
    db.table("alignments").create_index(["b"])


@migration
def m003_users_projects(db: sqlite_utils.Database) -> None:
    db.table("users").create(
        {
            "id": int, "username": str, "password_hash": str, "role": str,
            "display_name": str, "locale": str, "active": int, "created_at": str,
        },
        pk="id", not_null={"username", "password_hash", "role"}, defaults={"active": 1},
    )
    db.table("users").create_index(["username"], unique=True)
    db.table("projects").create(
        {
            "id": int, "name": str, "description": str, "blind": int, "k": int,
            "created_by": int, "created_at": str,
        },
        pk="id", not_null={"name"}, defaults={"blind": 0, "k": 1},
        foreign_keys=[("created_by", "users", "id")],
    )
    # The label scheme of a project: names, colours, keyboard keys.
    db.table("project_labels").create(
        {
            "project_id": int, "name": str, "title": str, "color": str, "key": str,
            "description": str, "position": int,
        },
        pk=("project_id", "name"), foreign_keys=[("project_id", "projects", "id")],
    )
    db.table("project_members").create(
        {"project_id": int, "user_id": int, "role": str, "added_at": str},
        pk=("project_id", "user_id"),
        foreign_keys=[("project_id", "projects", "id"), ("user_id", "users", "id")],
    )
    db.table("project_stories").create(
        {"project_id": int, "story_id": int},
        pk=("project_id", "story_id"),
        foreign_keys=[("project_id", "projects", "id"), ("story_id", "stories", "id")],
    )
    db.table("login_attempts").create(
        {"id": int, "key": str, "at": float, "ok": int}, pk="id",
    )
    db.table("login_attempts").create_index(["key", "at"])


@migration
def m004_annotations(db: sqlite_utils.Database) -> None:
    # One table for human labels and machine suggestions: `source` tells them apart
    # (human, model, rule, propagated) and `status` records accept/reject decisions.
    # project_id is NULL for project-less analysis results (`analyze`, `annotate suggest`).
    db.table("annotations").create(
        {
            "id": int, "project_id": int, "passage_id": str, "article_id": str,
            "start": int, "end": int, "label": str, "source": str, "annotator_id": int,
            "prob": float, "speaker_start": int, "speaker_end": int, "speaker_text": str,
            "cue_start": int, "cue_end": int, "cue_text": str, "comment": str,
            "status": str, "origin_id": int, "alignment_kind": str, "model": str,
            "version": int, "created_at": str, "updated_at": str,
        },
        pk="id", not_null={"passage_id", "article_id", "start", "end", "label", "source"},
        defaults={"status": "active", "version": 1},
        foreign_keys=[
            ("project_id", "projects", "id"), ("passage_id", "passages", "id"),
            ("article_id", "articles", "id"), ("annotator_id", "users", "id"),
        ],
    )
    db.table("annotations").create_index(["passage_id"])
    db.table("annotations").create_index(["article_id"])
    db.table("annotations").create_index(["project_id", "annotator_id"])
    db.table("annotation_history").create(
        {
            "id": int, "annotation_id": int, "project_id": int, "user_id": int,
            "action": str, "before": str, "after": str, "at": str,
        },
        pk="id", foreign_keys=[("annotation_id", "annotations", "id")],
    )
    db.table("annotation_history").create_index(["annotation_id"])
    db.table("assignments").create(
        {"project_id": int, "passage_id": str, "user_id": int, "created_at": str},
        pk=("project_id", "passage_id", "user_id"),
        foreign_keys=[
            ("project_id", "projects", "id"), ("passage_id", "passages", "id"), ("user_id", "users", "id"),
        ],
    )
    db.table("gold_labels").create(
        {
            "id": int, "project_id": int, "passage_id": str, "article_id": str,
            "start": int, "end": int, "label": str, "speaker_start": int, "speaker_end": int,
            "speaker_text": str, "decided_by": int, "version": int, "decided_at": str,
        },
        pk="id", not_null={"project_id", "passage_id", "start", "end", "label"},
        defaults={"version": 1},
        foreign_keys=[
            ("project_id", "projects", "id"), ("passage_id", "passages", "id"), ("decided_by", "users", "id"),
        ],
    )
    db.table("gold_labels").create_index(["project_id", "passage_id"])
    db.table("classifiers").create(
        {
            "id": int, "project_id": int, "model": str, "params": str, "metrics": str,
            "blob": bytes, "created_at": str,
        },
        pk="id",
    )


@migration
def m005_classes(db: sqlite_utils.Database) -> None:
    # Class mode: a story published to students as an exercise; the project's gold labels
    # are the answer key; `revealed` lets the class see the comparison.
    db.table("exercises").create(
        {
            "id": int, "project_id": int, "story_id": int, "title": str,
            "published": int, "revealed": int, "created_by": int, "created_at": str,
        },
        pk="id", defaults={"published": 0, "revealed": 0},
        foreign_keys=[("project_id", "projects", "id"), ("story_id", "stories", "id")],
    )


@migration
def m006_suggestion_decisions(db: sqlite_utils.Database) -> None:
    # Accept/reject of a machine suggestion inside one project (by one user): the shared
    # project-less suggestion row stays 'active' for other projects. `label_id` is the human
    # label an accept made (`created_label` = 1) or found already there (0); undoing a
    # decision sets status 'undone' (rows are kept as the audit trail).
    db.table("suggestion_decisions").create(
        {
            "id": int, "suggestion_id": int, "project_id": int, "user_id": int, "decision": str,
            "label_id": int, "created_label": int, "status": str, "decided_at": str, "undone_at": str,
        },
        pk="id", not_null={"suggestion_id", "project_id", "decision", "status"},
        defaults={"status": "active", "created_label": 0},
        foreign_keys=[
            ("suggestion_id", "annotations", "id"), ("project_id", "projects", "id"),
            ("user_id", "users", "id"), ("label_id", "annotations", "id"),
        ],
    )
    db.table("suggestion_decisions").create_index(["project_id", "suggestion_id"])
    db.table("suggestion_decisions").create_index(["suggestion_id"])


@migration
def m007_web_sessions(db: sqlite_utils.Database) -> None:
    # Owned by web (auth): one row per login, so logout, disabling an account or a password
    # reset can end a session server-side even though the cookie itself is signed. `id` is the
    # SHA-256 of the random token the cookie carries, so a copied database opens no session.
    db.table("web_sessions").create(
        {"id": str, "user_id": int, "created_at": str, "revoked_at": str, "user_agent": str},
        pk="id", not_null={"user_id", "created_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("web_sessions").create_index(["user_id"])


@migration
def m008_jobs_and_share_links(db: sqlite_utils.Database) -> None:
    # Background analyses (web layer): one row per job, its status survives a page reload and a
    # server restart (the huey queue itself lives in its own SQLite file beside this database).
    # `payload` and `result` are JSON text; `progress` is 0-100.
    db.table("jobs").create(
        {
            "id": int, "kind": str, "status": str, "progress": int, "step": str, "error": str,
            "article_id": str, "story_id": int, "payload": str, "result": str, "created_by": int,
            "created_at": str, "updated_at": str,
        },
        pk="id", not_null={"kind", "status"}, defaults={"status": "queued", "progress": 0},
        foreign_keys=[("article_id", "articles", "id"), ("story_id", "stories", "id"), ("created_by", "users", "id")],
    )
    db.table("jobs").create_index(["status"])
    db.table("jobs").create_index(["article_id"])
    # Read-only permalinks of a story view: only a hash of the token is stored, so a leaked
    # database does not leak working links; revoking sets `revoked_at`.
    db.table("share_links").create(
        {"id": int, "token_hash": str, "story_id": int, "layers": str, "created_by": int,
         "created_at": str, "revoked_at": str},
        pk="id", not_null={"token_hash", "story_id"},
        foreign_keys=[("story_id", "stories", "id"), ("created_by", "users", "id")],
    )
    db.table("share_links").create_index(["token_hash"], unique=True)


@migration
def m009_exercise_options(db: sqlite_utils.Database) -> None:  # annotate.campaign.class_store, label names
    for column, kind, default in (("instructions", str, None), ("due_at", str, None), ("student_ids", str, None),
                                  ("scaffold", int, 0), ("keep_blind", int, 0)):
        db.table("exercises").add_column(column, kind, not_null_default=default)
    db.table("project_labels").add_column("titles", str)
    db.table("exercise_submissions").create(
        {"id": int, "exercise_id": int, "user_id": int, "handed_in_at": str}, pk="id",
        foreign_keys=[("exercise_id", "exercises", "id"), ("user_id", "users", "id")],
    ).create_index(["exercise_id", "user_id"], unique=True)


@migration
def m010_batched_search_index(db: sqlite_utils.Database) -> None:  # corpus.store.batched_search_index
    # The FTS insert trigger pauses while `fts_deferrals` holds a row (only ever inside one write
    # transaction): a bulk writer then indexes its new passages in one statement, since FTS5 flushes
    # its pending terms at every statement, which made the index most of ingest's time.
    db.table("fts_deferrals").create({"id": int}, pk="id")
    db.execute("DROP TRIGGER passages_ai")
    db.execute('CREATE TRIGGER "passages_ai" AFTER INSERT ON "passages"'
               " WHEN NOT EXISTS (SELECT 1 FROM fts_deferrals) BEGIN"
               ' INSERT INTO "passages_fts" (rowid, "text") VALUES (new.rowid, new."text"); END')


def now() -> str:
    """ISO-8601 UTC timestamp used for every `*_at` column."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM migrations").fetchall()}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            fn(db)
            db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, now()])
        applied.append(name)
    return applied


def is_presslens_db(db: sqlite_utils.Database) -> bool:
    """True when `db` carries presslens's migrations table with at least the corpus schema."""
    if "migrations" not in db.table_names():
        return False
    names = {row[0] for row in db.execute("SELECT name FROM migrations").fetchall()}
    return MIGRATIONS[0][0] in names
