"""SQL of the corpus layer: outlets, articles, passages and full-text search.

Articles are keyed by a content hash of their stored text, so storing the same text twice is a
no-op reported as "already present". An article and its passages are written in one transaction:
a failure leaves nothing half-stored.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator

import sqlite_utils

from corpus.errors import Invalid
from corpus.models import ArticleInput, Passage
from corpus.schema import now

ARTICLE_COLUMNS = ("id", "outlet_id", "title", "url", "author", "published_at", "lang",
                   "source_file", "source_id", "content_hash", "ingested_at")
# Private-use code points mark FTS matches; a passage that contains them gets no highlights.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


class AmbiguousArticle(Invalid, LookupError):
    """An id prefix that matches several articles."""


def content_hash(text: str) -> str:
    """Full sha256 hex of the stored text (the article id is its first 16 characters)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def article_id(text: str) -> str:
    return content_hash(text)[:16]


def passage_id(article: str, seq: int) -> str:
    return f"{article}-{seq:04d}"


def outlet_id(db: sqlite_utils.Database, name: str, domain: str | None = None) -> int:
    """Get or create the outlet called `name`; a domain learnt later fills an empty one."""
    row = db.execute("SELECT id, domain FROM outlets WHERE name = ?", [name]).fetchone()
    if row:
        if domain and not row[1]:
            db.table("outlets").update(row[0], {"domain": domain})
        return row[0]
    return db.table("outlets").insert({"name": name, "domain": domain, "created_at": now()}).last_pk


def save_article(db: sqlite_utils.Database, article: ArticleInput, passages: list[Passage],
                 outlet_domain: str | None = None) -> tuple[str, bool]:
    """Store `article` and its passages atomically; return (id, added). added=False: already present."""
    digest = content_hash(article.text)
    aid = digest[:16]
    with db.atomic():
        if db.execute("SELECT 1 FROM articles WHERE content_hash = ?", [digest]).fetchone():
            return aid, False
        outlet = outlet_id(db, article.outlet, outlet_domain) if article.outlet else None
        # Plain executes: sqlite-utils' insert re-inspects the table and every row, which cost more
        # than the write itself on short articles (bench/ingest.py).
        db.conn.execute(
            "INSERT INTO articles (id, outlet_id, title, url, author, published_at, lang, text, html,"
            " source_file, source_id, content_hash, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [aid, outlet, article.title, article.url, article.author, article.published_at, article.lang,
             article.text, article.html, article.source_file, article.source_id, digest, now()])
        db.conn.executemany(
            "INSERT INTO passages (id, article_id, seq, start, [end], text, kind, content)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(passage_id(aid, seq), aid, seq, p.start, p.end, p.text, p.kind, int(p.content))
             for seq, p in enumerate(passages)])
    return aid, True


