"""Read-only SQL the annotate layer needs over corpus/compare tables: stories, alignment runs,
users. Kept beside annotate.store so propagation, statistics and exports hold no SQL."""
from __future__ import annotations

import sqlite_utils

ALIGN_SELECT = (
    "SELECT al.id, al.run_id, al.a, al.b, al.score, al.char_score, al.kind, al.diff, "
    "pa.article_id AS a_article, pa.start AS a_start, pa.end AS a_end, pa.text AS a_text, "
    "pb.article_id AS b_article, pb.start AS b_start, pb.end AS b_end, pb.text AS b_text, "
    "oa.name AS a_outlet, ob.name AS b_outlet FROM alignments al "
    "JOIN passages pa ON pa.id = al.a JOIN passages pb ON pb.id = al.b "
    "JOIN articles aa ON aa.id = pa.article_id JOIN articles ab ON ab.id = pb.article_id "
    "LEFT JOIN outlets oa ON oa.id = aa.outlet_id LEFT JOIN outlets ob ON ob.id = ab.outlet_id "
)


def story_ids(db: sqlite_utils.Database) -> list[int]:
    """Every story id, oldest first."""
    return [r["id"] for r in db.query("SELECT id FROM stories ORDER BY id")]


def stories_of_article(db: sqlite_utils.Database, article_id: str) -> list[int]:
    """Stories an article belongs to."""
    return [r["story_id"] for r in db.query(
        "SELECT story_id FROM story_articles WHERE article_id = ? ORDER BY story_id", [article_id])]


def story_article_ids(db: sqlite_utils.Database, story_id: int) -> list[str]:
    """Articles of a story."""
    return [r["article_id"] for r in db.query(
        "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY article_id", [story_id])]


def latest_run_id(db: sqlite_utils.Database, story_id: int) -> int | None:
    """The newest *complete* alignment run of a story, or None (same rule as compare.store)."""
    from compare.store import latest_run

    run = latest_run(db, story_id)
    return run["id"] if run else None


def run_alignments(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """Alignments of a run with both passages' article, offsets, text and outlet name."""
    return list(db.query(ALIGN_SELECT + "WHERE al.run_id = ? ORDER BY al.id", [run_id]))


def passage_alignments(db: sqlite_utils.Database, passage_id: str) -> list[dict]:
    """Alignments touching a passage in the latest run of each story of its article."""
    out = []
    article = list(db.query("SELECT article_id FROM passages WHERE id = ?", [passage_id]))
    if not article:
        return out
    for story_id in stories_of_article(db, article[0]["article_id"]):
        run_id = latest_run_id(db, story_id)
        if run_id is not None:
            out.extend(db.query(ALIGN_SELECT + "WHERE al.run_id = ? AND (al.a = ? OR al.b = ?) ORDER BY al.id",
                                [run_id, passage_id, passage_id]))
    return out


def outlet_of_article(db: sqlite_utils.Database, article_id: str) -> str | None:
    """Outlet name of an article (None when unknown)."""
    rows = list(db.query("SELECT o.name FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id "
                         "WHERE a.id = ?", [article_id]))
    return rows[0]["name"] if rows else None


def article_by_hash(db: sqlite_utils.Database, content_hash: str) -> str | None:
    """Article id whose stored text has this sha256 hex digest."""
    rows = list(db.query("SELECT id FROM articles WHERE content_hash = ?", [content_hash]))
    return rows[0]["id"] if rows else None


def usernames(db: sqlite_utils.Database) -> dict[int, str]:
    """{user_id: username} of every user."""
    return {r["id"]: r["username"] for r in db.query("SELECT id, username FROM users")}


def user_id_by_name(db: sqlite_utils.Database, username: str) -> int | None:
    """The id of `username`, or None."""
    rows = list(db.query("SELECT id FROM users WHERE username = ?", [username]))
    return rows[0]["id"] if rows else None


def user_role(db: sqlite_utils.Database, user_id: int) -> str | None:
    """The account-wide role of a user (admin, curator, annotator, viewer), or None."""
    rows = list(db.query("SELECT role FROM users WHERE id = ?", [user_id]))
    return rows[0]["role"] if rows else None
