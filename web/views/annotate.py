"""The annotate page (one article of a project) and the "least sure" queue page."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from annotate.labels import store as labels_store
from corpus import store as corpus_store
from web import data
from web.access import project_access
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme

bp = Blueprint("annotate", __name__)


QUEUE_PAGE_PASSAGES = 50  # passages on the queue page: a class's story holds 100-400, a sitting labels fewer


@bp.get("/projects/<int:project_id>/articles/<article_id>/annotate")
@login_required
def page(project_id: int, article_id: str):
    db = get_db()
    access = project_access(db, g.user, project_id)
    data.check_article_in_project(db, project_id, article_id)
    article = corpus_store.get_article(db, article_id, with_text=False)
    passages = corpus_store.get_passages(db, article_id)
    story_ids = data.stories_with_articles(db, [article_id])
    project_story = next((s["id"] for s in labels_store.list_stories(db, project_id) if s["id"] in story_ids), None)
    return render_template("annotate.html", access=access, project=access.project, article=article,
                           passages=passages, scheme=(scheme := localized_scheme(db, project_id)),
                           scheme_dicts=[d.as_dict() for d in scheme],
                           story_id=project_story)


@bp.get("/projects/<int:project_id>/queue")
@login_required
def queue(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id)
    items = data.one_per_passage(data.least_sure(db, project_id, g.user.id, limit=None, sees_all=access.sees_all_labels,
                                                 exam=access.exam))[:QUEUE_PAGE_PASSAGES]
    outlets = {aid: (data.article_summary(db, aid) or {}).get("outlet", "") for aid in {i["article_id"] for i in items}}
    return render_template("queue.html", access=access, project=access.project, items=items, outlets=outlets,
                           titles={d.name: d.title for d in localized_scheme(db, project_id)})
