"""Campaign logic over annotate.labels.store: assignments, blind views, agreement, adjudication, scoring.

Used by the web app and the CLI alike. Planning (who gets which passage) and scoring are pure
functions; the functions taking `db` read and write only through annotate.labels.store.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

import sqlite_utils

from annotate.campaign import agreement, visibility
from annotate.labels import store
from annotate.labels.schemes import LabelError, is_whole

HUMAN = ("human",)


def plan_assignments(passage_ids: Sequence[str], annotators: Sequence[int], k: int,
                     existing: Iterable[tuple[str, int]] = ()) -> list[tuple[str, int]]:
    """New (passage, annotator) pairs giving every passage k distinct annotators.

    Balanced round-robin: each pick goes to the least-loaded annotator, ties broken by rotating
    order, so from scratch passage i gets annotators i*k .. i*k+k-1 (mod n) and loads differ by
    at most one; existing assignments are kept and counted.
    """
    n = len(annotators)
    k = min(k, n)
    have: dict[str, set] = defaultdict(set)
    load = Counter({u: 0 for u in annotators})
    for pid, uid in existing:
        have[pid].add(uid)
        if uid in load:
            load[uid] += 1
    pairs, pointer = [], 0
    for pid in passage_ids:
        for _ in range(k - len(have[pid] & set(annotators))):
            order = sorted((u for u in annotators if u not in have[pid]),
                           key=lambda u: (load[u], (annotators.index(u) - pointer) % n))
            pick = order[0]
            have[pid].add(pick)
            load[pick] += 1
            pairs.append((pid, pick))
            pointer = (annotators.index(pick) + 1) % n
    return pairs


def assign(db: sqlite_utils.Database, project_id: int, *, annotators: Sequence[int] | None = None,
           k: int | None = None) -> dict:
    """Assign each content passage of the project's stories to k annotators (default: project k,
    all members with role 'annotator'). Idempotent: re-running only fills gaps (new passages,
    a larger k). Returns {"added", "k", "per_user": {user_id: count}}."""
    project = store.get_project(db, project_id)
    users = list(annotators) if annotators else [m["user_id"] for m in store.list_members(db, project_id, "annotator")]
    if not users:
        raise LabelError(f"project {project_id} has no annotators to assign to")
    k = int(k or project["k"])
    passages = [p["id"] for p in store.project_passages(db, project_id)]
    existing = [(a["passage_id"], a["user_id"]) for a in store.list_assignments(db, project_id)]
    added = store.save_assignments(db, project_id, plan_assignments(passages, users, k, existing))
    per_user = Counter(a["user_id"] for a in store.list_assignments(db, project_id))
    return {"added": added, "k": min(k, len(users)), "passages": len(passages), "per_user": dict(per_user)}


def annotator_view(db: sqlite_utils.Database, project_id: int, user_id: int,
                   article_id: str | None = None) -> list[dict]:
    """The labels `user_id` may see. In a blind project or during a running exercise (for
    annotators and viewers) that is their own labels plus machine suggestions (none while an
    exercise hides them), minus propagated suggestions derived from someone else's label (those
    would leak another annotator's choice); curators always see everything."""
    project = store.get_project(db, project_id)
    rows = store.list_labels(db, project_id=project_id, article_id=article_id, viewer_id=user_id)
    if store.member_role(db, project_id, user_id) == "curator":
        return rows
    exam = visibility.exam_view(db, project_id)
    if not project["blind"] and exam is None:
        return rows
    origins = {r["origin_id"] for r in rows if r["source"] == "propagated" and r["origin_id"]}
    owner = {o: store.get_label(db, o)["annotator_id"] for o in origins}
    return [r for r in rows if visibility.student_may_see(r, user_id, exam=exam, origin_owner=owner.get(r["origin_id"]))]


def human_classes(db: sqlite_utils.Database, project_id: int) -> tuple[dict, dict, list]:
    """({(annotator, passage): label}, {user_id: username}, human label rows) of a project."""
    rows = store.list_labels(db, project_id=project_id, sources=HUMAN, with_suggestions=False)
    bounds = {p["id"]: (p["start"], p["end"]) for p in store.project_passages(db, project_id)}
    for r in rows:
        r["whole"] = is_whole(r, bounds.get(r["passage_id"]))
    names = {m["user_id"]: m["username"] for m in store.list_members(db, project_id)}
    return agreement.passage_classes(r for r in rows if r["annotator_id"] is not None), names, rows


