"""Uploads (articles, annotations), size limits, exports and their file names."""
from __future__ import annotations

import io
import json

from annotate.labels import store as labels_store
from tests.web_support import app, appdb, as_user, client, world  # noqa: F401


def _upload(api, files, **form):
    data = {**form, "files": [(io.BytesIO(body), name) for name, body in files]}
    return api.call("POST", "/api/articles", data=data, content_type="multipart/form-data")


def test_curator_uploads_text_and_jsonl_articles(client, world, appdb):
    api = as_user(client, "curator")
    jsonl = json.dumps({"text": "Un article en JSONL.\nDeuxième ligne.", "outlet": "Le Flux", "title": "JSONL"})
    response = _upload(api, [("note.txt", "Texte importé.\nSecond paragraphe.\n".encode()),
                             ("batch.jsonl", (jsonl + "\n").encode())], outlet="")
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] is True and len(body["added"]) == 2
    titles = {a["title"] for a in appdb.query("SELECT title FROM articles")}
    assert "JSONL" in titles


def test_upload_errors_name_the_file_and_line(client, world):
    api = as_user(client, "curator")
    response = _upload(api, [("bad.jsonl", b'{"text": "ok"}\n{not json}\n')])
    body = response.get_json()
    assert response.status_code == 400 and body["ok"] is False
    assert body["errors"][0]["line"] == 2 and body["errors"][0]["file"].endswith("bad.jsonl")
    assert len(body["added"]) == 1  # the valid line is kept
    unsupported = _upload(api, [("x.exe", b"MZ")])
    assert unsupported.status_code == 400 and "unsupported file type" in unsupported.get_json()["error"]
    assert _upload(api, []).status_code == 400


def test_oversized_upload_is_a_clean_413(client, world):
    api = as_user(client, "curator")
    response = _upload(api, [("big.txt", b"a" * (300 * 1024))])
    assert response.status_code == 413
    assert response.get_json() == {"ok": False, "error": "upload too large: the limit is 262 kB", "status": 413}
    token = api.token
    page = client.post("/io/articles", data={"csrf_token": token, "files": (io.BytesIO(b"a" * 300 * 1024), "b.txt")},
                       content_type="multipart/form-data")
    assert page.status_code == 413 and page.mimetype == "text/html"


def test_url_ingest_keeps_the_ssrf_guard(client, world):
    api = as_user(client, "curator")
    response = _upload(api, [], url="http://127.0.0.1:1/secret")
    body = response.get_json()
    assert response.status_code == 400 and body["added"] == []
    assert "127.0.0.1" in body["errors"][0]["message"] or "private" in body["errors"][0]["message"].lower()
    assert _upload(api, [], url="file:///etc/passwd").status_code == 400


def test_annotators_cannot_upload(client, world):
    api = as_user(client, "annotator")
    assert _upload(api, [("x.txt", b"Texte.\n")]).status_code == 403


def test_export_every_format_with_safe_file_names(client, world, appdb):
    labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    labels_store.update_project(appdb, world["project"], name="../../etc/pass wd")
    as_user(client, "curator")
    for fmt in ("jsonl", "csv", "labelstudio", "doccano", "spacy", "spacy-docbin", "w3c"):
        response = client.get(f"/api/projects/{world['project']}/export/{fmt}")
        assert response.status_code == 200, fmt
        disposition = response.headers["Content-Disposition"]
        assert "/" not in disposition and ".." not in disposition.split("filename=")[1], disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    jsonl = client.get(f"/projects/{world['project']}/export/jsonl").get_data(as_text=True)
    assert json.loads(jsonl.splitlines()[0])["label"] == "sourced_fact"
    assert client.get(f"/api/projects/{world['project']}/export/exe").status_code == 404


def test_export_is_for_curators_only(client, world):
    as_user(client, "annotator")
    assert client.get(f"/api/projects/{world['project']}/export/jsonl").status_code == 403


def test_import_annotations_reports_bad_lines_and_keeps_good_ones(client, world, appdb):
    api = as_user(client, "curator")
    p = world["pa"][0]
    good = {"article_id": world["a"], "start": p["start"], "end": p["end"], "label": "sourced_fact", "text": p["text"]}
    bad = {"article_id": world["a"], "start": p["start"], "end": p["end"], "label": "nope"}
    raw = (json.dumps(good) + "\n" + json.dumps(bad) + "\n").encode()
    response = api.call("POST", f"/api/projects/{world['project']}/import",
                        data={"format": "jsonl", "file": (io.BytesIO(raw), "labels.jsonl")},
                        content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 400 and body["saved"] == 1 and body["errors"][0]["line"] == 2
    assert "nope" in body["errors"][0]["message"]
    assert len(labels_store.list_labels(appdb, project_id=world["project"], sources=("human",),
                                        with_suggestions=False)) == 1
    wrong = api.call("POST", f"/api/projects/{world['project']}/import",
                     data={"format": "xml", "file": (io.BytesIO(raw), "l.xml")}, content_type="multipart/form-data")
    assert wrong.status_code == 400
