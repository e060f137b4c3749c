"""One article from the browser: an uploaded file, pasted text or a URL, with its metadata.

`read_draft` turns exactly one of the three into a `Draft` (text plus what the reader found:
title, outlet, date, language) without storing anything; `store_draft` stores it through
`corpus.ingest` (segmentation, cleaning, content-hash id) in one transaction. Every refusal is
an `UploadError` naming the field, so the page can show one clear message and keep the form.
URLs go through corpus.fetch's SSRF guard (private addresses refused unless configured).
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from corpus import lang as langmod
from corpus import readers
from corpus.batch import guess_title
from corpus.errors import Invalid
from corpus.fetch import FetchError, fetch
from corpus.ingest import ingest
from corpus.models import ArticleInput, IngestError

FILE_SUFFIXES = (".txt", ".md", ".html", ".htm")
FIELD_MAX = {"title": 300, "outlet": 120, "author": 200}
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGS = ("", "en", "fr", "de", "es", "it", "pt", "nl")


class UploadError(Invalid):
    """Bad upload input: `field` says which form field the message is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field


@dataclass
class Draft:
    """An article read but not stored: the text and the metadata the reader found or the user gave."""
    text: str
    source: str
    title: str = ""
    outlet: str = ""
    published_at: str = ""
    lang: str = ""
    url: str = ""
    author: str = ""


def read_draft(file, text: str, url: str, *, allow_private: bool, max_bytes: int) -> Draft:
    """Exactly one source: `file` (werkzeug FileStorage or None), pasted `text`, or `url`."""
    given = [name for name, value in (("file", file and file.filename), ("text", text.strip()), ("url", url.strip()))
             if value]
    if not given:
        raise UploadError("text", "nothing to add: choose a file, paste the article's text, or give its URL")
    if len(given) > 1:
        raise UploadError(given[1], f"give one source at a time (got {' and '.join(given)})")
    if given == ["file"]:
        return _from_file(file, max_bytes)
    if given == ["url"]:
        return _from_url(url.strip(), allow_private, max_bytes)
    return Draft(text=text, source="pasted text")


def _from_file(file, max_bytes: int) -> Draft:
    name = Path(file.filename).name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise UploadError("file", f"{name}: unsupported file type {suffix or '(none)'}; "
                                  f"use {', '.join(FILE_SUFFIXES)} (batches of JSON/CSV: Import / export)")
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError("file", f"{name}: over the {max_bytes / 1e6:g} MB limit")
    return _first_article(readers.read_bytes(name, data, suffix), "file", name)


def _from_url(url: str, allow_private: bool, max_bytes: int) -> Draft:
    if not url.startswith(("http://", "https://")):
        raise UploadError("url", f"{url}: only http:// and https:// addresses can be fetched")
    try:
        page = fetch(url, allow_private=allow_private, max_bytes=max_bytes)
    except FetchError as exc:
        # the CLI's "--allow-private" hint means nothing in a browser
        raise UploadError("url", f"{url}: " + str(exc).replace(" (use --allow-private)", "")) from None
    suffix = ".txt" if page.content_type.startswith("text/plain") else ".html"
    draft = _first_article(readers.read_bytes(url, page.body, suffix), "url", url)
    draft.url = draft.url or page.url
    return draft


def _first_article(items, field: str, name: str) -> Draft:
    for item in items:
        if isinstance(item, IngestError):
            raise UploadError(field, str(item))
        return _draft_of(item, name)
    raise UploadError(field, f"{name}: no article text found")


def _draft_of(item: ArticleInput, name: str) -> Draft:
    """The reader's findings, plus what ingest would decide anyway (a title from the first short
    line, the detected language), so the form shows them for checking before the article is added."""
    lang = langmod.normalise(item.lang) or langmod.detect(item.text)
    return Draft(text=item.text, source=name, title=item.title or guess_title(item.text, []) or "",
                 outlet=item.outlet or "", published_at=(item.published_at or "")[:10],
                 lang=lang if lang in LANGS else "", url=item.url or "", author=item.author or "")


def apply_fields(draft: Draft, form) -> Draft:
    """The user's title / outlet / date / language win over what the reader found (checked)."""
    for key in ("title", "outlet", "author"):
        value = " ".join((form.get(key) or "").split())
        if value:
            if len(value) > FIELD_MAX[key]:
                raise UploadError(key, f"{key}: at most {FIELD_MAX[key]} characters (got {len(value)})")
            if TAG.search(value):
                raise UploadError(key, f"{key}: HTML tags are not allowed ({TAG.search(value).group(0)!r})")
            setattr(draft, key, value)
    day = (form.get("published_at") or "").strip()
    if day:
        if not DAY.match(day) or not _valid_day(day):
            raise UploadError("published_at", f"date: {day!r} is not a date of the form YYYY-MM-DD")
        draft.published_at = day
    lang = (form.get("lang") or "").strip().lower()
    if lang not in LANGS:
        raise UploadError("lang", f"language: {lang!r} is not one of {', '.join(l for l in LANGS if l)}")
    draft.lang = lang or draft.lang
    if not draft.text.strip():
        raise UploadError("text", "text: empty; paste the article's text")
    return draft


def _valid_day(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def store_draft(db, draft: Draft) -> tuple[str, bool]:
    """Store the draft as one article (segmented and cleaned by corpus.ingest); (id, newly added)."""
    row = {k: v for k, v in asdict(draft).items() if v and k != "source"}
    row["text"] = draft.text
    tmp = Path(tempfile.mkdtemp(prefix="presslens-draft-"))
    try:
        path = tmp / "upload.jsonl"
        path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        report = ingest(db, [str(path)], outlet=draft.outlet or Path(draft.source).stem or "pasted text")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if report.errors:
        raise UploadError("text", report.errors[0].message)
    ids = report.article_ids
    return ids[0], bool(report.added)
