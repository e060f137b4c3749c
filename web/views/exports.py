"""Export a project's labels with a choice of source: gold, one annotator, all humans,
suggestions or everything (annotate.exchange.sources), in every format.

Curators only: an export holds every student's labels and the answer key.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, g, render_template, request

from annotate.exchange import export as export_mod
from annotate.exchange import sources
from annotate.labels import store as labels_store
from web.access import project_access
from web.auth import login_required
from web.db import get_db

bp = Blueprint("exports", __name__)
MIMETYPES = {"json": "application/json", "jsonld": "application/ld+json", "csv": "text/csv",
             "jsonl": "application/x-ndjson", "spacy": "application/octet-stream"}


@bp.get("/projects/<int:project_id>/exports")
@login_required
def page(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id, need="curate")
    members = labels_store.list_members(db, project_id)
    return render_template("exports.html", access=access, project=access.project, formats=list(export_mod.FORMATS),
                           flat=export_mod.FLAT, members=[m for m in members if m["role"] != "viewer"],
                           gold=len(labels_store.list_gold(db, project_id)))


@bp.get("/projects/<int:project_id>/exports/download")
@bp.get("/api/projects/<int:project_id>/exports/download")
@login_required
def download(project_id: int):
    """?format=…&source=… (source defaults per format: all, or auto for doccano/spaCy)."""
    db = get_db()
    access = project_access(db, g.user, project_id, need="curate")
    fmt = request.args.get("format", "")
    if fmt not in export_mod.FORMATS:
        abort(400, description=f"unknown export format {fmt!r}; choose from {', '.join(export_mod.FORMATS)}")
    source = request.args.get("source") or None
    body = export_mod.export(db, fmt, project_id=project_id, source=source)  # SourceError -> 400
    name = export_mod.export_filename(fmt, access.project["name"], str(sources.parse_source(source or
                                                                                            export_mod.FORMATS[fmt][1])))
    return Response(body, mimetype=MIMETYPES[export_mod.FORMATS[fmt][0]], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store"})