@contextlib.contextmanager
def batched_search_index(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction whose new passages enter the full-text index in one statement at its end.

    FTS5 flushes its pending terms to a new segment at every statement (and every savepoint), so
    indexing each passage from the insert trigger cost more than the rest of ingest together
    (bench/ingest.py). Inside this block the trigger pauses (m010): every passage inserted here,
    and kept, is indexed before the commit, so search sees exactly what is stored. Only inserts
    belong inside: updating or deleting a passage stored in the block would unindex terms that
    were never indexed.
    """
    with db.atomic():
        first = db.execute("SELECT coalesce(max(rowid), 0) FROM passages").fetchone()[0]
        db.execute("INSERT INTO fts_deferrals (id) VALUES (1)")
        yield db
        db.execute("DELETE FROM fts_deferrals")
        # New rowids are above the old maximum: SQLite gives max(rowid) + 1, and we hold the write lock.
        db.execute("INSERT INTO passages_fts (rowid, text) SELECT rowid, text FROM passages WHERE rowid > ?",
                    [first])


def _article_select(where: str = "") -> str:
    return (
        "SELECT a.id, a.title, a.url, a.author, a.published_at, a.lang, a.source_file, a.source_id,"
        " a.content_hash, a.ingested_at, a.outlet_id, o.name AS outlet, length(a.text) AS chars,"
        " (SELECT count(*) FROM passages p WHERE p.article_id = a.id) AS passage_count,"
        " (SELECT count(*) FROM passages p WHERE p.article_id = a.id AND p.content = 1) AS content_count"
        f" FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id {where}"
    )


def _rows(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def get_article(db: sqlite_utils.Database, article: str, with_text: bool = True) -> dict | None:
    """The article with this id (and its outlet name), or None."""
    rows = _rows(db.execute(_article_select("WHERE a.id = ?"), [article]))
    if not rows:
        return None
    if with_text:
        rows[0]["text"] = db.execute("SELECT text FROM articles WHERE id = ?", [article]).fetchone()[0]
    return rows[0]


def resolve_article(db: sqlite_utils.Database, prefix: str) -> str | None:
    """The full id of the one article whose id starts with `prefix`; None if none; AmbiguousArticle if several."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    ids = [r[0] for r in db.execute(
        "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 11", [escaped + "%"])]
    if len(ids) > 1 and prefix not in ids:
        raise AmbiguousArticle(f"{prefix!r} matches several articles: {', '.join(ids[:10])}")
    return prefix if prefix in ids else (ids[0] if ids else None)


def list_articles(db: sqlite_utils.Database) -> list[dict]:
    """All articles (without their text), oldest first, with outlet name and passage counts."""
    return _rows(db.execute(_article_select("ORDER BY a.ingested_at, a.rowid")))


def article_ids(db: sqlite_utils.Database) -> list[str]:
    """Every article id, oldest first (no per-article counts: cheap on a large corpus)."""
    return [row[0] for row in db.execute("SELECT id FROM articles ORDER BY rowid")]


def get_passages(db: sqlite_utils.Database, article: str, content_only: bool = False) -> list[dict]:
    """Passages of an article in text order (keys id, article_id, seq, start, end, text, kind, content)."""
    sql = "SELECT id, article_id, seq, start, [end], text, kind, content FROM passages WHERE article_id = ?"
    sql += " AND content = 1" if content_only else ""
    rows = _rows(db.execute(sql + " ORDER BY seq", [article]))
    for row in rows:
        row["content"] = bool(row["content"])
    return rows


def get_passage(db: sqlite_utils.Database, passage: str) -> dict | None:
    """One passage row (with its article's lang), or None."""
    rows = passages_by_ids(db, [passage])
    return rows[0] if rows else None


_PASSAGE_COLS = "p.id, p.article_id, p.seq, p.start, p.[end], p.text, p.kind, p.content, a.lang"


def passages_by_ids(db: sqlite_utils.Database, passages: list[str]) -> list[dict]:
    """Passage rows (with the article's lang) of the given ids, in (article, seq) order."""
    if not passages:
        return []
    marks = ",".join("?" * len(passages))
    return _rows(db.execute(
        f"SELECT {_PASSAGE_COLS} FROM passages p JOIN articles a ON a.id = p.article_id "
        f"WHERE p.id IN ({marks}) ORDER BY p.article_id, p.seq", list(passages)))


def content_passages(db: sqlite_utils.Database, articles: list[str] | None = None) -> list[dict]:
    """Content passages (with lang) of `articles`, or of every article when None; ingest order."""
    sql = (f"SELECT {_PASSAGE_COLS} FROM passages p JOIN articles a ON a.id = p.article_id "
           "WHERE p.content = 1")
    params: list = []
    if articles is not None:
        sql += " AND p.article_id IN (%s)" % ",".join("?" * len(articles))
        params = list(articles)
    return _rows(db.execute(sql + " ORDER BY a.rowid, p.seq", params))


def article_by_hash(db: sqlite_utils.Database, digest: str) -> str | None:
    """Id of the article whose stored text has this sha256 hex digest, or None."""
    row = db.execute("SELECT id FROM articles WHERE content_hash = ?", [digest]).fetchone()
    return row[0] if row else None


