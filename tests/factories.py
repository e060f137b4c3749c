"""`make_*` factories for tests: real rows in the real (temp) SQLite database, never mocks.

Articles go through `corpus.store.save_article` + `corpus.segment.segment` when those exist, so
tests see what ingest would store; `passages="lines"` asks for one passage per non-empty line
instead, for tests that need passage boundaries they can count on.
"""
from __future__ import annotations

import hashlib
import json
import re

from corpus.models import ArticleInput, Passage
from corpus.schema import now


def make_user(db, username: str, role: str = "annotator", password_hash: str = "x") -> int:
    """Insert a user row directly (web.auth hashes real passwords); returns its id."""
    return db.table("users").insert({
        "username": username, "password_hash": password_hash, "role": role,
        "display_name": username, "active": 1, "created_at": now(),
    }).last_pk


def line_passages(text: str) -> list[Passage]:
    """One body passage per non-empty line, offsets exact (lines starting with '#' are boilerplate)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            boiler = m.group().startswith("#")
            out.append(Passage(m.start(), m.end(), m.group(), "boilerplate" if boiler else "body", not boiler))
    return out


def make_article(db, text: str, outlet: str = "Outlet A", *, title: str | None = None,
                 passages: list[Passage] | str | None = None) -> str:
    """Store an article and its passages; returns the article id."""
    if passages == "lines":
        passages = line_passages(text)
    elif passages is None:
        passages = _segment(text)
    art = ArticleInput(text=text, source_file=f"{outlet}.txt", source_id=title or outlet,
                       outlet=outlet, title=title or f"{outlet} article", lang="fr")
    try:
        from corpus.store import save_article
    except ImportError:
        return _insert_article(db, art, passages)
    article_id, _ = save_article(db, art, passages)
    return article_id


def _segment(text: str) -> list[Passage]:
    try:
        from corpus.segment import segment
    except ImportError:
        return line_passages(text)
    return segment(text)


def _insert_article(db, art: ArticleInput, passages: list[Passage]) -> str:
    digest = hashlib.sha256(art.text.encode("utf-8")).hexdigest()
    article_id = digest[:16]
    outlet_id = _outlet_id(db, art.outlet)
    with db.atomic():
        db.table("articles").insert({
            "id": article_id, "outlet_id": outlet_id, "title": art.title, "lang": art.lang,
            "text": art.text, "source_file": art.source_file, "source_id": art.source_id,
            "content_hash": digest, "ingested_at": now(),
        })
        db.table("passages").insert_all([{
            "id": f"{article_id}-{i:04d}", "article_id": article_id, "seq": i, "start": p.start,
            "end": p.end, "text": p.text, "kind": p.kind, "content": int(p.content),
        } for i, p in enumerate(passages)])
    return article_id


def _outlet_id(db, name: str | None) -> int | None:
    if not name:
        return None
    rows = list(db.query("SELECT id FROM outlets WHERE name = ?", [name]))
    if rows:
        return rows[0]["id"]
    return db.table("outlets").insert({"name": name, "created_at": now()}).last_pk


def passages_of(db, article_id: str) -> list[dict]:
    """Passages of an article in order (direct query: no dependency on corpus.store)."""
    return list(db.query("SELECT * FROM passages WHERE article_id = ? ORDER BY seq", [article_id]))


def make_story(db, article_ids: list[str], title: str = "story") -> int:
    """A story grouping `article_ids`; returns its id."""
    story_id = db.table("stories").insert({"title": title, "method": "test", "params": "{}",
                                           "created_at": now()}).last_pk
    db.table("story_articles").insert_all([{"story_id": story_id, "article_id": a} for a in article_ids])
    return story_id


def make_alignment_run(db, story_id: int, rows: list[tuple[str, str, str]], score: float = 0.9) -> int:
    """An alignment run with alignments (a_passage_id, b_passage_id, kind); returns the run id."""
    run_id = db.table("alignment_runs").insert({
        "story_id": story_id, "model": "test", "params": "{}", "status": "complete",
        "created_at": now(), "finished_at": now(),
    }).last_pk
    db.table("alignments").insert_all([{
        "run_id": run_id, "a": a, "b": b, "score": score, "char_score": score, "kind": kind,
        "diff": json.dumps([]),
    } for a, b, kind in rows])
    return run_id


def make_project(db, name: str = "project", *, created_by: int | None = None, story_ids=(), members=(),
                 scheme=None, blind: bool = False, k: int = 1) -> int:
    """A project (annotate.labels.store API) with stories and (user_id, role) members; returns its id."""
    from annotate.labels import store

    project = store.create_project(db, name, created_by=created_by, scheme=scheme, blind=blind, k=k)
    for story_id in story_ids:
        store.add_story(db, project["id"], story_id)
    for user_id, role in members:
        store.add_member(db, project["id"], user_id, role)
    return project["id"]
