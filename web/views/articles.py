"""Add one article from the browser (file, pasted text or URL) and follow its analysis.

POST /articles/new reads and checks the input (one clear message per bad field, nothing stored),
then queues a background job that segments and stores the article, joins a story, aligns it and
suggests labels, and redirects to the job page: no request waits on analysis. "Read" (step=preview) fills the form with what the reader found
so the user can correct title, outlet, date and language before adding.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from compare import store as compare_store
from corpus import store as corpus_store
from web import data, job_store, jobs
from web.auth import manager_required
from web.db import get_db
from web.i18n import translate
from web.uploads import Draft, UploadError, apply_fields, read_draft

bp = Blueprint("articles", __name__)
FORM_FIELDS = ("title", "outlet", "author", "published_at", "lang", "text", "url", "story")


def story_choices(db) -> list[dict]:
    return [{"id": s["id"], "title": s["title"], "n": len(s["articles"])} for s in data.story_summaries(db)]


def render_form(db, form: dict, error: UploadError | None = None, found: bool = False):
    return render_template("upload.html", form=form, error=error, found=found, stories=story_choices(db),
                           jobs=recent_jobs(db)), 400 if error else 200


def recent_jobs(db) -> list[dict]:
    out = []
    for job in job_store.list_jobs(db, limit=10):
        article = data.article_summary(db, job["article_id"]) if job["article_id"] else None
        title = (article or {}).get("title") or job["payload"].get("draft", {}).get("title")
        out.append({**job, "title": title or job["result"].get("story_title") or ""})
    return out


@bp.get("/articles/new")
@manager_required
def new():
    return render_form(get_db(), {"story": "auto"})


def _story_choice(db, raw: str):
    if raw in ("auto", "new"):
        return raw
    if raw.isdigit() and data.get_story(db, int(raw)) is not None:
        return int(raw)
    raise UploadError("story", f"story: {raw!r} is not a story you can pick")


@bp.post("/articles/new")
@manager_required
def create():
    db, form = get_db(), {k: request.form.get(k, "") for k in FORM_FIELDS}
    try:
        draft = read_draft(request.files.get("file"), form["text"], form["url"],
                           allow_private=bool(current_app.config.get("ALLOW_PRIVATE_URLS")),
                           max_bytes=int(current_app.config["MAX_CONTENT_LENGTH"]))
        if request.form.get("step") == "preview":
            return render_form(db, _prefill(form, draft), found=True)
        draft = apply_fields(draft, form)
        story = _story_choice(db, form["story"] or "auto")
    except UploadError as exc:
        return render_form(db, form, exc)
    # Everything checkable is checked; the text waits in the job row (durable) and the worker
    # segments, stores and analyses it: no request waits on any of that.
    job_id = jobs.submit(db, "analyse_article", user_id=g.user.id, payload={"story": story, "draft": asdict(draft)})
    return redirect(url_for("articles.job", job_id=job_id))


def _prefill(form: dict, draft: Draft) -> dict:
    """The user's own entries win; empty fields take what the reader found; the text is now pasted."""
    found = {"title": draft.title, "outlet": draft.outlet, "author": draft.author,
             "published_at": draft.published_at, "lang": draft.lang, "url": "", "text": draft.text}
    return {**form, **{k: form.get(k) or v for k, v in found.items()}, "url": "", "text": draft.text}


def job_view(db, job_id: int) -> dict:
    job = job_store.get_job(db, job_id)
    if job is None:
        abort(404, description=f"job {job_id} not found")
    article = data.article_summary(db, job["article_id"]) if job["article_id"] else None
    if article is None and job["payload"].get("draft"):  # not segmented and stored yet
        draft = job["payload"]["draft"]
        article = {"title": draft.get("title") or draft.get("source") or "", "outlet": draft.get("outlet") or "",
                   "published_at": draft.get("published_at") or "", "lang": draft.get("lang") or ""}
    return {"id": job["id"], "kind": job["kind"], "status": job["status"], "progress": job["progress"] or 0,
            "step": translate("job.step." + job["step"]) if job["step"] in jobs.STEPS else (job["step"] or ""),
            "error": job["error"] or "", "result": job["result"],
            "status_text": translate("job." + job["status"]), "article": article,
            "story_url": url_for("compare.story", story_id=job["result"]["story_id"])
            if job["result"].get("story_id") else None}


@bp.get("/jobs/<int:job_id>")
@manager_required
def job(job_id: int):
    db = get_db()
    return render_template("job.html", job=job_view(db, job_id), stories=story_choices(db))


@bp.get("/api/jobs/<int:job_id>")
@manager_required
def api_job(job_id: int):
    return jsonify({"ok": True, "job": job_view(get_db(), job_id)})


@bp.post("/jobs/<int:job_id>/retry")
@manager_required
def retry(job_id: int):
    db = get_db()
    old = job_store.get_job(db, job_id)
    if old is None:
        abort(404, description=f"job {job_id} not found")
    if old["status"] != "failed":
        abort(409, description=f"job {job_id} is {old['status']}: only a failed job is run again")
    if old["article_id"] and corpus_store.get_article(db, old["article_id"], with_text=False) is None:
        abort(404, description=f"article {old['article_id']} no longer exists")
    # the draft stays in the payload: a job that failed before storing it can store it now
    new_id = jobs.submit(db, old["kind"], user_id=g.user.id, article_id=old["article_id"],
                         story_id=old["story_id"], payload=old["payload"])
    return redirect(url_for("articles.job", job_id=new_id))


@bp.post("/jobs/<int:job_id>/move")
@manager_required
def move(job_id: int):
    """Put a finished upload into another story (or a new one) than the one proposed: it leaves
    the proposed story (a story it started alone is deleted) and a new job joins and aligns it."""
    db = get_db()
    old = job_store.get_job(db, job_id)
    if old is None or old["kind"] != "analyse_article" or old["status"] != "done" or not old["article_id"]:
        abort(409, description=f"job {job_id} is not a finished article analysis")
    try:
        target = _story_choice(db, request.form.get("story", ""))
    except UploadError as exc:
        abort(400, description=exc.message)
    current = old["result"].get("story_id")
    if target == current:
        return redirect(url_for("articles.job", job_id=job_id))
    story = data.get_story(db, current) if current else None
    if story is not None and story["article_ids"] == [old["article_id"]]:
        compare_store.delete_story(db, current)
    elif story is not None:
        compare_store.remove_article(db, current, old["article_id"])
    new_id = jobs.submit(db, "analyse_article", user_id=g.user.id, article_id=old["article_id"],
                         payload={"story": target})
    return redirect(url_for("articles.job", job_id=new_id))
