"""JSON API: who am I, stories, a story's columns and alignments, word diffs.

Label, project, exercise and import/export endpoints live in their own blueprints
(api_labels, api_projects, ...). Every endpoint checks access exactly as its page does.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException

from annotate.labels import store as labels_store
from compare.carry import carried_over
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
    """Diff of passage `a` against `b` (one id, or several ids of one article, diffed as one
    combined text: a one-to-many alignment gets one diff). Two languages get no word diff but
    what carried over (numbers, names, dates, quotes) and the alignment scores."""
    db = get_db()
    a_id, b_ids = request.args.get("a", ""), [x for x in request.args.get("b", "").split(",") if x]
    if not a_id or not b_ids:
        abort(400, description="give two passage ids: ?a=...&b=... (b may list several, comma-separated)")
    if len(b_ids) > 20:
        abort(400, description="b: at most 20 passages in one combined diff")
    a = _passage_for_diff(db, a_id)
    bs = [_passage_for_diff(db, x) for x in b_ids]
    if len({p["article_id"] for p in bs}) > 1:
        abort(400, description="b: a combined diff takes passages of one article")
    _check_passage_story(db, a, bs[0])
    b_text = "\n".join(p["text"] for p in bs)
    # the same two passages may be aligned in several stories: one entry per pair
    pairs = list({frozenset((al["a"], al["b"])): al for x in b_ids
                  for al in data.alignments_between(db, a_id, x)}.values())
    side_a, side_b = data.article_summary(db, a["article_id"]) or {}, data.article_summary(db, bs[0]["article_id"]) or {}
    out = {"kinds": sorted({al.get("kind") for al in pairs if al.get("kind")}),
           "scores": [round(al["score"], 3) for al in pairs if al.get("score") is not None],
           "combined": len(bs) > 1, "kind": compare_view.strongest([al.get("kind") for al in pairs]),
           "score": round(pairs[0]["score"], 3) if pairs and pairs[0].get("score") is not None else None, "cross_language": bool(side_a.get("lang") and side_b.get("lang")
                                                           and side_a["lang"] != side_b["lang"])}
    if out["cross_language"]:
        return ok(**out, carried=carried_over(a["text"], b_text).as_dict(),
                  a=_side(a, side_a, []), b=_side(bs[0], side_b, []))
    ops = word_diff(a["text"], b_text)
    return ok(**out, ops=ops, a=_side(a, side_a, compare_view.diff_segments(a["text"], ops, "a")),
              b=_side(bs[0], side_b, compare_view.diff_segments(b_text, ops, "b")))


def _side(passage: dict, summary: dict, segments: list[dict]) -> dict:
    return {"passage_id": passage["id"], "article_id": passage["article_id"], "outlet": summary.get("outlet", ""),
            "lang": summary.get("lang", ""), "segments": segments}


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
