"""Labels, their history, gold labels and assignments in SQLite; the one door for label writes.

Human labels and machine suggestions share the `annotations` table (`source` tells them apart).
Every write is validated (annotate.labels.schemes), versioned (optimistic locking: `expected_version`
must match or `StaleVersion` is raised with the current row, which the web maps to HTTP 409) and
recorded in `annotation_history` with before/after JSON, inside one short transaction.
Rows are never physically deleted: history rows keep pointing at them.
Accepting/rejecting a machine suggestion is a decision of one project (annotate.labels.decisions):
the shared suggestion row stays open for the other projects, and the decision can be undone.

Project, scheme, member and story CRUD (annotate.labels.projects), gold labels and assignments
(annotate.labels.gold) and the shared core (annotate.labels.rows) are re-exported here so callers
(web, CLI) import one module.
"""
from __future__ import annotations

import json
from typing import Iterable

import sqlite_utils

from annotate.labels import decisions, people, projects
from annotate.labels.gold import (  # noqa: F401  (re-exported API)
    clear_assignments, delete_gold, list_assignments, list_gold, save_assignments, set_gold,
)
from annotate.labels.projects import (  # noqa: F401  (re-exported API)
    NotFound, add_member, add_story, create_project, get_project, get_scheme, list_members, list_projects,
    list_stories, member_role, project_article_ids, project_passages, remove_member, remove_story,
    set_scheme, update_project,
)
from annotate.labels.rows import (  # noqa: F401  (re-exported API)
    EDITABLE, AlreadyDecided, DuplicateLabel, StaleVersion, article_text, get_gold, get_label, get_passage,
)
from annotate.labels.rows import check_version as _check_version
from annotate.labels.rows import checked as _checked
from annotate.labels.rows import guarded_update as _guarded_update
from annotate.labels.rows import record as _record
from annotate.labels.schemes import MACHINE_SOURCES, LabelError
from corpus.schema import now


def add_label(
    db: sqlite_utils.Database, passage_id: str, label: str, *, source: str = "human",
    annotator_id: int | None = None, project_id: int | None = None, start: int | None = None,
    end: int | None = None, prob: float | None = None, speaker_start: int | None = None,
    speaker_end: int | None = None, speaker_text: str | None = None, comment: str | None = None,
    origin_id: int | None = None, alignment_kind: str | None = None, model: str | None = None,
    cue_start: int | None = None, cue_end: int | None = None, cue_text: str | None = None,
) -> dict:
    """Write one label (whole passage when start/end are None) and its 'create' history row.

    Raises LabelError (unknown label, span outside the passage, non-content passage, duplicate of
    the same annotator's active label) or NotFound (passage).
    """
    passage = get_passage(db, passage_id)
    row = _checked(db, {
        "project_id": project_id, "passage_id": passage_id, "label": label, "source": source,
        "start": passage["start"] if start is None else start, "end": passage["end"] if end is None else end,
        "annotator_id": annotator_id, "prob": prob, "speaker_start": speaker_start,
        "speaker_end": speaker_end, "speaker_text": speaker_text, "comment": comment,
        "origin_id": origin_id, "alignment_kind": alignment_kind, "model": model,
        "cue_start": cue_start, "cue_end": cue_end, "cue_text": cue_text,
    })
    stamp = now()
    row.update(status="active", version=1, created_at=stamp, updated_at=stamp)
    with db.atomic():
        # Checked inside the write transaction: two identical requests at once (a double
        # click, a retried POST) must not both pass the check and both insert.
        _refuse_duplicate(db, row)
        new_id = db.table("annotations").insert(row).last_pk
        created = get_label(db, new_id)
        _record(db, "create", annotator_id, None, created)
    return created


def _refuse_duplicate(db: sqlite_utils.Database, row: dict) -> None:
    """One annotator holds a given label on a given span once; machine suggestions are told
    apart by their origin too (two human labels may propagate the same suggestion)."""
    sql = ("SELECT id FROM annotations WHERE passage_id = ? AND start = ? AND end = ? AND label = ? "
           "AND source = ? AND status = 'active' AND project_id IS ? AND annotator_id IS ?")
    params = [row["passage_id"], row["start"], row["end"], row["label"], row["source"], row["project_id"],
              row["annotator_id"]]
    if row["source"] != "human":
        sql += " AND origin_id IS ?"
        params.append(row["origin_id"])
    dup = list(db.query(sql, params))
    if dup:
        raise DuplicateLabel(dup[0]["id"])


