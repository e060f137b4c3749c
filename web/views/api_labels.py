"""JSON API for labels inside a project: list, create, edit, delete, accept/reject/reopen suggestions.

Writes carry `expected_version` (optimistic locking): a stale one answers 409 with the current
row in `current`. Annotators edit only their own labels; curators edit any label of the project.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from annotate.campaign import propagate
from annotate.labels import store as labels_store
from annotate.labels.schemes import MACHINE_SOURCES
from web import data
from web.access import ProjectAccess, project_access
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme

bp = Blueprint("api_labels", __name__, url_prefix="/api/projects/<int:project_id>")

SPAN_FIELDS = ("start", "end", "speaker_start", "speaker_end")
TEXT_FIELDS = ("label", "speaker_text", "comment")


def body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description="expected a JSON object body")
    return payload


def _int_or_none(payload: dict, key: str) -> int | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, description=f"{key} must be an integer")
    return value


def _fields(payload: dict, allowed: tuple[str, ...]) -> dict:
    out = {}
    for key in allowed:
        if key in payload:
            if key in SPAN_FIELDS:
                out[key] = _int_or_none(payload, key)
            else:
                value = payload[key]
                if value is not None and not isinstance(value, str):
                    abort(400, description=f"{key} must be a string")
                out[key] = value
    return out


def passage_for_span(db, project_id: int, article_id: str, start: int, end: int) -> dict:
    """The passage of `article_id` holding [start, end); 400 when the span crosses passages."""
    data.check_article_in_project(db, project_id, article_id)
    for p in data.article_passages(db, article_id):
        if p["start"] <= start < end <= p["end"]:
            return p
    abort(400, description=f"span [{start}, {end}) does not lie inside one passage of article {article_id}")


def label_in_project(db, access: ProjectAccess, annotation_id: int, *, write: bool) -> dict:
    """An annotation the user may see (and, with write, change) in this project; else 404/403."""
    label = labels_store.get_label(db, annotation_id)
    project_id = access.project["id"]
    if label["project_id"] not in (project_id, None) or label["status"] == "deleted":
        abort(404, description=f"annotation {annotation_id} not found")
    data.check_article_in_project(db, project_id, label["article_id"])
    mine = label["annotator_id"] == g.user.id
    if not access.sees_all_labels and not data.blind_visible(db, label, g.user.id, access.exam):
        abort(404, description=f"annotation {annotation_id} not found")
    if write and label["source"] == "human" and not mine and not access.can_curate:
        abort(403, description="you can only change your own labels")
    return label


@bp.get("/articles/<article_id>/labels")
@login_required
def list_labels(project_id: int, article_id: str):
    db = get_db()
    access = project_access(db, g.user, project_id)
    data.check_article_in_project(db, project_id, article_id)
    labels = data.visible_labels(db, [article_id], project_id, g.user.id, access.sees_all_labels)
    return jsonify({"ok": True, "labels": labels,
                    "scheme": [d.as_dict() for d in localized_scheme(db, project_id)]})


@bp.post("/labels")
@login_required
def create_label(project_id: int):
    """Label a span (or a whole passage: give passage_id alone) as this user."""
    db, payload = get_db(), body()
    project_access(db, g.user, project_id, need="annotate")
    fields = _fields(payload, SPAN_FIELDS + TEXT_FIELDS)
    passage_id = payload.get("passage_id")
    if passage_id is None:
        if fields.get("start") is None or fields.get("end") is None or not payload.get("article_id"):
            abort(400, description="give passage_id, or article_id with start and end")
        passage_id = passage_for_span(db, project_id, str(payload["article_id"]), fields["start"], fields["end"])["id"]
    else:
        data.check_article_in_project(db, project_id, labels_store.get_passage(db, str(passage_id))["article_id"])
    if not fields.get("label"):
        abort(400, description="label is required")
    created = labels_store.add_label(db, str(passage_id), fields.pop("label"), source="human",
                                     annotator_id=g.user.id, project_id=project_id, **fields)
    return jsonify({"ok": True, "label": created}), 201


@bp.patch("/labels/<int:annotation_id>")
@login_required
def update_label(project_id: int, annotation_id: int):
    db, payload = get_db(), body()
    access = project_access(db, g.user, project_id, need="annotate")
    label = label_in_project(db, access, annotation_id, write=True)
    if label["source"] != "human":
        abort(400, description="suggestions are accepted or rejected, not edited")
    changes = _fields(payload, SPAN_FIELDS + TEXT_FIELDS)
    if not changes:
        abort(400, description="nothing to change")
    updated = labels_store.update_label(db, annotation_id, changes, user_id=g.user.id,
                                        expected_version=_required_version(payload))
    return jsonify({"ok": True, "label": updated})


def _required_version(payload: dict) -> int:
    version = _int_or_none(payload, "expected_version")
    if version is None:
        abort(400, description="expected_version is required (the version you last read)")
    return version


@bp.delete("/labels/<int:annotation_id>")
@login_required
def delete_label(project_id: int, annotation_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id, need="annotate")
    label = label_in_project(db, access, annotation_id, write=True)
    if label["source"] != "human":
        abort(400, description="suggestions are rejected, not deleted")
    payload = request.get_json(silent=True) or {}
    deleted = labels_store.delete_label(db, annotation_id, user_id=g.user.id,
                                        expected_version=_required_version(payload))
    return jsonify({"ok": True, "label": deleted})


@bp.post("/suggestions/<int:annotation_id>/<action>")
@login_required
def decide(project_id: int, annotation_id: int, action: str):
    """Accept (optionally with a corrected label) or reject a model/rule/propagated suggestion in
    this project, or reopen it (undo your own accept/reject). Decisions are per project (per
    annotator in blind projects): other projects keep seeing the suggestion."""
    if action not in ("accept", "reject", "reopen"):
        abort(404, description=f"unknown action {action!r}")
    db, payload = get_db(), request.get_json(silent=True) or {}
    access = project_access(db, g.user, project_id, need="annotate")
    suggestion = label_in_project(db, access, annotation_id, write=True)
    if suggestion["source"] not in MACHINE_SOURCES:
        abort(400, description=f"annotation {annotation_id} is not a suggestion")
    if action == "reopen":
        out = labels_store.reopen_suggestion(db, annotation_id, user_id=g.user.id, project_id=project_id)
        return jsonify({"ok": True, **out})
    label = payload.get("label") if isinstance(payload.get("label"), str) else None
    result = labels_store.set_status(db, annotation_id, action, user_id=g.user.id, project_id=project_id,
                                     expected_version=_int_or_none(payload, "expected_version"), label=label)
    return jsonify({"ok": True, "label": result})


@bp.post("/labels/<int:annotation_id>/propagate")
@login_required
def propagate_label(project_id: int, annotation_id: int):
    """Offer a label to the aligned passages of other outlets, as 'propagated' suggestions."""
    db = get_db()
    access = project_access(db, g.user, project_id, need="annotate")
    label_in_project(db, access, annotation_id, write=True)
    return jsonify({"ok": True, "created": propagate.propagate_label(db, annotation_id)})


@bp.get("/labels/<int:annotation_id>/history")
@login_required
def label_history(project_id: int, annotation_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id)
    label_in_project(db, access, annotation_id, write=False)
    # Machine suggestions are shared by every project: show only this project's decisions, and
    # in a blind project only the user's own (others' accepts/rejects would reveal their labels).
    rows = [r for r in labels_store.history(db, annotation_id) if r["project_id"] in (project_id, None)
            and (access.sees_all_labels or r["user_id"] in (g.user.id, None))]
    return jsonify({"ok": True, "history": rows})


@bp.get("/queue")
@login_required
def queue(project_id: int):
    """The least-sure suggestions this user has not labelled yet."""
    db = get_db()
    access = project_access(db, g.user, project_id)
    limit = request.args.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 500:
        abort(400, description="limit must be between 1 and 500")
    return jsonify({"ok": True, "queue": data.least_sure(db, project_id, g.user.id, int(limit),
                                                         sees_all=access.sees_all_labels, exam=access.exam)})