def existing_articles(db: sqlite_utils.Database, articles: list[str]) -> set[str]:
    """The ids among `articles` that are stored."""
    if not articles:
        return set()
    marks = ",".join("?" * len(articles))
    return {r[0] for r in db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", list(articles))}


def _column_of(db: sqlite_utils.Database, column: str, article_ids: list[str]) -> list[str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(article_ids), 500):  # SQLite caps the number of parameters
        chunk = article_ids[start:start + 500]
        found.update(db.execute(f"SELECT id, {column} FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk).fetchall())
    return [found.get(aid) for aid in article_ids]


def published_dates(db: sqlite_utils.Database, article_ids: list[str]) -> list[str | None]:
    """`published_at` of each article, in order (None for an unknown article or a missing date)."""
    return _column_of(db, "published_at", article_ids)


def titles(db: sqlite_utils.Database, article_ids: list[str]) -> list[str | None]:
    """The title of each article, in order (None for an unknown article or a missing title)."""
    return _column_of(db, "title", article_ids)



def stats(db: sqlite_utils.Database) -> dict:
    """Counts of outlets, articles, passages and content passages."""
    one = lambda sql: db.execute(sql).fetchone()[0]
    return {
        "outlets": one("SELECT count(*) FROM outlets"),
        "articles": one("SELECT count(*) FROM articles"),
        "passages": one("SELECT count(*) FROM passages"),
        "content_passages": one("SELECT count(*) FROM passages WHERE content = 1"),
    }


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: every word quoted, all required (no FTS syntax errors)."""
    words = re.findall(r"\w+", query)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """Passages matching all words of `query` (accents ignored), best first, with match offsets.

    Each hit has the passage keys plus `title`, `outlet` and `highlights`: [start, end] offsets
    into the passage text of each matched word, so callers style them without parsing markup.
    """
    match = fts_query(query)
    if not match:
        return []
    rows = _rows(db.execute(
        "SELECT p.id, p.article_id, p.seq, p.start, p.[end], p.text, p.kind, p.content,"
        " a.title, o.name AS outlet, highlight(passages_fts, 0, ?, ?) AS marked"
        " FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid"
        " JOIN articles a ON a.id = p.article_id LEFT JOIN outlets o ON o.id = a.outlet_id"
        " WHERE passages_fts MATCH ? ORDER BY passages_fts.rank LIMIT ?",
        [MARK_OPEN, MARK_CLOSE, match, limit]))
    for row in rows:
        row["content"] = bool(row["content"])
        row["highlights"] = _highlights(row.pop("marked"), row["text"])
    return rows


def _highlights(marked: str, text: str) -> list[list[int]]:
    if MARK_OPEN in text or MARK_CLOSE in text:
        return []
    spans, plain, start = [], 0, None
    for ch in marked:
        if ch == MARK_OPEN:
            start = plain
        elif ch == MARK_CLOSE and start is not None:
            spans.append([start, plain])
            start = None
        else:
            plain += 1
    return spans if marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "") == text else []


def article_texts(db: sqlite_utils.Database, ids: list[str]) -> list[str]:
    """Title and content passages of each article, one text per id (what a reader of the whole
    article sees; compare's story pair model reads it)."""
    body: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):  # one query per 500 articles, not two per article
        for row in content_passages(db, ids[start:start + 500]):
            body.setdefault(row["article_id"], []).append(row["text"])
    return ["\n".join([title or "", *body.get(aid, [])]) for aid, title in zip(ids, titles(db, ids))]


def spread_sample(db: sqlite_utils.Database, outside: list[str], n: int) -> list[str]:
    """Up to `n` stored article ids not in `outside`, evenly spread over the corpus."""
    inside = set(outside)
    others = [aid for aid in article_ids(db) if aid not in inside]
    return others[::max(1, len(others) // max(n, 1))][:n]
