"""Background analysis with huey (real SqliteHuey, queue file beside the database, consumer
threads in this process): a job joins a story, aligns it and suggests labels; its status
survives a restart (a new app on the same files re-queues what was lost); a failed job shows
its error and keeps the article. Waiting is by polling the job row, with a generous deadline.
"""
from __future__ import annotations

import io
import re
import time

import pytest

from compare import store as compare_store
from corpus import store as corpus_store
from tests.conftest import FakeEncoder
from tests.factories import make_article
from tests.web_support import ARTICLE_A, ARTICLE_B, app, appdb, as_user, client, world  # noqa: F401
from web import create_app, job_store
from web.jobs import get_queue, queue_path, start_worker

DEADLINE_S = 120  # a generous ceiling, not a speed goal: the first job loads the NLP models


@pytest.fixture
def encoder_app(app):
    app.config["ENCODER"] = FakeEncoder()
    yield app
    queue = app.extensions.get("presslens_jobs")
    if queue is not None:
        queue.stop()


def wait_for(db, job_id: int) -> dict:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        job = job_store.get_job(db, job_id)
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job_store.get_job(db, job_id)['status']} after {DEADLINE_S}s")


def variant_of_a() -> str:
    return ARTICLE_A.replace("secrètement", "en secret") + "Le contrat a été renouvelé en 2020.\n"


def submit_variant(app, appdb, story="auto") -> tuple[str, int]:
    article = make_article(appdb, variant_of_a(), "Le Petit Journal", title="Reconnaissance faciale, suite",
                           passages="lines")
    with app.test_request_context():
        from web import jobs

        job_id = jobs.submit(appdb, "analyse_article", user_id=None, article_id=article, payload={"story": story})
    return article, job_id


def test_an_uploaded_article_joins_the_nearest_story_and_is_aligned(encoder_app, appdb, world, client):
    article, job_id = submit_variant(encoder_app, appdb)
    start_worker(encoder_app)
    job = wait_for(appdb, job_id)
    assert job["status"] == "done", job["error"]
    assert job["result"]["how"] == "joined" and job["result"]["story_id"] == world["story"]
    assert job["result"]["score"] >= 0.65 and job["result"]["alignments"] >= 1
    assert article in compare_store.get_story(appdb, world["story"])["article_ids"]
    as_user(client, "curator")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "joins: Reconnaissance faciale" in page and f'href="/stories/{world["story"]}"' in page


def test_a_pasted_draft_is_segmented_stored_and_joined_by_the_worker(encoder_app, appdb, world):
    text = ("Reconnaissance faciale : le ministère s'explique\n"
            "Par Jeanne Martin, publié le 15 novembre 2023 à 9h12\n\n" + variant_of_a())
    draft = {"text": text, "source": "pasted text", "title": "Reconnaissance faciale, le ministère", "outlet": "Le Petit Journal",
             "published_at": "2023-11-15", "lang": "fr", "url": "", "author": ""}
    with encoder_app.test_request_context():
        from web import jobs

        job_id = jobs.submit(appdb, "analyse_article", user_id=None, payload={"story": "auto", "draft": draft})
    start_worker(encoder_app)
    job = wait_for(appdb, job_id)
    assert job["status"] == "done", job["error"]
    article = corpus_store.get_article(appdb, job["article_id"], with_text=False)
    assert (article["title"], article["outlet"], article["published_at"], article["lang"]) == \
        ("Reconnaissance faciale, le ministère", "Le Petit Journal", "2023-11-15", "fr")
    byline = next(p for p in corpus_store.get_passages(appdb, job["article_id"]) if p["text"].startswith("Par Jeanne"))
    assert (byline["kind"], byline["content"]) == ("byline", 0)
    assert job["result"]["how"] == "joined", job["result"]["nearest"]


def test_a_restart_loses_no_job_queued_or_interrupted(tmp_path, appdb, world, encoder_app):
    other = make_article(appdb, ARTICLE_B + "Une ligne de plus.\n", "Autre", title="Une dérive (bis)", passages="lines")
    with encoder_app.test_request_context():
        from web import jobs

        interrupted = jobs.submit(appdb, "analyse_article", user_id=None, article_id=other, payload={"story": "new"})
    get_queue(encoder_app).huey.dequeue()  # the worker took this task, then the server died mid-job
    job_store.update_job(appdb, interrupted, status="running", progress=50, step="aligning the story")
    queued_article, queued = submit_variant(encoder_app, appdb)  # still in huey's queue at "shutdown"
    assert get_queue(encoder_app).pending_ids() == {queued}
    restarted = create_app({**encoder_app.config, "INSTANCE_PATH": encoder_app.instance_path})
    queue = start_worker(restarted)
    try:
        done = [wait_for(appdb, j) for j in (queued, interrupted)]
    finally:
        queue.stop()
    assert [j["status"] for j in done] == ["done", "done"], [j["error"] for j in done]
    assert corpus_store.get_article(appdb, queued_article, with_text=False) is not None
    assert done[1]["result"]["how"] == "new"
    assert queue_path(encoder_app.config["DATABASE"]).endswith(".db.jobs")


