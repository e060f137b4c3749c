"""Import and export: upload articles (every ingest format, or a URL), import annotations,
download every export format, and run the analysis on new articles.

Uploads are saved under a fresh temp dir with a sanitised name (the client's file name never
becomes a path), handed to `corpus.ingest`, then deleted. Size is capped by MAX_CONTENT_LENGTH.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, jsonify, render_template, request, url_for

from annotate.exchange import export as export_mod
from annotate.exchange import importers
from corpus import store as corpus_store
from corpus.errors import NotFound
from corpus.ingest import ingest
from web import jobs
from web.access import project_access, visible_projects
from web.auth import login_required, manager_required
from web.db import get_db

bp = Blueprint("io", __name__)

INGEST_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl", ".json", ".csv"}


def ingest_uploads(db, files, url: str, outlet: str | None) -> dict:
    """Ingest uploaded files and/or one URL; returns the ingest report as a dict."""
    tmp = Path(tempfile.mkdtemp(prefix="presslens-upload-"))
    try:
        inputs = []
        for i, upload in enumerate(f for f in files if f and f.filename):
            suffix = Path(upload.filename).suffix.lower()
            if suffix not in INGEST_SUFFIXES:
                abort(400, description=f"{upload.filename}: unsupported file type {suffix or '(none)'}")
            target = tmp / f"{i:03d}-{export_mod.safe_filename(Path(upload.filename).stem, 'upload')}{suffix}"
            upload.save(target)
            inputs.append(str(target))
        if url:
            if not url.startswith(("http://", "https://")):
                abort(400, description="only http(s) URLs can be ingested")
            inputs.append(url)
        if not inputs:
            abort(400, description="choose at least one file or give a URL")
        report = ingest(db, inputs, outlet=outlet or None,
                        allow_private=bool(current_app.config.get("ALLOW_PRIVATE_URLS")))
        result = report.as_dict()
        for err in result["errors"]:  # report the name the user gave, not our temp path
            err["file"] = Path(err["file"]).name.split("-", 1)[-1] if err["file"].startswith(str(tmp)) else err["file"]
        result["article_ids"] = getattr(report, "article_ids", report.added)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def queue_analysis(db, article_ids: list[str]) -> dict:
    """Queue the full analysis (stories, alignment, suggestions) of `article_ids` as one
    background job; the answer says where to follow it. Unknown ids are refused now (404 naming
    them), not discovered later by the worker."""
    unknown = [aid for aid in article_ids if corpus_store.get_article(db, aid, with_text=False) is None]
    if unknown:
        raise NotFound(f"unknown article id(s): {', '.join(unknown[:10])}")
    job_id = jobs.submit(db, "analyse_batch", user_id=g.user.id, payload={"article_ids": article_ids})
    return {"id": job_id, "status": "queued", "api": url_for("articles.api_job", job_id=job_id),
            "page": url_for("articles.job", job_id=job_id)}


@bp.get("/io")
@manager_required
def index():
    projects = [p for p in visible_projects(get_db(), g.user) if p.get("my_role") == "curator"]
    return render_template("io.html", projects=projects, formats=list(export_mod.FORMATS),
                           import_formats=importers.FORMATS, selected=request.args.get("project", type=int))


def _ingest_request(db) -> dict:
    """Ingest the request's files and URL (page form and API alike), then analyse if asked."""
    result = ingest_uploads(db, request.files.getlist("files"), request.form.get("url", "").strip(),
                            request.form.get("outlet", "").strip())
    if request.form.get("analyze") and result["article_ids"]:
        result["job"] = queue_analysis(db, result["article_ids"])
    return result


@bp.post("/io/articles")
@manager_required
def upload_articles():
    """The page form: ingest now, analyse in the background (one job per new article, each
    joining its nearest story); the result page links to the jobs' progress pages."""
    db = get_db()
    result = ingest_uploads(db, request.files.getlist("files"), request.form.get("url", "").strip(),
                            request.form.get("outlet", "").strip())
    if request.form.get("analyze"):
        result["jobs"] = [jobs.submit(db, "analyse_article", user_id=g.user.id, article_id=aid,
                                      payload={"story": "auto"}) for aid in result["added"]]
    return render_template("io_result.html", result=result), 200 if not result["errors"] else 400


@bp.post("/api/articles")
@manager_required
def api_upload_articles():
    result = _ingest_request(get_db())
    return jsonify({"ok": not result["errors"], **result}), 200 if not result["errors"] else 400


@bp.post("/api/analyze")
@manager_required
def api_analyze():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("article_ids"), list) or not payload["article_ids"]:
        abort(400, description="give article_ids: a non-empty list")
    ids = list(dict.fromkeys(str(a) for a in payload["article_ids"]))
    return jsonify({"ok": True, "job": queue_analysis(get_db(), ids)}), 202


def _import(project_id: int) -> dict:
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    upload, fmt = request.files.get("file"), request.form.get("format", "")
    if fmt not in importers.FORMATS:
        abort(400, description=f"format must be one of {', '.join(importers.FORMATS)}")
    if upload is None or not upload.filename:
        abort(400, description="choose a file to import")
    try:
        raw = upload.read().decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        abort(400, description=f"{upload.filename}: not UTF-8 text (byte {exc.start}); export it again as UTF-8")
    report = importers.import_text(db, raw, fmt, project_id=project_id, user_id=g.user.id,
                                   filename=export_mod.safe_filename(upload.filename, "upload"))
    return report.as_dict()


@bp.post("/io/projects/<int:project_id>/import")
@login_required
def import_annotations(project_id: int):
    result = _import(project_id)
    return render_template("io_result.html", result=result), 200 if not result["errors"] else 400


@bp.post("/api/projects/<int:project_id>/import")
@login_required
def api_import(project_id: int):
    result = _import(project_id)
    return jsonify({"ok": not result["errors"], **result}), 200 if not result["errors"] else 400


@bp.get("/projects/<int:project_id>/export/<fmt>")
@bp.get("/api/projects/<int:project_id>/export/<fmt>")
@login_required
def export(project_id: int, fmt: str):
    """Download a project's labels; the file name is built from a sanitised project name only."""
    db = get_db()
    access = project_access(db, g.user, project_id, need="curate")
    if fmt not in export_mod.FORMATS:
        abort(404, description=f"unknown export format {fmt!r}; choose from {', '.join(export_mod.FORMATS)}")
    body = export_mod.export(db, fmt, project_id=project_id)
    name = export_mod.export_filename(fmt, access.project["name"])
    mimetype = "application/octet-stream" if isinstance(body, bytes) else "application/json" \
        if name.endswith((".json", ".jsonld")) else "text/csv" if name.endswith(".csv") else "application/x-ndjson"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store"})
