"""Background analysis: huey with SQLite storage (a file beside the database), consumer threads
started by `serve` itself, so `make demo` stays one command and no request waits on analysis.

The `jobs` table (web.job_store) is the durable truth; huey only carries "run job N". A job
that a restart interrupted (status still queued/running, task no longer in huey's queue) is
queued again when the worker starts, and every step is idempotent (joining a story the article
is already in, re-aligning, replacing suggestions), so a job finishes or shows its error and the
article is never lost (it was stored before the job was queued).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import SqliteHuey
from huey.consumer import Consumer

from compare import joining
from compare import store as compare_store
from compare.pipeline import align_stories
from corpus import db as dbmod
from corpus import store as corpus_store
from web import job_store

log = logging.getLogger("presslens.jobs")
Progress = Callable[[int, str], None]
# Step names are keys: the job page shows them as "job.step.<name>" in the reader's language.
STEPS = ("queued", "requeued", "starting", "segmenting", "nearest", "joining", "aligning", "suggesting", "done", "failed")


class ThreadConsumer(Consumer):
    """huey's consumer, started from a thread of the web server: the process's signals belong to
    the server (waitress, Ctrl-C), so the consumer must not install handlers of its own."""

    def _set_signal_handlers(self) -> None:
        return None


def queue_path(db_path: str) -> str:
    """The huey SQLite file, beside the database (`presslens.db` -> `presslens.db.jobs`)."""
    return str(Path(db_path)) + ".jobs"


class JobQueue:
    """One app's queue: enqueue job ids; `start()` runs the consumer threads in this process."""

    def __init__(self, db_path: str, encoder=None) -> None:
        self.db_path, self.encoder = db_path, encoder
        self.huey = SqliteHuey(name="presslens", filename=queue_path(db_path), results=False, utc=True)
        self.consumer: ThreadConsumer | None = None
        self._task = self.huey.task(name="presslens.run_job")(self._run)

    def _run(self, job_id: int) -> None:
        run_job(self.db_path, job_id, self.encoder)

    def enqueue(self, job_id: int) -> None:
        self._task(job_id)

    def pending_ids(self) -> set[int]:
        return {task.args[0] for task in self.huey.pending() if task.args}

    def recover(self) -> list[int]:
        """Queue again the unfinished jobs whose task a restart lost; returns their ids."""
        db = dbmod.connect(self.db_path)
        try:
            lost = [j["id"] for j in job_store.list_jobs(db, statuses=job_store.ACTIVE, limit=1000)
                    if j["id"] not in self.pending_ids()]
            for job_id in reversed(lost):  # oldest first
                job_store.update_job(db, job_id, status="queued", step="requeued")
                self.enqueue(job_id)
        finally:
            db.conn.close()
        return lost

    def start(self, workers: int = 1) -> None:
        """Recover, then start the consumer threads (idempotent)."""
        if self.consumer is not None:
            return
        self.recover()
        # One worker: analyses are CPU-bound and share the encoder; they run one after another.
        self.consumer = ThreadConsumer(self.huey, workers=workers, worker_type="thread", periodic=False,
                                       check_worker_health=False, initial_delay=0.1, max_delay=1.0)
        self.consumer.start()

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None


_lock = threading.Lock()


def get_queue(app: Flask | None = None) -> JobQueue:
    """The app's JobQueue, created on first use (so apps that never queue make no queue file)."""
    app = app or current_app._get_current_object()
    with _lock:
        if "presslens_jobs" not in app.extensions:
            app.extensions["presslens_jobs"] = JobQueue(app.config["DATABASE"], app.config.get("ENCODER"))
    return app.extensions["presslens_jobs"]


def start_worker(app: Flask, workers: int = 1) -> JobQueue:
    """Start the in-process consumer (called by `serve` and by tests that run jobs)."""
    queue = get_queue(app)
    queue.start(workers)
    return queue


def submit(db, kind: str, *, user_id: int | None, article_id: str | None = None, story_id: int | None = None,
           payload: dict | None = None) -> int:
    """Record a job, then queue it; returns the job id."""
    job_id = job_store.create_job(db, kind, article_id=article_id, story_id=story_id, payload=payload,
                                  created_by=user_id)
    get_queue().enqueue(job_id)
    return job_id


# -- the work ------------------------------------------------------------------------------------

def run_job(db_path: str, job_id: int, encoder=None) -> None:
    """Run one job to `done` or `failed` (its error kept on the row); never raises."""
    db = dbmod.connect(db_path)
    try:
        job = job_store.get_job(db, job_id)
        if job is None or job["status"] in ("done", "failed"):
            return  # a duplicate delivery after recovery: already settled

        def progress(pct: int, step: str) -> None:
            job_store.update_job(db, job_id, status="running", progress=pct, step=step)

        progress(5, "starting")
        try:
            result = RUNNERS[job["kind"]](db, job, encoder or default_encoder(), progress)
        except Exception as exc:  # the error is the job's outcome, shown on its page
            log.exception("job %s failed", job_id)
            job_store.update_job(db, job_id, status="failed", step="failed", error=f"{type(exc).__name__}: {exc}")
            return
        job_store.update_job(db, job_id, status="done", progress=100, step="done", result=result,
                             story_id=result.get("story_id"))
    finally:
        db.conn.close()


