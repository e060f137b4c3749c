"""Curating stories and sharing them.

Curators (admins and curators: `manager_required`, checked on the server) add and remove
articles, rename a story, re-align it (a background job), build a story from chosen articles,
and create or revoke read-only links. A read-only link (/s/<token>) needs no login, shows the
story's columns and its printable report, and changes nothing; only a hash of the token is stored.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from compare import store as compare_store
from corpus import store as corpus_store
from web import data, job_store, jobs
from web.access import check_story
from web.auth import login_required, manager_required
from web.db import get_db
from web.report import build_report
from web.views.compare import chosen_layers, story_columns

bp = Blueprint("story_admin", __name__)

# The title inputs carry maxlength="300"; the server holds the same limit for clients that ignore it.
TITLE_MAX = 300


def _form_title() -> str:
    """The form's story title with runs of whitespace collapsed; refuses one longer than TITLE_MAX.

    Renaming and building share it, so a long title is refused the same way in both instead of
    being cut silently in one of them.
    """
    title = " ".join(request.form.get("title", "").split())
    if len(title) > TITLE_MAX:
        abort(400, description=f"title: at most {TITLE_MAX} characters (got {len(title)})")
    return title


def _story(db, story_id: int) -> dict:
    story = data.get_story(db, story_id)
    if story is None:
        abort(404, description=f"story {story_id} not found")
    return story


def _realign(db, story_id: int, suggest: list[str] | None = None) -> int:
    return jobs.submit(db, "realign_story", user_id=g.user.id, story_id=story_id, payload={"suggest": suggest or []})


@bp.get("/stories/<int:story_id>/manage")
@manager_required
def manage(story_id: int):
    db = get_db()
    story = _story(db, story_id)
    members = [a for a in (data.article_summary(db, aid) for aid in story["article_ids"]) if a]
    others = [a for a in corpus_store.list_articles(db) if a["id"] not in story["article_ids"]]
    return render_template("story_manage.html", story={**story, "title": story["title"] or data.fallback_title(members)},
                           members=members, others=others, shares=job_store.list_shares(db, story_id),
                           jobs=[j for j in job_store.list_jobs(db, limit=200) if j["story_id"] == story_id][:5],
                           new_link=request.args.get("link"))


@bp.post("/stories/<int:story_id>/articles")
@manager_required
def add_article(story_id: int):
    db = get_db()
    _story(db, story_id)
    article_id = request.form.get("article_id", "")
    if corpus_store.get_article(db, article_id, with_text=False) is None:
        abort(400, description=f"article: {article_id!r} does not exist")
    compare_store.add_articles(db, story_id, [article_id])
    return redirect(url_for("articles.job", job_id=_realign(db, story_id, [article_id])))


@bp.post("/stories/<int:story_id>/articles/<article_id>/remove")
@manager_required
def remove_article(story_id: int, article_id: str):
    db = get_db()
    story = _story(db, story_id)
    if article_id not in story["article_ids"]:
        abort(404, description=f"article {article_id} is not part of story {story_id}")
    if len(story["article_ids"]) == 1:
        abort(400, description="a story keeps at least one article; delete the story instead")
    compare_store.remove_article(db, story_id, article_id)
    return redirect(url_for("articles.job", job_id=_realign(db, story_id)))


@bp.post("/stories/<int:story_id>/rename")
@manager_required
def rename(story_id: int):
    db = get_db()
    _story(db, story_id)
    compare_store.rename_story(db, story_id, _form_title())
    return redirect(url_for("story_admin.manage", story_id=story_id))


@bp.post("/stories/<int:story_id>/realign")
@manager_required
def realign(story_id: int):
    db = get_db()
    _story(db, story_id)
    return redirect(url_for("articles.job", job_id=_realign(db, story_id)))


@bp.get("/stories/build")
@manager_required
def build_form():
    return render_template("story_build.html", articles=corpus_store.list_articles(get_db()))


@bp.post("/stories/build")
@manager_required
def build():
    db = get_db()
    ids = list(dict.fromkeys(request.form.getlist("article_id")))
    if len(ids) < 2:
        abort(400, description="articles: choose at least two articles for a story")
    story_id = compare_store.create_story(db, ids, _form_title() or None)
    return redirect(url_for("articles.job", job_id=_realign(db, story_id)))


# -- sharing -------------------------------------------------------------------------------------

@bp.post("/stories/<int:story_id>/shares")
@manager_required
def create_share(story_id: int):
    db = get_db()
    _story(db, story_id)
    layers = ",".join(chosen_layers(request.form.get("layers")))
    token = job_store.create_share(db, story_id, g.user.id, layers)
    return redirect(url_for("story_admin.manage", story_id=story_id, link=url_for("story_admin.shared", token=token,
                                                                                   _external=True)))


@bp.post("/stories/<int:story_id>/shares/<int:share_id>/revoke")
@manager_required
def revoke_share(story_id: int, share_id: int):
    if not job_store.revoke_share(get_db(), share_id, story_id):
        abort(404, description=f"link {share_id} of story {story_id} not found or already revoked")
    return redirect(url_for("story_admin.manage", story_id=story_id))


def _shared_story(db, token: str) -> tuple[dict, dict]:
    share = job_store.share_for_token(db, token) if len(token) < 100 else None
    if share is None:
        abort(404, description="this link does not exist or was revoked")
    return share, _story(db, share["story_id"])


@bp.get("/s/<token>")
def shared(token: str):
    db = get_db()
    share, story = _shared_story(db, token)
    model = story_columns(db, story, None, None, None)
    layers = chosen_layers(request.args.get("layers", share["layers"] or None))
    return render_template("shared.html", **model, layers=layers, token=token)


@bp.get("/s/<token>/report")
def shared_report(token: str):
    db = get_db()
    _share, story = _shared_story(db, token)
    return _report(db, story)


@bp.get("/stories/<int:story_id>/report")
@login_required
def report(story_id: int):
    db = get_db()
    project = request.args.get("project", type=int)
    check_story(db, g.user, story_id, project)
    return _report(db, _story(db, story_id))


def _report(db, story: dict):
    model = story_columns(db, story, None, None, None)
    run = compare_store.latest_run(db, story["id"])
    return render_template("report.html", **model, report=build_report(model["articles"], model["alignments"]),
                           run=run)
