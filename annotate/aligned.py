"""Aligned passages as propagation, statistics and exports need them: the alignments of a story's
newest complete run, each with both passages' article, offsets, text and outlet name.

Composed from compare.store (stories, runs, alignments) and corpus.store (passages, articles):
annotate reads those layers' tables only through their functions.
"""
from __future__ import annotations

import sqlite_utils

from compare import store as compare_store
from corpus import store as corpus_store


def story_ids(db: sqlite_utils.Database) -> list[int]:
    """Every story id, oldest first."""
    return [s["id"] for s in compare_store.list_stories(db)]


def stories_of_article(db: sqlite_utils.Database, article_id: str) -> list[int]:
    """Stories an article belongs to."""
    return compare_store.story_ids_of(db, article_id)


def story_article_ids(db: sqlite_utils.Database, story_id: int) -> list[str]:
    """Articles of a story, by id."""
    story = compare_store.get_story(db, story_id)
    return sorted(story["article_ids"]) if story else []


def latest_run_id(db: sqlite_utils.Database, story_id: int) -> int | None:
    """The newest *complete* alignment run of a story, or None."""
    run = compare_store.latest_run(db, story_id)
    return run["id"] if run else None


def _with_passages(db: sqlite_utils.Database, alignments: list[dict]) -> list[dict]:
    """Each alignment with a_/b_ article, start, end, text and outlet of its two passages."""
    ids = sorted({x for al in alignments for x in (al["a"], al["b"])})
    passages = {p["id"]: p for p in corpus_store.passages_by_ids(db, ids)}
    outlets: dict[str, str | None] = {}
    for p in passages.values():
        if p["article_id"] not in outlets:
            art = corpus_store.get_article(db, p["article_id"], with_text=False)
            outlets[p["article_id"]] = art["outlet"] if art else None
    out = []
    for al in alignments:
        row = dict(al)
        for side in ("a", "b"):
            p = passages[al[side]]
            row.update({f"{side}_article": p["article_id"], f"{side}_start": p["start"], f"{side}_end": p["end"],
                        f"{side}_text": p["text"], f"{side}_outlet": outlets[p["article_id"]]})
        out.append(row)
    return out


def run_alignments(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """Alignments of a run with both passages' article, offsets, text and outlet name."""
    return _with_passages(db, compare_store.get_alignments(db, run_id, with_ids=True))


def passage_alignments(db: sqlite_utils.Database, passage_id: str) -> list[dict]:
    """Alignments touching a passage in the latest run of each story of its article."""
    passage = corpus_store.get_passage(db, passage_id)
    if passage is None:
        return []
    out = []
    for story_id in stories_of_article(db, passage["article_id"]):
        run_id = latest_run_id(db, story_id)
        if run_id is not None:
            touching = [al for al in compare_store.get_alignments(db, run_id, with_ids=True) if passage_id in (al["a"], al["b"])]
            out.extend(_with_passages(db, touching))
    return out