def test_a_failed_job_shows_its_error_and_keeps_the_article(encoder_app, appdb, world, client):
    article, job_id = submit_variant(encoder_app, appdb, story=987654)  # a story that does not exist
    start_worker(encoder_app)
    job = wait_for(appdb, job_id)
    assert job["status"] == "failed" and "no story 987654" in job["error"]
    assert corpus_store.get_article(appdb, article, with_text=False) is not None
    as_user(client, "curator")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'role="alert"' in page and "no story 987654" in page and "Analyse again" in page
    body = client.get(f"/api/jobs/{job_id}").get_json()
    assert body["job"]["status"] == "failed" and body["job"]["error"]


def test_a_joined_article_can_be_moved_to_a_new_story(encoder_app, appdb, world, client):
    article, job_id = submit_variant(encoder_app, appdb)
    start_worker(encoder_app)
    assert wait_for(appdb, job_id)["result"]["story_id"] == world["story"]
    as_user(client, "curator")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="move-article"' in page
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(f"/jobs/{job_id}/move", data={"csrf_token": token, "story": "new"})
    assert response.status_code == 302
    moved = wait_for(appdb, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert moved["status"] == "done" and moved["result"]["how"] == "new"
    assert article not in compare_store.get_story(appdb, world["story"])["article_ids"]
    assert compare_store.get_story(appdb, moved["result"]["story_id"])["article_ids"] == [article]
    assert client.post(f"/jobs/{job_id}/move", data={"csrf_token": token, "story": "nope"}).status_code == 400


@pytest.mark.slow  # the suggestion step loads spaCy's French model
def test_api_upload_with_analysis_queues_one_job_that_aligns_the_new_articles(encoder_app, appdb, world, client):
    api = as_user(client, "curator")
    a = "La mairie ferme la piscine municipale pour travaux.\nLes nageurs sont déçus.\n"
    b = "La mairie ferme la piscine municipale pour travaux cet été.\nUn scandale selon nous.\n"
    response = api.call("POST", "/api/articles", content_type="multipart/form-data", data={
        "analyze": "1", "files": [(io.BytesIO(a.encode()), "a.txt"), (io.BytesIO(b.encode()), "b.txt")]})
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["job"]["status"] == "queued"
    assert "analysis" not in body  # nothing was analysed inside the request
    start_worker(encoder_app)
    job = wait_for(appdb, body["job"]["id"])
    assert job["status"] == "done", job["error"]
    assert job["result"]["articles"] == 2 and job["result"]["alignments"] >= 1
    followed = client.get(body["job"]["api"]).get_json()["job"]
    assert followed["status"] == "done" and followed["story_url"]
    page = client.get(body["job"]["page"]).get_data(as_text=True)
    assert "2 articles analys" in page


def test_api_analyze_answers_202_with_a_job_and_runs_it_in_the_worker(encoder_app, appdb, world, client):
    api = as_user(client, "admin")
    ids = [row["id"] for row in appdb.query("SELECT id FROM articles ORDER BY id")]
    response = api.post("/api/analyze", {"article_ids": ids + ids[:1]})  # a repeated id counts once
    assert response.status_code == 202
    queued = response.get_json()["job"]
    stored = job_store.get_job(appdb, queued["id"])
    assert stored["kind"] == "analyse_batch" and stored["payload"]["article_ids"] == ids
    start_worker(encoder_app)
    job = wait_for(appdb, queued["id"])
    assert job["status"] == "done", job["error"]
    assert job["result"]["articles"] == 2 and job["result"]["how"] == "batch"
    assert client.get(queued["api"]).get_json()["job"]["status"] == "done"


def test_api_analyze_refuses_unknown_ids_before_queueing_anything(app, appdb, world, client):
    api = as_user(client, "curator")
    known = appdb.query("SELECT id FROM articles LIMIT 1").__next__()["id"]
    response = api.post("/api/analyze", {"article_ids": [known, "0000000000000000"]})
    assert response.status_code == 404 and "0000000000000000" in response.get_json()["error"]
    assert appdb["jobs"].count == 0
