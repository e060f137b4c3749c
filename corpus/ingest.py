"""Ingest files, directories and URLs into the corpus: read, segment, store, report.

A batch never stops on a bad input: every bad file or row becomes an IngestError
(`file:line: message`) in the report and every valid article is stored, each in its own
transaction. Re-ingesting the same text adds nothing (content-hash ids) and says so.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from corpus import readers, store
from corpus.batch import Prepared, guess_title, prepared_batches
from corpus.fetch import FetchError, fetch
from corpus.models import ArticleInput, IngestError, IngestReport

DEFAULT_MAX_BYTES = int(os.environ.get("PRESSLENS_MAX_BYTES", 20_000_000))
# One article longer than this is reported instead of stored. The default matches the file limit
# (a giant single-line article is still stored whole, tests/test_reliability_fuzz_ingest.py);
# lower it where memory is tight.
DEFAULT_MAX_ARTICLE_CHARS = int(os.environ.get("PRESSLENS_MAX_ARTICLE_CHARS", "20000000"))
MANIFEST = "manifest.json"
PROGRESS_MIN_SOURCES = 50  # below this, a progress bar only appears on a terminal
__all__ = ["BatchReport", "guess_title", "ingest"]


@dataclass
class BatchReport(IngestReport):
    """IngestReport plus one entry per article seen (id, source, status, passages) for the CLI."""
    items: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = super().as_dict()
        data["counts"] = {"added": len(self.added), "already_present": len(self.skipped),
                          "errors": len(self.errors), "passages": sum(i["passages"] for i in self.items)}
        data["items"] = self.items
        return data

    @property
    def article_ids(self) -> list[str]:
        """Ids of every article of the batch, added or already present, in input order."""
        return list(dict.fromkeys(item["id"] for item in self.items))


@dataclass
class Source:
    name: str           # what errors name: the path as given (or the URL)
    path: Path | None   # None for URLs
    manifest: dict = field(default_factory=dict)


def ingest(db: sqlite_utils.Database, inputs: list[str], outlet: str | None = None,
           allow_private: bool = False, progress: bool = False,
           max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int | None = None) -> BatchReport:
    """Ingest every file, directory (recursively) and http(s) URL in `inputs`; see module doc."""
    report = BatchReport()
    sources = list(_expand(inputs, report))
    bar = _progress_bar(len(sources), progress)
    limits = (max_bytes, max_chars or DEFAULT_MAX_ARTICLE_CHARS)
    for batch in prepared_batches(_items(sources, outlet, allow_private, limits, bar)):
        with store.batched_search_index(db):  # one commit per batch; each article is its own savepoint
            for entry in batch:
                if isinstance(entry, IngestError):
                    report.errors.append(entry)
                else:
                    _store(db, entry, report)
        if bar is not None:  # one big JSONL is one file: show the article count moving too
            bar.set_postfix(articles=len(report.items), errors=len(report.errors))
    if bar is not None:
        bar.close()
    return report


def _items(sources: list[Source], outlet: str | None, allow_private: bool, limits: tuple[int, int],
           bar) -> Iterator[ArticleInput | IngestError]:
    """Articles with their metadata completed (manifest, outlet), and errors, in input order."""
    max_bytes, max_chars = limits
    for source in sources:
        for item in _read(source, allow_private, max_bytes):
            if isinstance(item, ArticleInput) and len(item.text) > max_chars:
                item = IngestError(source.name, item.line, f"article is {len(item.text):,} characters, over the "
                                   f"{max_chars:,} limit (PRESSLENS_MAX_ARTICLE_CHARS)")
            if isinstance(item, ArticleInput):
                _complete(item, source, outlet)
            yield item
        if bar is not None:
            bar.update(1)


def _progress_bar(total: int, wanted: bool):
    """A tqdm bar on stderr, only for a terminal or a long batch (logs stay clean otherwise)."""
    if not wanted or not (sys.stderr.isatty() or total >= PROGRESS_MIN_SOURCES):
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="ingest", unit="file", file=sys.stderr, leave=False)


def _expand(inputs: list[str], report: IngestReport) -> Iterator[Source]:
    """Sources for URLs, files and the supported files under directories (manifest.json aside)."""
    manifests: dict[Path, dict] = {}
    for given in inputs:
        if "://" in given or given.lower().startswith(("file:", "data:")):
            yield Source(given, None)
            continue
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p, path))
            if not files:
                report.errors.append(IngestError(given, None, "no .txt, .md, .html, .jsonl, .json or .csv files in this directory"))
            for file in files:
                yield Source(str(file), file, _manifest_entry(file, manifests, report))
        elif path.is_file():
            yield Source(given, path, _manifest_entry(path, manifests, report))
        else:
            report.errors.append(IngestError(given, None, "no such file or directory"))


def _wanted(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.name != MANIFEST and readers.suffix_of(path) in readers.SUFFIXES


def _manifest_entry(path: Path, cache: dict[Path, dict], report: IngestReport) -> dict:
    """Metadata for `path` from a manifest.json beside it ({file name: {outlet, title, ...}})."""
    folder = path.parent
    if folder not in cache:
        cache[folder] = _load_manifest(folder / MANIFEST, report)
    entry = cache[folder].get(path.name, {})
    return entry if isinstance(entry, dict) else {}


def _load_manifest(path: Path, report: IngestReport) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        report.errors.append(IngestError(str(path), None, f"unreadable manifest: {exc}"))
        return {}
    except json.JSONDecodeError as exc:
        report.errors.append(IngestError(str(path), exc.lineno, f"invalid JSON in manifest: {exc.msg}"))
        return {}
    if not isinstance(data, dict):
        report.errors.append(IngestError(str(path), 1, "a manifest maps file names to metadata objects"))
        return {}
    return data


def _read(source: Source, allow_private: bool, max_bytes: int) -> Iterator[readers.Item]:
    if source.path is None:
        yield from _read_url(source.name, allow_private, max_bytes)
        return
    suffix = readers.suffix_of(source.path)
    if suffix not in readers.SUFFIXES:
        yield IngestError(source.name, None, f"unsupported file type {suffix or '(no suffix)'}; "
                          "expected .txt, .md, .html, .jsonl, .json or .csv")
        return
    try:
        size = source.path.stat().st_size
        if size > max_bytes:
            yield IngestError(source.name, None, f"file is {size / 1e6:.1f} MB, over the "
                              f"{max_bytes / 1e6:g} MB limit (raise it with --max-size)")
            return
        data = source.path.read_bytes()
    except OSError as exc:
        yield IngestError(source.name, None, f"cannot read: {exc.strerror or exc}")
        return
    # Errors name the path as given (unambiguous in a directory tree); articles keep the base name.
    for item in readers.read_bytes(source.name, data, suffix):
        if isinstance(item, ArticleInput):
            item.source_id = source.path.name if item.source_id == source.name else item.source_id
            item.source_file = source.path.name
        yield item


def _read_url(url: str, allow_private: bool, max_bytes: int) -> Iterator[readers.Item]:
    try:
        page = fetch(url, allow_private=allow_private, max_bytes=max_bytes)
    except FetchError as exc:
        yield IngestError(url, None, str(exc))
        return
    suffix = ".txt" if page.content_type.startswith("text/plain") else ".html"
    for item in readers.read_bytes(url, page.body, suffix):
        if isinstance(item, ArticleInput):
            item.url = item.url or page.url
            item.source_file = Path(urlsplit(page.url).path).name or urlsplit(page.url).hostname or url
        yield item


def _complete(item: ArticleInput, source: Source, outlet: str | None) -> None:
    """Manifest metadata, outlet (metadata, URL's site, --outlet, file stem) and where it came from."""
    _apply_manifest(item, source.manifest)
    item.outlet = item.outlet or _domain(item.url) or outlet or _stem(item.source_file)
    item.source_name = source.name


def _store(db: sqlite_utils.Database, prepared: Prepared, report: BatchReport) -> None:
    """Save one prepared article; any failure becomes an IngestError and rolls back that article."""
    item, passages = prepared.item, prepared.passages
    try:
        if prepared.error:
            raise ValueError(prepared.error)
        domain = _domain(item.url)
        # The outlet's domain is only known when the outlet *is* the URL's site.
        outlet_domain = domain if item.outlet == domain else None
        article_id, added = store.save_article(db, item, passages, outlet_domain=outlet_domain)
    except Exception as exc:  # one article's failure must not abort the batch; its savepoint rolled back
        message = prepared.error or f"{type(exc).__name__}: {exc}"
        report.errors.append(IngestError(item.source_name, item.line, f"not stored: {message}"))
        return
    (report.added if added else report.skipped).append(article_id)
    if not added:  # report what is stored, not the metadata this (ignored) copy came with
        stored = store.get_article(db, article_id, with_text=False) or {}
        item.outlet, item.lang = stored.get("outlet", item.outlet), stored.get("lang", item.lang)
    report.items.append({"id": article_id, "source": item.source_name, "line": item.line, "title": item.title,
                         "outlet": item.outlet, "lang": item.lang, "passages": len(passages),
                         "status": "added" if added else "already present"})


def _apply_manifest(item: ArticleInput, entry: dict) -> None:
    for key in ("outlet", "title", "url", "author", "published_at", "lang"):
        if isinstance(entry.get(key), str) and entry[key].strip():
            setattr(item, key, entry[key])


def _domain(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host[4:] if host and host.startswith("www.") else host


def _stem(name: str) -> str:
    base = Path(name).name
    return base.split(".")[0] or base
