"""Project dashboard: label shares per outlet, coverage matrix, who is quoted, agreement, progress."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, render_template, request

from annotate.labels import store as labels_store
from web import charts
from web import dashboard_data as dd
from web.access import project_access
from web.auth import login_required
from web.db import get_db
from web.i18n import localized_scheme, translate

bp = Blueprint("dashboard", __name__)


def figures(db, access, chosen: dict | None = None) -> dict:
    """Everything the dashboard shows; annotators of blind projects get figures from their own
    labels only, and no per-annotator data or changed quotes (those would reveal others' labels).
    `chosen` filters the coverage tables (outlet, kind, label)."""
    project_id = access.project["id"]
    source, rows = dd.counted_labels(db, project_id)
    scheme = localized_scheme(db, project_id)
    coverage = dd.coverage(db, project_id)
    figs = {"series": [(d.name, d.title, d.color) for d in scheme], "filters": dd.coverage_filters(coverage)}
    if not access.sees_all_labels:
        if source == "gold":  # the gold labels are the class-mode answer key: never before reveal
            source, rows = "human", labels_store.list_labels(db, project_id=project_id, sources=("human",),
                                                             with_suggestions=False)
        if source == "human":
            rows = [r for r in rows if r["annotator_id"] == g.user.id]
        if source == "suggestions" and not access.sees_suggestions:  # an exercise hides the machine's answers
            source, rows = "human", []
        return {**figs, "coverage": _filtered(coverage, rows, chosen), "source": source,
                "shares": dd.label_shares(db, project_id, rows), "quoted": dd.quoted(db, project_id, rows)}
    st = dd.project_stats(db, project_id)
    titles = {b["story"]["id"]: b["story"]["title"] for b in coverage}
    figs.update(coverage=_filtered(coverage, rows, chosen), quoted=dd.stats_quoted(st),
                changed_quotes=dd.changed_quotes(st, titles),
                agreement=dd.agreement(db, project_id), progress=dd.annotator_progress(db, project_id))
    if source == "gold":  # adjudicated labels win over the stats' human/suggestion basis
        figs.update(source="gold", shares=dd.label_shares(db, project_id, rows), quoted=dd.quoted(db, project_id, rows))
    else:
        figs.update(source=dd.stats_source(st), shares=dd.stats_shares(st))
    return figs


def _filtered(coverage: list[dict], rows: list[dict], chosen: dict | None) -> list[dict]:
    by_passage: dict[str, set] = {}
    for r in rows:
        by_passage.setdefault(r["passage_id"], set()).add(r["label"])
    return dd.filter_coverage(coverage, labels_by_passage=by_passage, **(chosen or {}))


def chosen_filters() -> dict:
    return {k: request.args.get(k, "").strip() for k in ("outlet", "kind", "label")}


@bp.get("/projects/<int:project_id>/dashboard")
@login_required
def page(project_id: int):
    db = get_db()
    access = project_access(db, g.user, project_id)
    chosen = chosen_filters()
    figs = figures(db, access, chosen)
    shares_svg = charts.stacked_shares(figs["shares"], figs["series"], title=translate("dashboard.shares"))
    quoted_svg = charts.bar_counts([(q["speaker"], q["count"]) for q in figs["quoted"]],
                                   title=translate("dashboard.quoted"))
    return render_template("dashboard.html", access=access, project=access.project, shares_svg=shares_svg,
                           quoted_svg=quoted_svg, chosen=chosen, scheme=localized_scheme(db, project_id), **figs)


@bp.get("/api/projects/<int:project_id>/dashboard")
@login_required
def api(project_id: int):
    db = get_db()
    figs = figures(db, project_access(db, g.user, project_id), chosen_filters())
    for block in figs["coverage"]:
        block["articles"] = [{k: a[k] for k in ("id", "outlet", "title")} for a in block["articles"]]
    return jsonify({"ok": True, **figs})
