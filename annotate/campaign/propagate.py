"""Propagation: a human label becomes a suggestion on the aligned passages of other outlets.

Alignments come from the latest alignment run of each story (compare.pipeline). Propagation only
ever *adds* suggestions (source 'propagated', origin_id → the human label, alignment_kind shown)
that a person accepts or rejects; existing labels are never touched. The label may change on the
way: what outlet A states as a sourced fact, outlet B may quote from A — on a `quoted` alignment
where B's passage holds quoted text found in A's, the suggestion is a `quotation` whose speaker
is outlet A.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from annotate import aligned
from annotate.labels import store
from annotate.labels.schemes import label_names
from compare import kinds


@dataclass(frozen=True)
class Plan:
    """One suggestion to make on a counterpart passage."""
    passage_id: str
    label: str
    start: int
    end: int
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    alignment_kind: str
    prob: float


def quotes_from(target_text: str, origin_text: str) -> bool:
    """True when `target_text` holds quoted pieces found (near-)verbatim in `origin_text`."""
    pieces = kinds.quote_pieces(target_text)
    return bool(pieces) and kinds.found_chars(pieces, kinds.PassageText(origin_text).plain) > 0


def map_label(label: str, speaker: str | None, kind: str, origin_text: str, target_text: str,
              origin_outlet: str | None) -> tuple[str, str | None]:
    """(label, speaker) to suggest on the counterpart of an aligned pair."""
    if kind == "quoted" and label != "quotation" and quotes_from(target_text, origin_text):
        return "quotation", origin_outlet
    return label, speaker


def map_span(origin: dict, origin_passage: tuple[int, int], origin_text: str, target: dict) -> tuple[int, int]:
    """Where the label goes in the target: the whole passage, or the same words when the origin
    labelled a span whose exact text occurs in the target passage."""
    if (origin["start"], origin["end"]) == origin_passage:
        return target["start"], target["end"]
    words = origin_text[origin["start"] - origin_passage[0]:origin["end"] - origin_passage[0]]
    pos = target["text"].find(words) if words.strip() else -1
    if pos < 0:
        return target["start"], target["end"]
    return target["start"] + pos, target["start"] + pos + len(words)


def plan(origin: dict, alignments: list[dict], allowed: list[str]) -> list[Plan]:
    """Suggestions for `origin` (a human label row) from the alignments touching its passage."""
    out = []
    for al in alignments:
        mine, other = ("a", "b") if al["a"] == origin["passage_id"] else ("b", "a")
        if al[f"{other}_article"] == origin["article_id"]:
            continue
        src = {"start": al[f"{mine}_start"], "end": al[f"{mine}_end"], "text": al[f"{mine}_text"]}
        dst = {"start": al[f"{other}_start"], "end": al[f"{other}_end"], "text": al[f"{other}_text"]}
        label, speaker = map_label(origin["label"], origin["speaker_text"], al["kind"] or "paraphrase",
                                   src["text"], dst["text"], al[f"{mine}_outlet"])
        if label not in allowed:
            continue
        start, end = map_span(origin, (src["start"], src["end"]), src["text"], dst)
        sp = dst["text"].find(speaker) if speaker else -1
        spk = (dst["start"] + sp, dst["start"] + sp + len(speaker)) if sp >= 0 else (None, None)
        prob = max(0.0, min(1.0, max(al["score"] or 0.0, al["char_score"] or 0.0)))
        out.append(Plan(al[other], label, start, end, speaker, *spk, al["kind"] or "paraphrase", prob))
    return out


def propagate_label(db: sqlite_utils.Database, annotation_id: int) -> list[dict]:
    """Create (or refresh) the propagated suggestions of one human label; returns those created.

    Suggestions of an origin that was deleted or changed are withdrawn (soft-deleted) unless
    someone already accepted or rejected them.
    """
    origin = store.get_label(db, annotation_id)
    if origin["source"] != "human":
        return []
    wanted: list[Plan] = []
    if origin["status"] == "active":
        allowed = label_names(store.get_scheme(db, origin["project_id"]))
        wanted = plan(origin, aligned.passage_alignments(db, origin["passage_id"]), allowed)
    keys = {(p.passage_id, p.label, p.start, p.end, p.speaker_text) for p in wanted}
    current = store.list_labels(db, sources=("propagated",), statuses=("active",))
    current = [r for r in current if r["origin_id"] == annotation_id]
    have = set()
    for row in current:
        key = (row["passage_id"], row["label"], row["start"], row["end"], row["speaker_text"])
        if key in keys and key not in have:
            have.add(key)
        else:
            store.delete_label(db, row["id"], user_id=None, expected_version=row["version"])
    return [_create(db, origin, p) for p in wanted
            if (p.passage_id, p.label, p.start, p.end, p.speaker_text) not in have]


def _create(db: sqlite_utils.Database, origin: dict, p: Plan) -> dict:
    return store.add_label(
        db, p.passage_id, p.label, source="propagated", project_id=origin["project_id"],
        annotator_id=None, start=p.start, end=p.end, prob=p.prob, origin_id=origin["id"],
        alignment_kind=p.alignment_kind, speaker_text=p.speaker_text if p.speaker_start is None else None,
        speaker_start=p.speaker_start, speaker_end=p.speaker_end, model="propagation")


def propagate_project(db: sqlite_utils.Database, project_id: int) -> int:
    """Propagate every active human label of a project; returns the number of suggestions created."""
    rows = store.list_labels(db, project_id=project_id, sources=("human",), with_suggestions=False)
    return sum(len(propagate_label(db, r["id"])) for r in rows)
