"""View models: what pages and the JSON API show, composed from the core layers' functions.

No SQL here: stories and alignments come from `compare.store`, articles and passages from
`corpus.store`, labels and projects from `annotate.labels.store`. This module only shapes their results
for the web (and is shared by the HTML views and the JSON API so both show the same thing).
"""
from __future__ import annotations

import sqlite_utils

from annotate.campaign import visibility
from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store
from annotate.labels.schemes import MACHINE_SOURCES as MACHINE
from compare import store as compare_store
from corpus import store as corpus_store

MAX_COLUMNS = 5


def article_summary(db: sqlite_utils.Database, article_id: str) -> dict | None:
    """An article's display fields (no text), or None when it does not exist."""
    art = corpus_store.get_article(db, article_id, with_text=False)
    if art is None:
        return None
    return {"id": art["id"], "title": art.get("title") or "", "outlet": art.get("outlet") or "",
            "published_at": art.get("published_at") or "", "url": art.get("url") or "",
            "lang": art.get("lang") or "", "author": art.get("author") or ""}


def story_summaries(db: sqlite_utils.Database, story_ids: list[int] | None = None) -> list[dict]:
    """Stories (all, or `story_ids`) with their articles' outlets, dates and counts."""
    out = []
    for story in compare_store.list_stories(db):
        if story_ids is not None and story["id"] not in story_ids:
            continue
        arts = [a for a in (article_summary(db, aid) for aid in story["article_ids"]) if a]
        dates = sorted(a["published_at"] for a in arts if a["published_at"])
        out.append({"id": story["id"], "title": story.get("title") or fallback_title(arts),
                    "articles": arts, "outlets": sorted({a["outlet"] for a in arts if a["outlet"]}),
                    "first_date": dates[0] if dates else "", "last_date": dates[-1] if dates else "",
                    "created_at": story.get("created_at") or ""})
    return out


def fallback_title(arts: list[dict]) -> str:
    """Auto-clustered stories have no title: use their first article's."""
    return next((a["title"] for a in arts if a["title"]), "(untitled story)")


def get_story(db: sqlite_utils.Database, story_id: int) -> dict | None:
    """A story with its article ids, or None."""
    return compare_store.get_story(db, story_id)


def story_alignments(db: sqlite_utils.Database, story_id: int, with_diff: bool = True) -> list[dict]:
    """Alignments of the story's latest complete run ([] when it was never compared)."""
    run = compare_store.latest_run(db, story_id)
    return compare_store.get_alignments(db, run["id"], with_diff=with_diff) if run else []


def stories_with_articles(db: sqlite_utils.Database, article_ids: list[str]) -> list[int]:
    """Stories that contain every one of `article_ids`."""
    sets = [set(compare_store.story_ids_of(db, aid)) for aid in article_ids]
    return sorted(set.intersection(*sets)) if sets else []


def alignments_between(db: sqlite_utils.Database, a: str, b: str) -> list[dict]:
    """Latest-run alignments joining passages `a` and `b` (either direction)."""
    article_a, article_b = a.rsplit("-", 1)[0], b.rsplit("-", 1)[0]
    out = []
    for story_id in stories_with_articles(db, [article_a, article_b]):
        out += [al for al in story_alignments(db, story_id) if {al["a"], al["b"]} == {a, b}]
    return out


def article_with_passages(db: sqlite_utils.Database, article_id: str) -> dict | None:
    summary = article_summary(db, article_id)
    if summary is None:
        return None
    summary["passages"] = corpus_store.get_passages(db, article_id)
    return summary


def visible_labels(db: sqlite_utils.Database, article_ids: list[str], project_id: int | None,
                   user_id: int, sees_all: bool = True) -> list[dict]:
    """Labels a user may see: the project's (blind projects: own + suggestions), or, outside a
    project, the machine suggestions only (human labels always belong to a project)."""
    out = []
    hidden = project_id is None and exam_hides_suggestions(db, user_id, article_ids)
    for aid in article_ids:
        if project_id is None:
            out += [] if hidden else [l for l in labels_store.list_labels(db, article_id=aid, sources=MACHINE)
                                      if l.get("project_id") is None]
        elif sees_all:
            out += labels_store.list_labels(db, project_id=project_id, article_id=aid, viewer_id=user_id)
        else:
            out += campaign.annotator_view(db, project_id, user_id, article_id=aid)
    return out


