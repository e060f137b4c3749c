"""Prepare articles for storage in bulk: language, passages and title, on every core, then one write.

Preparing an article (language detection, segmentation, title) is pure CPU and independent of
the others, so large batches are prepared in a process pool while the parent writes the
previous batch. A batch is written in one transaction with one savepoint per article: a failing
article rolls back alone (nothing half-stored), the others are kept, and the database sees one
commit per batch instead of one per article.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from corpus import lang as langmod
from corpus.models import ArticleInput, Passage
from corpus.segment import segment

BATCH = 64          # articles per transaction: commits stop dominating well before this (bench/ingest.py)
POOL_MIN = 2 * BATCH  # below this many articles a pool costs more to start than it saves
TITLE_MAX = 200


@dataclass
class Prepared:
    """An article with its language, title and passages set, or the reason it could not be."""
    item: ArticleInput
    passages: list[Passage]
    error: str | None = None


def workers() -> int:
    """Processes for preparing articles: env PRESSLENS_WORKERS, else the usable cores."""
    wanted = os.environ.get("PRESSLENS_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def prepare(item: ArticleInput) -> Prepared:
    """Language (metadata, else detected), passages and title of one article; never raises."""
    try:
        item.lang = langmod.normalise(item.lang) or langmod.detect(item.text)
        passages = segment(item.text, item.lang)
        item.title = item.title or guess_title(item.text, passages)
        return Prepared(item, passages)
    except Exception as exc:  # hostile text must not take the batch down: it becomes an error row
        return Prepared(item, [], f"{type(exc).__name__}: {exc}")


def guess_title(text: str, passages: list) -> str | None:
    """The first content heading of three words or more, else the first short non-empty line."""
    for passage in passages:
        if passage.kind == "heading" and passage.content and len(passage.text.split()) >= 3:
            return passage.text
    for line in text.splitlines():
        if line.strip() and len(line.strip()) <= TITLE_MAX:
            return line.strip()
    return None


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepared_batches(items: Iterable, size: int | None = None, pool_size: int | None = None,
                     pool_min: int | None = None) -> Iterator[list]:
    """Lists of (Prepared or the item itself when it is not an ArticleInput), in input order.

    `items` mixes ArticleInput (prepared) and anything else (an error row, passed through in
    place). Once `pool_min` items are seen and more than one worker is allowed, the next batch is
    prepared in a process pool while the caller stores the current one.
    """
    size, pool_min = size or BATCH, pool_min or POOL_MIN  # read at call time (tests shrink them)
    items = iter(items)
    head = list(itertools.islice(items, pool_min))
    n_workers = workers() if pool_size is None else pool_size
    if n_workers < 2 or len(head) < pool_min:
        for chunk in _chunks(itertools.chain(head, items), size):
            yield [prepare(x) if isinstance(x, ArticleInput) else x for x in chunk]
        return
    # forkserver, not fork: the caller may hold threads (a web server, an encoder's thread pool)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
        pending = None
        for chunk in _chunks(itertools.chain(head, items), size):
            submitted = _submit(pool, chunk)
            if pending is not None:
                yield _collect(pending)
            pending = submitted
        if pending is not None:
            yield _collect(pending)


def _submit(pool: Executor, chunk: list) -> list:
    articles = [x for x in chunk if isinstance(x, ArticleInput)]
    step = max(1, len(articles) // 8)  # a few tasks per batch keep both workers busy
    futures = [pool.submit(_prepare_many, articles[i:i + step]) for i in range(0, len(articles), step)]
    return [chunk, futures]


def _collect(pending: list) -> list:
    chunk, futures = pending
    done = iter([p for f in futures for p in f.result()])
    return [next(done) if isinstance(x, ArticleInput) else x for x in chunk]


def _prepare_many(items: list[ArticleInput]) -> list[Prepared]:
    return [prepare(item) for item in items]
