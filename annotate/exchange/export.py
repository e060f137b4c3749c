"""Exports of stored labels: presslens JSONL/CSV, Label Studio, doccano, spaCy, W3C Web Annotation.

Offsets per format (all verified by round-trip tests with emoji and « »):
- presslens JSONL/CSV, doccano, spaCy, W3C `TextPositionSelector`: Unicode code points (Python
  `str` indices; the W3C model defines positions in code points).
- Label Studio: code points by default (what current Label Studio exports and what its Python
  SDK expects); `utf16=True` writes UTF-16 code units for old frontends that counted JS `.length`.

presslens JSONL (one label per line) and CSV (same columns, header row) carry JSONL_FIELDS:
`annotation_id, project_id, article_id, content_hash, outlet, passage_id, start, end, text, label,
source, annotator, prob, model, speaker_start, speaker_end, speaker_text, status, origin_id,
alignment_kind, version, created_at, updated_at` — `text` is `article_text[start:end]`,
`annotator` a username (null for machine labels), `content_hash` the sha256 of the article text
(the importer matches articles by it).

Which labels: annotate.exchange.sources (gold, one annotator, all humans, suggestions, all).
Gold is marked in every format: `source: "gold"` in JSONL/CSV/doccano/spaCy, Label Studio
annotations with `ground_truth: true`, W3C annotations with motivation `assessing`, the deciding
curator as creator and a `gold` tag. Flat formats (doccano, spaCy) hold one label per span, so
they take one source (default auto: gold, else human, else suggestions), write one record per
(article, annotator) for human labels, and keep one label per exact span; the others keep
sources apart (Label Studio `annotations`/`predictions`, `source` columns).
"""
from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import sqlite_utils

from annotate import aligned
from annotate.exchange import sources as sources_mod
from annotate.labels import people, store
from corpus import store as corpus_store

JSONL_FIELDS = (
    "annotation_id", "project_id", "article_id", "content_hash", "outlet", "passage_id", "start", "end",
    "text", "label", "source", "annotator", "prob", "model", "speaker_start", "speaker_end", "speaker_text",
    "status", "origin_id", "alignment_kind", "version", "created_at", "updated_at",
)
FORMATS = {  # format -> (file extension, default source)
    "jsonl": ("jsonl", "all"), "csv": ("csv", "all"), "labelstudio": ("json", "all"),
    "doccano": ("jsonl", "auto"), "spacy": ("jsonl", "auto"), "spacy-docbin": ("spacy", "auto"),
    "w3c": ("jsonld", "all"),
}
FLAT = ("doccano", "spacy", "spacy-docbin")  # one label per span: one source, never mixed


@dataclass
class Doc:
    """One article and the labels exported with it (flat formats: of one source and annotator)."""
    article: dict
    labels: list[dict]
    source: str = "all"
    annotator: str | None = None