def update_label(db: sqlite_utils.Database, annotation_id: int, changes: dict, *, user_id: int | None,
                 expected_version: int | None) -> dict:
    """Change label/span/speaker/comment of a label; bumps `version` and records history."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise LabelError(f"cannot change {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}")
    before = get_label(db, annotation_id)
    _check_version(before, expected_version)
    if before["status"] == "deleted":
        raise NotFound(f"annotation {annotation_id} was deleted")
    row = _checked(db, {**before, **changes})
    fields = {k: row[k] for k in EDITABLE}
    with db.atomic():
        _guarded_update(db, "annotations", annotation_id, before["version"], {**fields, "updated_at": now()})
        after = get_label(db, annotation_id)
        _record(db, "update", user_id, before, after)
    return after


def delete_label(db: sqlite_utils.Database, annotation_id: int, *, user_id: int | None,
                 expected_version: int | None) -> dict:
    """Soft-delete a label (status 'deleted', version bumped); history keeps the old row."""
    return _transition(db, annotation_id, "deleted", "delete", user_id, expected_version)


def _transition(db, annotation_id, status, action, user_id, expected_version) -> dict:
    before = get_label(db, annotation_id)
    _check_version(before, expected_version)
    with db.atomic():
        return _mark(db, before, status, action, user_id)


def _mark(db, before: dict, status: str, action: str, user_id: int | None) -> dict:
    """Set the status of a row read earlier (write first: a transaction that reads before it
    writes can fail to upgrade its lock under WAL when another writer got in between)."""
    _guarded_update(db, "annotations", before["id"], before["version"], {"status": status, "updated_at": now()})
    after = get_label(db, before["id"])
    _record(db, action, user_id, before, after)
    return after


def set_status(db: sqlite_utils.Database, annotation_id: int, action: str, *, user_id: int | None,
               project_id: int | None = None, expected_version: int | None = None,
               label: str | None = None) -> dict:
    """Accept or reject a machine/propagated suggestion inside a project.

    The decision belongs to `project_id` (default: the suggestion's own project, e.g. for
    propagated ones): accept creates a human label there (origin_id → suggestion), optionally
    with a corrected `label`, and returns it; reject returns the suggestion as the project now
    sees it (status 'rejected'). The suggestion row itself stays 'active', so other projects
    still see it (annotate.labels.decisions). Deciding twice raises AlreadyDecided (HTTP 409).

    Without any project (a project-less suggestion decided from the CLI with no --project) the
    old global behaviour applies: the shared row is marked 'accepted'/'rejected' for everyone.
    """
    if action not in ("accept", "reject"):
        raise LabelError(f"unknown action {action!r}; expected accept or reject")
    sugg = get_label(db, annotation_id)
    if sugg["source"] not in MACHINE_SOURCES:
        raise LabelError(f"annotation {annotation_id} is a human label, not a suggestion")
    _check_version(sugg, expected_version)
    project = project_id if project_id is not None else sugg["project_id"]
    if project is None:
        return _decide_globally(db, sugg, action, user_id, label)
    if sugg["status"] != "active":
        raise AlreadyDecided(sugg)
    if sugg["project_id"] not in (None, project):
        raise LabelError(f"suggestion {annotation_id} belongs to project {sugg['project_id']}, not {project}")
    with db.atomic():
        return _decide_in_project(db, sugg, action, user_id, project, label)


def _decide_in_project(db, sugg: dict, action: str, user_id: int | None, project: int,
                       label: str | None) -> dict:
    """Write the decision first (see _mark), then refuse if one already stood in its scope,
    then make the human label of an accept."""
    decision = decisions.insert_decision(db, sugg["id"], project, user_id, action)
    earlier = [d for d in decisions.active_decisions(
        db, sugg["id"], project, decisions.scope_user(db, project, user_id)) if d["id"] != decision["id"]]
    seen = {**sugg, "project_id": project, "status": decisions.DECIDED[action]}
    if earlier:
        raise AlreadyDecided({**seen, "status": decisions.DECIDED[earlier[0]["decision"]]}, earlier[0])
    made, created = None, False
    if action == "accept":
        try:
            made, created = _accepted_copy(db, sugg, user_id, project, label), True
        except DuplicateLabel as dup:  # the annotator already has exactly this label
            made = get_label(db, dup.existing_id)
        decisions.attach_label(db, decision["id"], made["id"], created)
    decisions.record(db, action, user_id, project, None, {**seen, "decision_id": decision["id"]})
    return made if made else {**seen, "decision_id": decision["id"]}


def _decide_globally(db, sugg: dict, action: str, user_id: int | None, label: str | None) -> dict:
    """Project-less decision (CLI without --project): marks the shared row itself."""
    if action == "reject":
        with db.atomic():
            return _mark(db, sugg, "rejected", "reject", user_id)
    with db.atomic():
        _mark(db, sugg, "accepted", "accept", user_id)
        try:
            return _accepted_copy(db, sugg, user_id, None, label)
        except DuplicateLabel as dup:
            return get_label(db, dup.existing_id)


def reopen_suggestion(db: sqlite_utils.Database, annotation_id: int, *, user_id: int | None,
                      project_id: int | None = None) -> dict:
    """Undo `user_id`'s accept/reject of a suggestion in a project: the suggestion is open there
    again and the human label that accept created is soft-deleted (a label the annotator already
    had is kept). Project-less decisions reopen the shared row. Returns {"suggestion", "label"}."""
    sugg = get_label(db, annotation_id)
    project = project_id if project_id is not None else sugg["project_id"]
    if project is None:
        return _reopen_globally(db, sugg, user_id)
    mine = decisions.active_decisions(db, annotation_id, project, user_id)
    if not mine:
        raise NotFound(f"no decision of yours on suggestion {annotation_id} in project {project}")
    removed = None
    with db.atomic():
        if not decisions.mark_undone(db, mine[-1]["id"]):
            raise NotFound(f"the decision on suggestion {annotation_id} was already undone")
        if mine[-1]["created_label"]:
            made = get_label(db, mine[-1]["label_id"])
            removed = _mark(db, made, "deleted", "delete", user_id) if made["status"] == "active" else None
        seen = {**sugg, "project_id": project}
        decisions.record(db, "reopen", user_id, project, {**seen, "status": decisions.DECIDED[mine[-1]["decision"]]},
                         seen)
    return {"suggestion": sugg, "label": removed}


def _reopen_globally(db, sugg: dict, user_id: int | None) -> dict:
    if sugg["status"] not in ("accepted", "rejected"):
        raise NotFound(f"suggestion {sugg['id']} is not decided")
    removed = None
    with db.atomic():
        reopened = _mark(db, sugg, "active", "reopen", user_id)
        for made in db.query("SELECT * FROM annotations WHERE origin_id = ? AND source = 'human' AND "
                             "project_id IS NULL AND status = 'active' AND annotator_id IS ?", [sugg["id"], user_id]):
            removed = _mark(db, dict(made), "deleted", "delete", user_id)
    return {"suggestion": reopened, "label": removed}


def _accepted_copy(db: sqlite_utils.Database, sugg: dict, user_id: int | None, project_id: int | None,
                   label: str | None) -> dict:
    """The human label made from an accepted suggestion (origin_id → the suggestion)."""
    return add_label(
        db, sugg["passage_id"], label or sugg["label"], source="human", annotator_id=user_id,
        project_id=project_id,
        start=sugg["start"], end=sugg["end"], speaker_start=sugg["speaker_start"],
        speaker_end=sugg["speaker_end"], speaker_text=sugg["speaker_text"], origin_id=sugg["id"],
        cue_start=sugg["cue_start"], cue_end=sugg["cue_end"], cue_text=sugg["cue_text"],
    )


def list_labels(
    db: sqlite_utils.Database, *, project_id: int | None = None, article_id: str | None = None,
    passage_id: str | None = None, annotator_id: int | None = None, sources: Iterable[str] | None = None,
    statuses: Iterable[str] = ("active",), with_suggestions: bool = True, viewer_id: int | None = None,
) -> list[dict]:
    """Labels matching the filters, in text order.

    With `project_id`, the project's labels plus (when `with_suggestions`) the project-less machine
    suggestions on the project's articles, minus the suggestions decided in the project (in a
    blind project, decided by `viewer_id` when given); without it, labels of every project.
    """
    where, params = ["status IN (%s)" % ",".join("?" * len(tuple(statuses)))], list(statuses)
    if project_id is not None:
        scope, scope_params = "project_id = ?", [project_id]
        if with_suggestions:
            articles = projects.project_article_ids(db, project_id)
            scope = ("(project_id = ? OR (project_id IS NULL AND source != 'human' AND article_id IN (%s)))"
                     % ",".join("?" * len(articles)))
            scope_params = [project_id, *articles]
            hidden, hidden_params = decisions.hidden_clause(db, project_id, viewer_id)
            scope, scope_params = f"{scope} AND {hidden}", scope_params + hidden_params
        where.append(scope)
        params.extend(scope_params)
    for col, val in (("article_id", article_id), ("passage_id", passage_id), ("annotator_id", annotator_id)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if sources is not None:
        sources = tuple(sources)
        where.append("source IN (%s)" % ",".join("?" * len(sources)))
        params.extend(sources)
    sql = f"SELECT * FROM annotations WHERE {' AND '.join(where)} ORDER BY article_id, start, end, id"
    return list(db.query(sql, params))


def history(db: sqlite_utils.Database, annotation_id: int | None = None, *, project_id: int | None = None,
            limit: int = 500) -> list[dict]:
    """History rows (newest first) with username and decoded before/after dicts."""
    where, params = [], []
    if annotation_id is not None:
        where.append("h.annotation_id = ?")
        params.append(annotation_id)
    if project_id is not None:
        where.append("h.project_id = ?")
        params.append(project_id)
    sql = ("SELECT h.* FROM annotation_history h"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY h.id DESC LIMIT ?")
    rows = list(db.query(sql, params + [limit]))
    names = people.accounts(db, sorted({r["user_id"] for r in rows if r["user_id"] is not None}))
    for r in rows:
        r["username"] = names.get(r["user_id"], {}).get("username")
        r["before"] = json.loads(r["before"]) if r["before"] else None
        r["after"] = json.loads(r["after"]) if r["after"] else None
    return rows
