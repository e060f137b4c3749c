"""Import labels from Label Studio, doccano and presslens JSONL files back into a project.

Each task/line is matched to a stored article by `article_id` (when the stored text is the same)
or by the sha256 of its text; each span must lie inside one content passage. A bad item becomes
an IngestError `file:line: message` and is skipped; every valid one is saved (each label in its
own short transaction), and re-importing the same file saves nothing twice (counted `skipped`).
Propagated suggestions are not imported (they hang on an origin label of the exporting
database; run `presslens propagate` again instead) and are counted `skipped`.
For Label Studio JSON, `line` is the line where the task starts in the file.

Offsets: doccano and presslens JSONL are code points. Label Studio regions are checked against
their `value.text`: code points first, then UTF-16 code units (old frontends), so files from
either kind of Label Studio import correctly; a region whose offsets match neither is an error.
"""
from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from annotate.exchange.import_ls import labelstudio_items
from annotate.exchange.items import (
    ImportReport,
    Item,
    ItemError,
    json_array_items,
    jsonl_items,
    offset,
    resolve_article,
)
from annotate.labels import people, store
from annotate.labels.schemes import LabelError
from corpus import store as corpus_store
from corpus.models import IngestError

FORMATS = ("labelstudio", "doccano", "jsonl")


def _span(value, text: str) -> tuple[int, int]:
    try:
        start, end = offset(value[0]), offset(value[1])
    except (TypeError, IndexError, KeyError, ItemError):
        raise ItemError(f"span {value!r} needs integer start and end")
    if not 0 <= start < end <= len(text):
        raise ItemError(f"span [{start}, {end}) is outside the text (0..{len(text)})")
    return start, end