def project_agreement(db: sqlite_utils.Database, project_id: int) -> dict:
    """Agreement of the project's human annotators: passage classes and span overlap."""
    classes, names, rows = human_classes(db, project_id)
    # articles laid end to end (joined by "\n") so offsets of different articles never overlap
    base, offsets, texts = 0, {}, []
    for aid in store.project_article_ids(db, project_id):
        offsets[aid] = base
        texts.append(store.article_text(db, aid))
        base += len(texts[-1]) + 1
    spans: dict = defaultdict(list)
    for r in rows:
        if r["annotator_id"] is not None and r["article_id"] in offsets:
            off = offsets[r["article_id"]]
            spans[r["annotator_id"]].append((r["start"] + off, r["end"] + off, r["label"], r["passage_id"]))
    report = agreement.agreement_report(classes, spans, names, "\n".join(texts))
    report["project_id"] = project_id
    return report


def disagreements(db: sqlite_utils.Database, project_id: int, only_open: bool = False) -> list[dict]:
    """The adjudication queue: passages with ≥1 human class, each annotator's label, the gold."""
    classes, names, _ = human_classes(db, project_id)
    by_passage: dict = defaultdict(dict)
    for (uid, pid), label in classes.items():
        by_passage[pid][names.get(uid, uid)] = label
    gold = {g["passage_id"]: g for g in store.list_gold(db, project_id)}
    out = []
    for pid in sorted(by_passage):
        labels = by_passage[pid]
        item = {"passage_id": pid, "labels": labels, "agree": len(set(labels.values())) == 1,
                "gold": gold[pid]["label"] if pid in gold else None}
        if not (only_open and (item["agree"] or item["gold"])):
            out.append(item)
    return out


def adjudicate(db: sqlite_utils.Database, project_id: int, passage_id: str, *, decided_by: int | None,
               annotation_id: int | None = None, label: str | None = None,
               expected_version: int | None = None, **span) -> dict:
    """Make the gold label of a passage: copy annotator label `annotation_id`, or set `label`
    (with optional start/end/speaker_* in `span`). Replaces the passage's existing gold label
    for the same span (its version is bumped); with `expected_version` (the version the curator
    saw; 0 = "there was no gold label") a decision made meanwhile by someone else raises
    StaleVersion instead of being silently replaced."""
    if annotation_id is not None:
        src = store.get_label(db, annotation_id)
        if src["passage_id"] != passage_id:
            raise LabelError(f"annotation {annotation_id} is not on passage {passage_id}")
        label = label or src["label"]
        span = {k: src[k] for k in ("start", "end", "speaker_start", "speaker_end", "speaker_text")} | span
    if not label:
        raise LabelError("adjudication needs an annotation to pick or a label")
    passage = store.get_passage(db, passage_id)
    start, end = span.get("start", passage["start"]), span.get("end", passage["end"])
    same = [g for g in store.list_gold(db, project_id, passage_id) if (g["start"], g["end"]) == (start, end)]
    return store.set_gold(db, project_id, passage_id, label, decided_by=decided_by,
                          gold_id=same[0]["id"] if same else None, expected_version=expected_version if same else None,
                          **{**span, "start": start, "end": end})


def classification_scores(gold: Sequence[str], pred: Sequence[str | None]) -> dict:
    """Accuracy and per-label precision/recall/F1 (a missing prediction counts as wrong)."""
    n = len(gold)
    per_label = {}
    for label in sorted(set(gold) | {p for p in pred if p}):
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(p == label and g != label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = {"precision": prec, "recall": rec, "support": tp + fn,
                            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
    supported = [v["f1"] for v in per_label.values() if v["support"]]
    return {"n": n, "accuracy": sum(g == p for g, p in zip(gold, pred)) / n if n else None,
            "macro_f1": sum(supported) / len(supported) if supported else None, "per_label": per_label}


def gold_classes(db: sqlite_utils.Database, project_id: int) -> dict:
    """{("gold", passage_id): label}: the gold class of each adjudicated passage."""
    rows = store.list_gold(db, project_id)
    for g in rows:
        passage = store.get_passage(db, g["passage_id"])
        g.update(annotator_id="gold", whole=is_whole(g, (passage["start"], passage["end"])))
    return agreement.passage_classes(rows)


def score_annotator(db: sqlite_utils.Database, project_id: int, user_id: int) -> dict:
    """Score an annotator's passage classes against the gold passage labels of the project.

    Only gold passages assigned to (or labelled by) the annotator count; unlabelled ones are
    counted wrong and reported as `missing`."""
    classes, _, _ = human_classes(db, project_id)
    mine = {pid: label for (uid, pid), label in classes.items() if uid == user_id}
    assigned = {a["passage_id"] for a in store.list_assignments(db, project_id, user_id)} | set(mine)
    gold = {pid: label for (_, pid), label in gold_classes(db, project_id).items() if pid in assigned}
    pids = sorted(gold)
    result = classification_scores([gold[p] for p in pids], [mine.get(p) for p in pids])
    result.update(user_id=user_id, missing=sum(p not in mine for p in pids))
    return result