def exam_hides_suggestions(db: sqlite_utils.Database, user_id: int, article_ids: list[str]) -> bool:
    """Whether `user_id` is a student in a running exercise (without scaffold) of a project that
    holds any of these articles: then the machine's suggestions stay hidden outside the project
    too (a story opened without its project would otherwise show them)."""
    wanted = set(article_ids)
    for project in labels_store.list_projects(db, user_id=user_id):
        if project.get("my_role") == "curator":
            continue
        exam = visibility.exam_view(db, project["id"])
        if exam and not exam.suggestions and wanted & set(labels_store.project_article_ids(db, project["id"])):
            return True
    return False


def project_progress(db: sqlite_utils.Database, project_id: int) -> dict[int, dict]:
    """story id -> {labelled, total, pct}: content passages with at least one human label."""
    labelled = {l["passage_id"] for l in labels_store.list_labels(
        db, project_id=project_id, sources=("human",), with_suggestions=False)}
    out = {}
    for story in labels_store.list_stories(db, project_id):
        ids = set(story["article_ids"])
        passages = [p for p in labels_store.project_passages(db, project_id) if p["article_id"] in ids]
        done = sum(1 for p in passages if p["id"] in labelled)
        out[story["id"]] = {"labelled": done, "total": len(passages),
                            "pct": round(100 * done / len(passages)) if passages else 0}
    return out


def check_article_in_project(db: sqlite_utils.Database, project_id: int, article_id: str) -> None:
    """NotFound unless the article belongs to one of the project's stories."""
    if article_id not in labels_store.project_article_ids(db, project_id):
        raise labels_store.NotFound(f"article {article_id} is not part of project {project_id}")


def blind_visible(db: sqlite_utils.Database, label: dict, user_id: int, exam=None) -> bool:
    """Whether a student (blind project, or `exam`: a running exercise) may see `label`: their
    own, a model/rule suggestion unless the exercise hides them, or a suggestion propagated from
    their own label (one propagated from someone else's reveals it)."""
    owner = None
    if label["source"] == "propagated" and label.get("origin_id"):
        try:
            owner = labels_store.get_label(db, label["origin_id"])["annotator_id"]
        except labels_store.NotFound:
            owner = None
    return visibility.student_may_see(label, user_id, exam=exam, origin_owner=owner)


def least_sure(db: sqlite_utils.Database, project_id: int, user_id: int, limit: int | None = 50,
               sees_all: bool = True, exam=None) -> list[dict]:
    """The "least sure" queue: open machine suggestions on the project's passages that this user
    has not labelled yet, lowest model probability first (where a human helps the model most).
    With `sees_all` false (blind project), suggestions propagated from others' labels are left out.
    `limit` None: all of them."""
    mine = {l["passage_id"] for l in labels_store.list_labels(
        db, project_id=project_id, annotator_id=user_id, sources=("human",), with_suggestions=False)}
    passages = {p["id"]: p for p in labels_store.project_passages(db, project_id)}
    queue = [l for l in labels_store.list_labels(db, project_id=project_id, sources=MACHINE, viewer_id=user_id)
             if l["passage_id"] in passages and l["passage_id"] not in mine
             and (sees_all or blind_visible(db, l, user_id, exam))]
    queue.sort(key=lambda l: (l["prob"] if l["prob"] is not None else 1.0, l["article_id"], l["start"]))
    out = []
    for l in queue[:limit]:
        p = passages[l["passage_id"]]
        out.append({**l, "passage_text": p["text"], "seq": p["seq"]})
    return out


def one_per_passage(queue: list[dict]) -> list[dict]:
    """The queue page's rows: each passage once, at its least sure open suggestion, with how many
    open suggestions it holds (`open`); the "Go" link opens the passage with all of them, so a
    passage with two quotation spans and a label is not met three times in a row."""
    rows: dict[str, dict] = {}
    for item in queue:
        row = rows.setdefault(item["passage_id"], {**item, "open": 0})
        row["open"] += 1
    return list(rows.values())


def article_passages(db: sqlite_utils.Database, article_id: str) -> list[dict]:
    return corpus_store.get_passages(db, article_id)
