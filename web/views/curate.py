"""Curate: disagreements side by side; the curator picks or sets the gold label."""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from annotate.campaign import workflow as campaign
from annotate.labels import store as labels_store
from web import data
from web.access import project_access
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme

bp = Blueprint("curate", __name__)


def queue(db, project_id: int, only_open: bool) -> list[dict]:
    """Disagreements with the passage text, outlet and each annotator's labels (full rows)."""
    items = campaign.disagreements(db, project_id, only_open=only_open)
    human = labels_store.list_labels(db, project_id=project_id, sources=("human",), with_suggestions=False)
    by_passage: dict[str, list[dict]] = {}
    for label in human:
        by_passage.setdefault(label["passage_id"], []).append(label)
    outlets: dict[str, str] = {}
    for item in items:
        passage = labels_store.get_passage(db, item["passage_id"])
        aid = passage["article_id"]
        outlets.setdefault(aid, (data.article_summary(db, aid) or {}).get("outlet", ""))
        item.update(text=passage["text"], outlet=outlets[aid], article_id=aid, seq=passage["seq"],
                    pstart=passage["start"], pend=passage["end"],
                    rows=by_passage.get(item["passage_id"], []),
                    gold_rows=labels_store.list_gold(db, project_id, item["passage_id"]))
    return items


@bp.get("/projects/<int:project_id>/curate")
@login_required
def page(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id, need="curate")
    only_open = request.args.get("all") != "1"
    names = {m["user_id"]: m["display_name"] or m["username"] for m in labels_store.list_members(db, project_id)}
    scheme = localized_scheme(db, project_id)
    return render_template("curate.html", access=access, project=access.project, items=queue(db, project_id, only_open),
                           names=names, scheme=scheme, titles={d.name: d.title for d in scheme}, only_open=only_open,
                           slot={d.name: i for i, d in enumerate(scheme)})


@bp.post("/projects/<int:project_id>/curate")
@login_required
def decide(project_id: int):
    """Form post: make an annotator's label gold, or set a label of the scheme as gold."""
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    adjudicate(db, project_id, request.form.to_dict())
    return redirect(url_for("curate.page", project_id=project_id, all=request.form.get("all") or None)
                    + "#d-" + request.form.get("passage_id", ""))


def adjudicate(db, project_id: int, fields: dict) -> dict:
    passage_id = str(fields.get("passage_id") or "")
    if not passage_id:
        abort(400, description="passage_id is required")
    data.check_article_in_project(db, project_id, labels_store.get_passage(db, passage_id)["article_id"])
    version = _expected_version(fields)
    annotation_id = fields.get("annotation_id")
    if annotation_id not in (None, ""):
        if not str(annotation_id).isdigit():
            abort(400, description="annotation_id must be a number")
        label = labels_store.get_label(db, int(annotation_id))
        if label["project_id"] != project_id:
            abort(404, description=f"annotation {annotation_id} not found")
        return campaign.adjudicate(db, project_id, passage_id, decided_by=g.user.id, annotation_id=int(annotation_id),
                                   expected_version=version)
    return campaign.adjudicate(db, project_id, passage_id, decided_by=g.user.id, label=fields.get("label") or None,
                               expected_version=version)


def _expected_version(fields: dict) -> int | None:
    """The gold version the curator's page showed (forms and JSON); a stale one answers 409."""
    value = fields.get("expected_version")
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        abort(400, description="expected_version must be a number")
    return int(value)


@bp.get("/api/projects/<int:project_id>/disagreements")
@login_required
def api_list(project_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    return jsonify({"ok": True, "disagreements": queue(db, project_id, request.args.get("all") != "1")})


@bp.post("/api/projects/<int:project_id>/gold")
@login_required
def api_gold(project_id: int):
    """JSON: {passage_id, annotation_id} or {passage_id, label} → the gold label."""
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description="expected a JSON object body")
    return jsonify({"ok": True, "gold": adjudicate(db, project_id, payload)})


@bp.get("/api/projects/<int:project_id>/gold")
@login_required
def api_gold_list(project_id: int):
    db = get_db()
    project_access(db, g.user, project_id, need="curate")
    return jsonify({"ok": True, "gold": labels_store.list_gold(db, project_id)})