def default_encoder():
    from compare.embed import get_encoder

    return get_encoder()


def analyse_article(db, job: dict, encoder, progress: Progress) -> dict:
    """Store the draft (segmentation, cleaning) unless stored already, join a story (nearest,
    new, or the one picked), align it, then suggest labels."""
    article_id, wanted = job["article_id"] or _store(db, job, progress), job["payload"].get("story", "auto")
    progress(15, "nearest")
    candidates = joining.nearest_stories(db, article_id, encoder)
    nearest = candidates[0] if candidates else None
    progress(35, "joining")
    story_id, how = _join(db, article_id, wanted, candidates, encoder.model_id)
    progress(50, "aligning")
    summary = align_stories(db, [story_id], encoder)[0]
    progress(80, "suggesting")
    suggest(db, [article_id], encoder)
    story = compare_store.get_story(db, story_id) or {}
    return {"story_id": story_id, "how": how, "alignments": len(summary["alignments"]),
            "story_title": story_title(db, story),
            "score": next((c.score for c in candidates if c.story_id == story_id), None),
            "measure": nearest.measure if nearest else None,
            "nearest": {"story_id": nearest.story_id, "score": nearest.score,
                        "title": story_title(db, compare_store.get_story(db, nearest.story_id) or {})}
            if nearest else None}


def _store(db, job: dict, progress: Progress) -> str:
    """The upload's text, kept in the job row until now, becomes an article (idempotent: the id
    is a content hash, so a re-run after a restart finds the same article)."""
    from web.uploads import Draft, store_draft

    progress(8, "segmenting")
    article_id, _added = store_draft(db, Draft(**job["payload"]["draft"]))
    job_store.update_job(db, job["id"], article_id=article_id)
    return article_id


def _join(db, article_id: str, wanted, candidates: list, model_id: str) -> tuple[int, str]:
    held = compare_store.story_ids_of(db, article_id)
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit()):
        compare_store.add_articles(db, int(wanted), [article_id])
        return int(wanted), "picked"
    chosen = joining.choose_story(candidates, model_id) if wanted == "auto" else None
    if chosen is not None:
        compare_store.add_articles(db, chosen.story_id, [article_id])
        return chosen.story_id, "joined"
    solo = [sid for sid in held if (compare_store.get_story(db, sid) or {}).get("article_ids") == [article_id]]
    if solo:  # a re-run after a restart: the new story (this article alone) was already made
        return solo[0], "new"
    article = corpus_store.get_article(db, article_id, with_text=False) or {}
    return compare_store.create_story(db, [article_id], article.get("title") or None), "new"


def realign_story(db, job: dict, encoder, progress: Progress) -> dict:
    """Re-align a story after its membership changed; suggest labels for articles that lack them."""
    progress(30, "aligning")
    summary = align_stories(db, [job["story_id"]], encoder)[0]
    new_ids = job["payload"].get("suggest", [])
    if new_ids:
        progress(75, "suggesting")
        suggest(db, new_ids, encoder)
    story = compare_store.get_story(db, job["story_id"]) or {}
    return {"story_id": job["story_id"], "how": "realigned", "alignments": len(summary["alignments"]),
            "story_title": story_title(db, story)}


def suggest(db, article_ids: list[str], encoder) -> None:
    """Machine label suggestions (annotate's public entry point)."""
    from annotate.suggest import run_suggestions

    run_suggestions(db, article_ids, encoder=encoder)


def story_title(db, story: dict) -> str:
    if story.get("title"):
        return story["title"]
    for aid in story.get("article_ids", []):
        art = corpus_store.get_article(db, aid, with_text=False)
        if art and art.get("title"):
            return art["title"]
    return f"story {story.get('id', '?')}"


def analyse_batch(db, job: dict, encoder, progress: Progress) -> dict:
    """The API's `POST /api/analyze` (and `POST /api/articles` with `analyze`): group the given
    articles into stories among themselves, align them and suggest labels, as `presslens analyze`
    does, but in the worker so that no request waits on the encoder."""
    from annotate.pipeline import analyze

    progress(20, "aligning")
    document = analyze(db, list(job["payload"]["article_ids"]), encoder)
    stories = [s.get("id") for s in document.get("stories", [])]
    return {"how": "batch", "articles": len(document.get("articles", [])),
            "alignments": len(document.get("alignments", [])), "stories": stories,
            "spans": len(document.get("spans", [])), "story_id": stories[0] if len(stories) == 1 else None}


RUNNERS = {"analyse_article": analyse_article, "realign_story": realign_story, "analyse_batch": analyse_batch}