def doccano_items(db: sqlite_utils.Database, line: int, obj: dict, user_id: int | None) -> list[Item]:
    """Items of one doccano line: `label` [[s, e, label]] or `entities` [{start_offset, ...}]."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ItemError("a doccano line needs a 'text' string")
    text = obj["text"]
    aid = resolve_article(db, text, obj.get("article_id"))
    spans = obj.get("label") or [[e.get("start_offset"), e.get("end_offset"), e.get("label")]
                                 for e in obj.get("entities") or [] if isinstance(e, dict)]
    items: list = []
    for span in spans:
        try:
            if not isinstance(span, (list, tuple)) or len(span) < 3:
                raise ItemError(f"label {span!r} must be [start, end, label]")
            start, end = _span(span, text)
            items.append(Item(line, aid, start, end, str(span[2]), "gold" if obj.get("source") == "gold" else "human",
                              annotator_id=user_id))
        except ItemError as exc:  # one bad span loses only itself
            items.append(exc)
    return items


def presslens_item(db: sqlite_utils.Database, line: int, obj: dict, user_id: int | None) -> list[Item]:
    """One record of presslens JSONL (see annotate.exchange.export); `text` must match the stored span."""
    if not isinstance(obj, dict):
        raise ItemError("each line must be a JSON object")
    aid = obj.get("article_id") if isinstance(obj.get("article_id"), str) else None
    if not (aid and corpus_store.get_article(db, aid, with_text=False)):
        digest = obj.get("content_hash")
        aid = corpus_store.article_by_hash(db, digest if isinstance(digest, str) else "")
    if not aid:
        raise ItemError("no stored article matches article_id/content_hash")
    text = store.article_text(db, aid)
    start, end = _span((obj.get("start"), obj.get("end")), text)
    if obj.get("text") is not None and text[start:end] != obj["text"]:
        raise ItemError(f"offsets [{start}, {end}) do not match the recorded text {str(obj['text'])[:40]!r}")
    if obj.get("source") == "propagated":
        return [None]  # derived from an origin label of the exporting database: skipped
    annotator = people.user_id_by_name(db, obj["annotator"]) if isinstance(obj.get("annotator"), str) else None
    return [Item(line, aid, start, end, str(obj.get("label")), obj.get("source") or "human",
                 annotator if annotator is not None else (user_id if (obj.get("source") or "human") == "human" else None),
                 obj.get("prob"), obj.get("model"), obj.get("speaker_start"), obj.get("speaker_end"),
                 obj.get("speaker_text"))]


def save_items(db: sqlite_utils.Database, items: list[Item], project_id: int | None, filename: str,
               report: ImportReport) -> None:
    """Validate and save items; errors are collected with their line, duplicates counted skipped."""
    passages: dict[str, list[dict]] = {}
    for it in items:
        if it.article_id not in passages:
            passages[it.article_id] = corpus_store.get_passages(db, it.article_id)
        inside = [p for p in passages[it.article_id] if p["start"] <= it.start and it.end <= p["end"]]
        try:
            _check_types(it)
            if not inside:
                raise LabelError(f"span [{it.start}, {it.end}) is not inside one passage of {it.article_id}")
            if it.source == "gold":
                _save_gold(db, it, inside[0], project_id, report)
                continue
            store.add_label(db, inside[0]["id"], it.label, source=it.source, annotator_id=it.annotator_id,
                            project_id=project_id, start=it.start, end=it.end, prob=it.prob, model=it.model,
                            speaker_start=it.speaker_start, speaker_end=it.speaker_end,
                            speaker_text=it.speaker_text)
            report.saved += 1
        except store.DuplicateLabel:
            report.skipped += 1
        except (LabelError, store.NotFound) as exc:
            report.errors.append(IngestError(filename, it.line, str(exc)))
        except (TypeError, ValueError, AttributeError) as exc:  # e.g. a probability or speaker of the wrong type
            report.errors.append(IngestError(filename, it.line, f"malformed label ({type(exc).__name__}: {exc})"))


def _save_gold(db: sqlite_utils.Database, it: Item, passage: dict, project_id: int | None,
               report: ImportReport) -> None:
    """A gold label (source 'gold', Label Studio ground_truth) becomes the project's gold for
    that span; the same gold already there is counted skipped."""
    if project_id is None:
        raise LabelError("gold labels belong to a project: import them into a project")
    same = [g for g in store.list_gold(db, project_id, passage["id"]) if (g["start"], g["end"]) == (it.start, it.end)]
    if same and same[0]["label"] == it.label:
        report.skipped += 1
        return
    store.set_gold(db, project_id, passage["id"], it.label, decided_by=it.annotator_id, start=it.start, end=it.end,
                   speaker_start=it.speaker_start, speaker_end=it.speaker_end, speaker_text=it.speaker_text,
                   gold_id=same[0]["id"] if same else None, expected_version=same[0]["version"] if same else None)
    report.saved += 1


def _check_types(it: Item) -> None:
    """Fields copied from the file keep their JSON type: refuse the wrong ones before SQLite sees them."""
    for name in ("prob",):
        value = getattr(it, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise LabelError(f"{name} {value!r} is not a number")
    for name in ("speaker_start", "speaker_end"):
        value = getattr(it, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise LabelError(f"{name} {value!r} is not an integer offset")
    for name in ("model", "speaker_text", "source"):
        value = getattr(it, name)
        if value is not None and not isinstance(value, str):
            raise LabelError(f"{name} {value!r} is not a string")


def import_text(db: sqlite_utils.Database, raw: str, fmt: str, *, project_id: int | None,
                user_id: int | None, filename: str = "<input>") -> ImportReport:
    """Import labels from the text of a file in `fmt` (labelstudio, doccano, jsonl)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; choose from {', '.join(FORMATS)}")
    report = ImportReport()
    try:
        entries = json_array_items(raw) if fmt == "labelstudio" else jsonl_items(raw.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        report.errors.append(IngestError(filename, exc.lineno, f"invalid JSON: {exc.msg}"))
        return report
    parse = {"labelstudio": labelstudio_items, "doccano": doccano_items, "jsonl": presslens_item}[fmt]
    for line, obj in entries:
        try:
            if isinstance(obj, ItemError):
                raise obj
            items = parse(db, line, obj, user_id)
        except ItemError as exc:
            report.errors.append(IngestError(filename, line, str(exc)))
            continue
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            # A field of an unexpected JSON type somewhere in the item: report it, keep going.
            report.errors.append(IngestError(filename, line, f"malformed item ({type(exc).__name__}: {exc})"))
            continue
        report.errors.extend(IngestError(filename, line, str(i)) for i in items if isinstance(i, ItemError))
        report.skipped += sum(1 for i in items if i is None)
        save_items(db, [i for i in items if isinstance(i, Item)], project_id, filename, report)
    return report


def import_file(db: sqlite_utils.Database, path: str | Path, fmt: str, *, project_id: int | None,
                user_id: int | None) -> ImportReport:
    """Import a file (UTF-8, BOM allowed); errors name the file and line."""
    raw = Path(path).read_text(encoding="utf-8-sig")
    return import_text(db, raw, fmt, project_id=project_id, user_id=user_id, filename=str(path))