def safe_filename(name: str, default: str = "export", max_len: int = 100) -> str:
    """A file name safe on every OS and in Content-Disposition: ASCII letters, digits, . _ -,
    no path separators, no leading dot (so never '..' or a hidden file)."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._-")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)[:max_len].strip("._-")
    return cleaned or default


def export_filename(fmt: str, name: str, source: str | None = None) -> str:
    """`<safe name>[.<source>].<format>.<ext>`, e.g. `class-3b.gold.labelstudio.json`; the format
    is left out where it is the extension (`class-3b.csv`, not `class-3b.csv.csv`)."""
    ext = FORMATS[fmt][0]
    parts = [safe_filename(name)] + ([safe_filename(source)] if source else []) + ([fmt] if fmt != ext else [])
    return ".".join(parts) + "." + ext


def gather(db: sqlite_utils.Database, *, project_id: int | None = None, article_ids: Iterable[str] | None = None,
           source: str | sources_mod.SourceChoice | None = "all", statuses: Iterable[str] = ("active",),
           flat: bool = False) -> list[Doc]:
    """Articles in scope (the project's, the given ones, else all) with the chosen labels in text
    order; with `flat`, one Doc per (article, annotator) and one label per span, never `all`."""
    if article_ids is None:
        article_ids = (store.project_article_ids(db, project_id) if project_id is not None
                       else [a["id"] for a in corpus_store.list_articles(db)])
    article_ids = list(article_ids)
    choice = source if isinstance(source, sources_mod.SourceChoice) else sources_mod.parse_source(source)
    choice = sources_mod.resolve(db, choice, project_id, article_ids)
    if flat and choice.kind == "all":
        raise sources_mod.SourceError("doccano and spaCy hold one label per span: choose gold, human, "
                                      "annotator:<username> or suggestions, not all")
    users = people.usernames(db)
    docs = []
    for aid in article_ids:
        article = corpus_store.get_article(db, aid)
        if article is None:
            raise store.NotFound(f"article {aid} not found")
        labels = sources_mod.labels_for(db, choice, project_id, aid, statuses)
        for l in labels:
            l["annotator"] = users.get(l["annotator_id"])
            l["text"] = article["text"][l["start"]:l["end"]]
        docs.extend(_split(article, labels, str(choice)) if flat else [Doc(article, labels, str(choice))])
    return docs


def _split(article: dict, labels: list[dict], source: str) -> list[Doc]:
    """One Doc per annotator for human labels (never two people's labels in one record)."""
    if source not in ("human",) and not source.startswith("annotator:"):
        return [Doc(article, sources_mod.one_per_span(labels), source)]
    names = sorted({l["annotator"] or "" for l in labels}) or [None]
    return [Doc(article, sources_mod.one_per_span([l for l in labels if (l["annotator"] or "") == (n or "")]),
                source, n) for n in names]


def label_row(doc: Doc, label: dict) -> dict:
    """A label as a presslens JSONL/CSV record."""
    row = {k: label.get(k) for k in JSONL_FIELDS}
    row.update(annotation_id=label["id"], content_hash=doc.article["content_hash"], outlet=doc.article["outlet"])
    return row


def to_jsonl(docs: list[Doc]) -> str:
    """presslens JSONL: one label per line (see module docstring)."""
    return "".join(json.dumps(label_row(d, l), ensure_ascii=False) + "\n" for d in docs for l in d.labels)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A spreadsheet-safe cell: text starting like a formula gets a leading apostrophe.

    Comments, speakers, outlet names and usernames are user input; opened in Excel or
    LibreOffice a cell such as `=HYPERLINK(...)` would run (CSV injection). The JSONL export
    keeps every value exact; CSV is for spreadsheets, so it is neutralised there.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(docs: list[Doc]) -> str:
    """presslens CSV: the JSONL columns with a header row (formula-like text neutralised)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=JSONL_FIELDS, lineterminator="\n")
    writer.writeheader()
    for d in docs:
        for l in d.labels:
            writer.writerow({k: csv_cell(v) for k, v in label_row(d, l).items()})
    return buf.getvalue()


def to_doccano(docs: list[Doc]) -> str:
    """doccano sequence-labeling JSONL: {"text", "label": [[start, end, label]], ...meta}."""
    lines = []
    for d in docs:
        lines.append(json.dumps({
            "text": d.article["text"], "label": [[l["start"], l["end"], l["label"]] for l in d.labels],
            "article_id": d.article["id"], "outlet": d.article["outlet"], "title": d.article["title"],
            "source": _flat_source(d), "annotator": d.annotator,
        }, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def to_spacy_json(docs: list[Doc]) -> str:
    """spaCy span-categorisation JSONL: {"text", "spans": {"sc": [[start, end, label]]}, "meta"}."""
    return "".join(json.dumps({
        "text": d.article["text"], "spans": {"sc": [[l["start"], l["end"], l["label"]] for l in d.labels]},
        "meta": {"article_id": d.article["id"], "outlet": d.article["outlet"], "source": _flat_source(d),
                 "annotator": d.annotator},
    }, ensure_ascii=False) + "\n" for d in docs)


def to_docbin(docs: list[Doc], lang: str = "fr") -> bytes:
    """A spaCy DocBin (.spacy) with labels in `doc.spans["sc"]`.

    Tokenised with spacy.blank(lang); spans snap outwards to token borders
    (`alignment_mode="expand"`), so a span may grow by the rest of a partially covered token.
    """
    from spacy.tokens import DocBin  # heavy import, only for this format

    nlp = _blank(lang)
    bin_ = DocBin(store_user_data=True)
    for d in docs:
        doc = nlp.make_doc(d.article["text"])
        spans = [doc.char_span(l["start"], l["end"], label=l["label"], alignment_mode="expand")
                 for l in d.labels]
        doc.spans["sc"] = [s for s in spans if s is not None]
        doc.user_data["article_id"] = d.article["id"]
        doc.user_data["source"], doc.user_data["annotator"] = _flat_source(d), d.annotator or ""
        bin_.add(doc)
    return bin_.to_bytes()


def _flat_source(doc: Doc) -> str:
    """The source of a flat record: gold, human (with `annotator`) or the suggestions' sources."""
    if doc.source == "suggestions":
        return "+".join(sorted({l["source"] for l in doc.labels})) or "suggestions"
    return "human" if doc.source.startswith("annotator:") else doc.source


@functools.lru_cache(maxsize=4)
def _blank(lang: str):
    """A tokenizer-only spaCy pipeline, built once per language (building one takes seconds)."""
    import spacy

    return spacy.blank(lang)


def export(db: sqlite_utils.Database, fmt: str, *, project_id: int | None = None,
           article_ids: Iterable[str] | None = None, source: str | None = None,
           utf16: bool = False) -> str | bytes:
    """Export labels in `fmt` (one of FORMATS) from `source` (annotate.exchange.sources; default:
    all for the formats that keep sources apart, auto for doccano/spaCy); str for text formats,
    bytes for spacy-docbin."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    docs = gather(db, project_id=project_id, article_ids=article_ids, source=source or FORMATS[fmt][1],
                  flat=fmt in FLAT)
    if fmt == "labelstudio":
        from annotate.exchange.export_ls import to_labelstudio
        return json.dumps(to_labelstudio(docs, utf16=utf16), ensure_ascii=False, indent=1)
    if fmt == "w3c":
        from annotate.exchange.export_w3c import to_w3c
        links = _alignments(db, docs)
        return json.dumps(to_w3c(docs, links), ensure_ascii=False, indent=1)
    writers = {"jsonl": to_jsonl, "csv": to_csv, "doccano": to_doccano, "spacy": to_spacy_json,
               "spacy-docbin": to_docbin}
    return writers[fmt](docs)


def _alignments(db: sqlite_utils.Database, docs: list[Doc]) -> list[dict]:
    """Alignments of the latest run of each story whose two passages are both exported."""
    ids = {d.article["id"] for d in docs}
    stories = {s for aid in ids for s in aligned.stories_of_article(db, aid)}
    out = []
    for story_id in sorted(stories):
        run_id = aligned.latest_run_id(db, story_id)
        if run_id is not None:
            out.extend(a for a in aligned.run_alignments(db, run_id)
                       if a["a_article"] in ids and a["b_article"] in ids)
    return out
