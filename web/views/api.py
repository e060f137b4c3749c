"""JSON API: who am I, stories, a story's columns and alignments, word diffs.

Label, project, exercise and import/export endpoints live in their own blueprints
(api_labels, api_projects, ...). Every endpoint checks access exactly as its page does.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException

from annotate.labels import store as labels_store
from compare.diff import word_diff
from web import compare_view, data
from web.access import check_story
from web.auth import login_required
from web.db import get_db
from web.views.compare import chosen_articles, project_arg
from web.views.stories import stories_for

bp = Blueprint("api", __name__, url_prefix="/api")


def ok(**payload):
    return jsonify({"ok": True, **payload})


@bp.get("/me")
@login_required
def me():
    """The logged-in user and a CSRF token for state-changing calls (X-CSRFToken header)."""
    return ok(user=g.user.as_dict(), csrf_token=generate_csrf())


@bp.get("/stories")
@login_required
def stories():
    return ok(stories=stories_for(get_db(), g.user))


@bp.get("/stories/<int:story_id>")
@login_required
def story(story_id: int):
    """A story's articles (with passages), its alignments, additions and visible labels."""
    db, project_id = get_db(), project_arg()
    access = check_story(db, g.user, story_id, project_id)
    story_row = data.get_story(db, story_id)
    if story_row is None:
        abort(404, description=f"story {story_id} not found")
    articles = [data.article_with_passages(db, aid) for aid in chosen_articles(story_row)]
    articles = [a for a in articles if a]
    visible = {p["id"] for a in articles for p in a["passages"]}
    alignments = [al for al in data.story_alignments(db, story_id) if al["a"] in visible and al["b"] in visible]
    labels = data.visible_labels(db, [a["id"] for a in articles], project_id, g.user.id,
                                 access.sees_all_labels if access else True)
    return ok(story={"id": story_id, "title": story_row.get("title")}, articles=articles,
              alignments=alignments, additions=sorted(compare_view.additions(articles, alignments)),
              labels=labels)


def _passage_for_diff(db, passage_id: str) -> dict:
    try:
        passage = labels_store.get_passage(db, passage_id)
    except labels_store.NotFound:
        abort(404, description=f"passage {passage_id} not found")
    return passage


@bp.get("/diff")
@login_required
def diff():
    """Word diff of two passages: ops plus ready-to-draw segments for each side."""
    db = get_db()
    a_id, b_id = request.args.get("a", ""), request.args.get("b", "")
    if not a_id or not b_id:
        abort(400, description="give two passage ids: ?a=...&b=...")
    a, b = _passage_for_diff(db, a_id), _passage_for_diff(db, b_id)
    _check_passage_story(db, a, b)
    ops = word_diff(a["text"], b["text"])
    pair = next((al for al in data.alignments_between(db, a_id, b_id)), None)
    return ok(ops=ops, kind=pair and pair.get("kind"), score=pair and pair.get("score"),
              a=_side(db, a, compare_view.diff_segments(a["text"], ops, "a")),
              b=_side(db, b, compare_view.diff_segments(b["text"], ops, "b")))


def _side(db, passage: dict, segments: list[dict]) -> dict:
    summary = data.article_summary(db, passage["article_id"]) or {}
    return {"passage_id": passage["id"], "article_id": passage["article_id"],
            "outlet": summary.get("outlet", ""), "segments": segments}


def _check_passage_story(db, a: dict, b: dict) -> None:
    """Both passages must belong to one story the user may read (no cross-project peeking)."""
    story_ids = data.stories_with_articles(db, [a["article_id"], b["article_id"]])
    project_id = project_arg()
    for story_id in story_ids:
        try:
            check_story(db, g.user, story_id, project_id)
            return
        except HTTPException:  # 404/403 for this story; another may be readable
            continue
    abort(404, description="passages not found in a story you can read")
