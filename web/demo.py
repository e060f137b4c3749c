"""`demo-setup`: analyse every stored article and open a "Demo" project on the demo story.

Kept out of cli.py so tests can run it with the fake encoder; the command only prints.
"""
from __future__ import annotations

import sqlite_utils

from annotate.labels import store as labels_store
from annotate.pipeline import analyze
from compare import store as compare_store
from corpus import store as corpus_store
from web import auth_store

DEMO_PROJECT = "Demo"


def first_admin(db: sqlite_utils.Database) -> auth_store.User | None:
    return next((u for u in auth_store.list_users(db) if u.is_admin and u.active), None)


def biggest_story(db: sqlite_utils.Database, article_ids: list[str]) -> dict | None:
    """The story holding most of `article_ids` (ties: the newest)."""
    wanted = set(article_ids)
    stories = compare_store.list_stories(db)
    return max(stories, key=lambda s: (len(wanted & set(s["article_ids"])), s["id"]), default=None)


def setup_demo(db: sqlite_utils.Database, encoder=None) -> dict:
    """Run the full analysis on all articles, then create (or reuse) the Demo project with the
    demo story and the first admin as curator. Returns {"project_id", "story_id", "admin", ...}."""
    admin = first_admin(db)
    if admin is None:
        raise ValueError("no admin account: run `./presslens init-db` first")
    article_ids = [a["id"] for a in corpus_store.list_articles(db)]
    if not article_ids:
        raise ValueError("no article stored: run `./presslens ingest corpus/demo` first")
    document = analyze(db, article_ids, encoder)
    story = biggest_story(db, article_ids)
    if story is None:
        story = {"id": compare_store.create_story(db, article_ids, "Demo story"), "article_ids": article_ids}
    project = next((p for p in labels_store.list_projects(db) if p["name"] == DEMO_PROJECT), None)
    if project is None:
        project = labels_store.create_project(db, DEMO_PROJECT, created_by=admin.id,
                                              description="The bundled demo corpus, analysed.")
    labels_store.add_member(db, project["id"], admin.id, "curator")
    labels_store.add_story(db, project["id"], story["id"])
    return {"project_id": project["id"], "story_id": story["id"], "admin": admin.username,
            "articles": len(article_ids), "alignments": len(document.get("alignments", [])),
            "spans": len(document.get("spans", []))}
