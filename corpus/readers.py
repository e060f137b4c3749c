"""Readers for each input format: bytes in, ArticleInput (or IngestError) out, no database.

Each reader yields one item per article so a batch can store every valid row and report every
bad one as `file:line: message` (doccano's FileParseException, as a value rather than raised).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterator

from corpus.decode import DecodeError, decode
from corpus.models import ArticleInput, IngestError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ROW_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | ROW_SUFFIXES
META_FIELDS = ("id", "outlet", "title", "url", "author", "published_at", "lang")
Item = ArticleInput | IngestError


def read_bytes(name: str, data: bytes, suffix: str) -> Iterator[Item]:
    """Articles in one file's bytes, dispatched on its suffix."""
    try:
        text, _encoding = decode(data)
    except DecodeError as exc:
        yield IngestError(name, None, str(exc))
        return
    if suffix in TEXT_SUFFIXES:
        yield ArticleInput(text=text, source_file=name, source_id=name)
    elif suffix in HTML_SUFFIXES:
        yield html_article(text, name, name)
    elif suffix in (".jsonl", ".ndjson"):
        yield from read_jsonl(text, name)
    elif suffix == ".json":
        yield from read_json(text, name)
    elif suffix == ".csv":
        yield from read_csv(text, name)
    else:
        yield IngestError(name, None, f"unsupported file type {suffix or '(no suffix)'}")


def html_article(html: str, name: str, source_id: str, url: str | None = None, line: int | None = None) -> Item:
    """Main text and metadata of an HTML page (trafilatura); the page itself is kept in `html`."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_recall=True)
    if doc is None or not (doc.text or "").strip():
        return IngestError(name, line, "no article text found in the HTML")
    return ArticleInput(
        text=doc.text, source_file=name, source_id=source_id, outlet=doc.sitename or None,
        title=doc.title or None, url=url or doc.url or None, author=doc.author or None,
        published_at=doc.date or None, lang=doc.language or None, html=html, line=line,
    )


def from_row(row: object, name: str, line: int) -> Item:
    """One JSON/CSV record as an article: `text` or `html`, plus optional metadata fields."""
    if not isinstance(row, dict):
        return IngestError(name, line, f"expected an object with a 'text' field, got {type(row).__name__}")
    for key in (*META_FIELDS, "text", "html"):
        value = row.get(key)
        if value is not None and not isinstance(value, str) and not (key == "id" and isinstance(value, int)):
            return IngestError(name, line, f"field {key!r} must be a string, got {type(value).__name__}")
        if isinstance(value, str) and not _encodable(value):
            return IngestError(name, line, f"field {key!r} holds an unpaired surrogate (\\u{_surrogate(value):04x}), not valid Unicode")
    source_id = str(row["id"]) if row.get("id") not in (None, "") else name
    text, html = row.get("text"), row.get("html")
    if text and text.strip():
        item = ArticleInput(text=text, source_file=name, source_id=source_id, html=html, line=line)
    elif html and html.strip():
        item = html_article(html, name, source_id, url=row.get("url") or None, line=line)
        if isinstance(item, IngestError):
            return item
    else:
        return IngestError(name, line, "row has no 'text' or 'html' (or it is empty)")
    for key in ("outlet", "title", "url", "author", "published_at", "lang"):
        if row.get(key):
            setattr(item, key, row[key])
    return item


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _surrogate(value: str) -> int:
    return next(ord(ch) for ch in value if 0xD800 <= ord(ch) <= 0xDFFF)


def read_jsonl(text: str, name: str) -> Iterator[Item]:
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(name, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield from_row(row, name, number)


def read_json(text: str, name: str) -> Iterator[Item]:
    """A JSON document: one object, or a list of objects (each reported with its starting line)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        yield IngestError(name, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    if isinstance(document, dict):
        if _is_manifest(document):
            yield IngestError(name, None, "this is a manifest (metadata for the files beside it): ingest its directory")
            return
        yield from_row(document, name, 1)
    elif isinstance(document, list):
        for row, line in zip(document, _item_lines(text)):
            yield from_row(row, name, line)
    else:
        yield IngestError(name, 1, "expected a JSON object or a list of objects")


def _is_manifest(document: dict) -> bool:
    return "text" not in document and "html" not in document and bool(document) \
        and all(isinstance(v, dict) for v in document.values())


def _item_lines(text: str) -> list[int]:
    """1-based line where each element of a top-level JSON array starts."""
    decoder, lines = json.JSONDecoder(), []
    index = text.index("[") + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return lines
        lines.append(text.count("\n", 0, index) + 1)
        _value, index = decoder.raw_decode(text, index)


def read_csv(text: str, name: str) -> Iterator[Item]:
    """CSV with a header row; strict quoting so a broken quote is an error at its line."""
    csv.field_size_limit(100_000_000)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        yield IngestError(name, 1, f"bad CSV header: {exc}")
        return
    if "text" not in header and "html" not in header:
        yield IngestError(name, 1, "CSV header needs a 'text' or 'html' column")
        return
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield IngestError(name, start, f"bad CSV: {exc}")
            start = reader.line_num + 1
            continue
        if any(v.strip() for v in values):
            yield _csv_row(header, values, name, start)
        start = reader.line_num + 1


def _csv_row(header: list[str], values: list[str], name: str, line: int) -> Item:
    if len(values) != len(header):
        return IngestError(name, line, f"expected {len(header)} fields, got {len(values)}")
    return from_row(dict(zip(header, values)), name, line)


def suffix_of(path: str | Path) -> str:
    return Path(path).suffix.lower()
