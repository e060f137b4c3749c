"""Adding one article in the browser: sources, metadata, bad input, roles, CSRF.

Bad input gets one clear message on the page (naming the field), and nothing is stored: no
article, no job. Storing (segmentation) and analysis run in the background (tests/test_web_jobs.py).
"""
from __future__ import annotations

import io

import pytest

from tests.web_support import app, appdb, as_user, client, csrf, world  # noqa: F401
from web import job_store

ARTICLE = ("Briefcam : la police utilise le logiciel depuis 2015\n"
           "Par Jeanne Martin, publié le 15 novembre 2023 à 9h12\n\n"
           "Le ministère de l'Intérieur a acheté le logiciel Briefcam en 2015, selon Disclose.\n\n"
           "« Nous n'avons rien à cacher », a déclaré le ministre mardi.\n")


def post_article(client, path="/articles/new", **form):
    token = csrf(client, "/articles/new")
    data = {"csrf_token": token, "step": "add", "story": "auto", **form}
    return client.post(path, data=data, content_type="multipart/form-data")


def counts(db) -> tuple[int, int]:
    return db.table("articles").count, db.table("jobs").count


def test_pasted_text_with_its_fields_is_queued_and_no_request_waits(client, world, appdb):
    as_user(client, "curator")
    response = post_article(client, text=ARTICLE, title="Briefcam et la police", outlet="Le Petit Journal",
                            published_at="2023-11-15", lang="fr")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = job_store.list_jobs(appdb)[0]
    draft = job["payload"]["draft"]
    assert (draft["title"], draft["outlet"], draft["published_at"], draft["lang"], draft["text"]) == \
        ("Briefcam et la police", "Le Petit Journal", "2023-11-15", "fr", ARTICLE)
    assert (job["kind"], job["status"], job["payload"]["story"]) == ("analyse_article", "queued", "auto")
    assert counts(appdb) == (2, 1)  # the worker segments and stores it, not the request
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<progress id="job-progress" max="100" value="0"' in page and "waiting" in page
    assert "Briefcam et la police" in page


def test_reading_an_html_file_prefills_title_and_date_before_adding(client, world, appdb):
    as_user(client, "curator")
    html = ("<html><head><title>Briefcam: the police and the software</title>"
            "<meta property='article:published_time' content='2023-11-14'></head><body><article>"
            "<h1>Briefcam: the police and the software</h1><p>" + "The ministry bought the software in 2015. " * 5
            + "</p><p>" + "Privacy groups asked for an audit of every contract. " * 4 + "</p></article></body></html>")
    token = csrf(client, "/articles/new")
    response = client.post("/articles/new", content_type="multipart/form-data", data={
        "csrf_token": token, "step": "preview", "story": "auto",
        "file": (io.BytesIO(html.encode()), "page.html")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Briefcam: the police and the software"' in page
    assert 'value="2023-11-14"' in page and "The ministry bought the software in 2015." in page
    assert counts(appdb) == (2, 0)  # reading stores nothing


def test_reading_a_text_file_prefills_its_headline_and_language(client, world, appdb):
    as_user(client, "curator")
    token = csrf(client, "/articles/new")
    response = client.post("/articles/new", content_type="multipart/form-data", data={
        "csrf_token": token, "step": "preview", "story": "auto",
        "file": (io.BytesIO(ARTICLE.encode()), "briefcam.txt")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Briefcam : la police utilise le logiciel depuis 2015"' in page
    assert '<option value="fr" selected>' in page
    assert counts(appdb) == (2, 0)


@pytest.mark.parametrize("form, field, message", [
    ({"text": ""}, "text", "nothing to add"),
    ({"text": "   \n\t  "}, "text", "nothing to add"),
    ({"file": (io.BytesIO(bytes(range(256)) * 40), "photo.txt")}, "file", "binary content"),
    ({"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(500)), "photo.png")}, "file", "unsupported file type .png"),
    ({"url": "http://127.0.0.1:9/article"}, "url", "private, loopback or link-local"),
    ({"url": "http://10.0.0.7/article"}, "url", "private, loopback or link-local"),
    ({"url": "file:///etc/passwd"}, "url", "only http:// and https://"),
    ({"text": ARTICLE, "title": "<script>alert(1)</script>"}, "title", "HTML tags are not allowed"),
    ({"text": ARTICLE, "published_at": "15/11/2023"}, "published_at", "YYYY-MM-DD"),
    ({"text": ARTICLE, "url": "https://example.org/a"}, "url", "one source at a time"),
    ({"text": ARTICLE, "story": "99999"}, "story", "not a story you can pick"),
])
def test_bad_input_gets_one_clear_message_and_stores_nothing(client, world, appdb, form, field, message):
    as_user(client, "curator")
    before = counts(appdb)
    response = post_article(client, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-field="{field}"' in page and message in page
    assert "<script>alert(1)</script>" not in page  # shown escaped, never executed
    assert counts(appdb) == before


def test_a_30_mb_file_is_refused_with_a_clear_message(client, world, appdb):
    as_user(client, "curator")
    before = counts(appdb)
    response = post_article(client, file=(io.BytesIO(b"a" * 30_000_000), "huge.txt"))
    assert response.status_code == 413 and "upload too large" in response.get_data(as_text=True)
    assert counts(appdb) == before


def test_only_curators_add_articles_and_csrf_is_required(client, world, appdb):
    as_user(client, "annotator")
    assert client.get("/articles/new").status_code == 403
    assert post_article(client, text=ARTICLE).status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client, "/stories")})
    as_user(client, "curator")
    response = client.post("/articles/new", data={"text": ARTICLE, "step": "add"})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert counts(appdb) == (2, 0)
