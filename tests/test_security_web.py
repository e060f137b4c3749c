"""Security cases across the whole web app (complements the per-view tests in test_web_*):
stored and reflected XSS through every text field, CSRF on every state-changing route, IDOR
across projects and in blind mode, path traversal in names, SSRF and oversized bodies."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from annotate.labels import store as labels_store
from tests.factories import make_article, make_story
from tests.web_support import Api, add_user, app, appdb, as_user, client, login, world  # noqa: F401

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '"><svg onload=alert(3)>',
            "</textarea><script>alert(4)</script>", "{{7*7}}<b>bold</b>")
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload", "<b>bold</b>")
ROOT = Path(__file__).resolve().parent.parent


def _hostile(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture
def hostile(world, appdb):
    """Hostile text in every field a user or an article controls, all inside the world project."""
    text = "\n".join(f"Ligne {i} {p} fin." for i, p in enumerate(PAYLOADS))
    article = make_article(appdb, text, _hostile(1), title=_hostile(0), passages="lines")
    story = make_story(appdb, [article, world["a"]], title=_hostile(2))
    labels_store.add_story(appdb, world["project"], story)
    labels_store.update_project(appdb, world["project"], name="Projet " + _hostile(0), description=_hostile(1))
    labels_store.set_scheme(appdb, world["project"], [
        {"name": "sourced_fact", "title": _hostile(0), "color": "#2b8a3e", "key": "1", "description": _hostile(2)},
        {"name": "quotation", "title": _hostile(1), "color": "#1864ab", "key": "2", "description": _hostile(3)},
        {"name": "editorial_framing", "title": _hostile(4), "color": "#c92a2a", "key": "3", "description": "x"},
    ])
    appdb.table("users").update(world["users"]["annotator"], {"display_name": _hostile(1)})
    appdb.table("users").update(world["users"]["annotator2"], {"display_name": _hostile(0)})
    passages = labels_store.project_passages(appdb, world["project"])
    mine = [p for p in passages if p["article_id"] == article]
    for user, label in (("annotator", "quotation"), ("annotator2", "sourced_fact")):
        labels_store.add_label(appdb, mine[0]["id"], label, annotator_id=world["users"][user],
                               project_id=world["project"], speaker_text=_hostile(3), comment=_hostile(0))
    return {"article": article, "story": story}


def test_hostile_text_in_every_field_renders_inert_on_every_page(app, world, hostile):
    api = as_user(app.test_client(), "admin")
    p, s, a = world["project"], hostile["story"], hostile["article"]
    pages = ["/", "/stories", f"/stories/{s}?project={p}", f"/stories/{s}", "/projects", f"/projects/{p}",
             f"/projects/{p}/articles/{a}/annotate", f"/projects/{p}/curate?all=1", f"/projects/{p}/dashboard",
             f"/projects/{p}/queue", "/admin/users", "/classes", "/io", f"/labels.css?project={p}"]
    for url in pages:
        response = api.client.get(url, follow_redirects=True)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        for marker in RAW_MARKERS:
            assert marker not in body, (url, marker)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in api.client.get(f"/projects/{p}/curate?all=1").get_data(as_text=True)


def test_api_answers_with_hostile_text_are_json_never_html(app, world, hostile):
    api = as_user(app.test_client(), "admin")
    p = world["project"]
    for url in (f"/api/projects/{p}/articles/{hostile['article']}/labels", f"/api/stories/{hostile['story']}?project={p}",
                "/api/stories", f"/api/projects/{p}/disagreements?all=1", f"/api/projects/{p}/dashboard"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/json", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "/projects/{p}/articles/<script>alert(1)<%2Fscript>/annotate",
    "/projects/{p}/articles/%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E/annotate",
    "/stories/{s}?articles=<script>alert(1)</script>",
    "/login?next=<script>alert(1)</script>",
])
def test_reflected_input_in_error_pages_and_forms_is_escaped(app, world, path):
    api = as_user(app.test_client(), "admin")
    response = api.client.get(path.format(p=world["project"], s=world["story"]))
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body


def test_static_javascript_builds_the_dom_without_html_sinks():
    """Article text reaches the page through JS too: no innerHTML-style sink anywhere."""
    sinks = re.compile(r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(")
    for js in (ROOT / "web" / "static").glob("*.js"):
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js.read_text(encoding="utf-8"), flags=re.S)
        assert not sinks.search(code), js.name


def test_templates_never_switch_autoescape_off():
    for template in (ROOT / "web" / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, template.name


# ------------------------------------------------------------------------------------------ CSRF

def _fill(rule: str, world) -> str:
    values = {"project_id": world["project"], "annotation_id": 1, "story_id": world["story"], "exercise_id": 1,
              "user_id": world["users"]["annotator"], "username": "annotator", "flag": "publish",
              "action": "accept", "fmt": "jsonl", "article_id": world["a"], "filename": "x",
              "job_id": 1, "share_id": 1, "token": "no-such-token"}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


def _state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            yield method, rule.rule


def test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token(app, world):
    client = app.test_client()
    as_user(client, "admin")
    routes = list(_state_changing_routes(app))
    assert len(routes) >= 20  # the enumeration found the app's routes
    for method, rule in routes:
        url = _fill(rule, world)
        for headers, data in (({}, {}), ({"X-CSRFToken": "forged"}, {"csrf_token": "forged"})):
            if rule.startswith("/api/"):
                response = client.open(url, method=method, json={}, headers=headers)
            else:
                response = client.open(url, method=method, data=data, headers=headers)
            assert response.status_code in (400, 403), (method, url, response.status_code)
            if rule.startswith("/api/"):
                assert response.get_json()["ok"] is False


def test_a_token_from_another_session_is_refused(app, world):
    mallory = as_user(app.test_client(), "outsider")
    victim = as_user(app.test_client(), "annotator")
    response = victim.client.post(f"/api/projects/{world['project']}/labels",
                                  json={"passage_id": world["pa"][0]["id"], "label": "quotation"},
                                  headers={"X-CSRFToken": mallory.token})
    assert response.status_code == 400
    assert victim.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"] == []


# ------------------------------------------------------------------------------------------ IDOR

def test_outsider_reaches_nothing_of_a_project_they_are_not_in(app, world, appdb):
    label = labels_store.add_label(appdb, world["pa"][0]["id"], "quotation", annotator_id=world["users"]["annotator"],
                                   project_id=world["project"])
    outsider = as_user(app.test_client(), "outsider")
    p, a = world["project"], world["a"]
    for url in (f"/projects/{p}", f"/projects/{p}/articles/{a}/annotate", f"/projects/{p}/curate",
                f"/projects/{p}/dashboard", f"/projects/{p}/queue", f"/projects/{p}/export/jsonl",
                f"/api/projects/{p}/articles/{a}/labels", f"/api/projects/{p}/labels/{label['id']}/history",
                f"/api/projects/{p}/queue", f"/api/projects/{p}/gold", f"/api/projects/{p}/dashboard",
                f"/api/projects/{p}/export/jsonl", f"/api/stories/{world['story']}", f"/stories/{world['story']}"):
        assert outsider.get(url).status_code in (403, 404), url
    writes = [("PATCH", f"/api/projects/{p}/labels/{label['id']}", {"expected_version": 1, "label": "sourced_fact"}),
              ("DELETE", f"/api/projects/{p}/labels/{label['id']}", {"expected_version": 1}),
              ("POST", f"/api/projects/{p}/labels", {"passage_id": world["pa"][0]["id"], "label": "quotation"}),
              ("POST", f"/api/projects/{p}/gold", {"passage_id": world["pa"][0]["id"], "label": "quotation"})]
    for method, url, payload in writes:
        assert outsider.call(method, url, payload).status_code in (403, 404), (method, url)
    assert labels_store.get_label(appdb, label["id"])["version"] == 1


def test_a_label_of_project_b_cannot_be_reached_through_project_a(app, world, appdb):
    """The annotator is a member of A only; B's label id is used with A's URL."""
    other = world["other_project"]
    story_b = make_story(appdb, [world["b"]], title="B only")
    labels_store.add_story(appdb, other, story_b)
    foreign = labels_store.add_label(appdb, world["pb"][0]["id"], "quotation", annotator_id=world["users"]["admin"],
                                     project_id=other)
    annotator = as_user(app.test_client(), "annotator")
    p = world["project"]
    assert annotator.patch(f"/api/projects/{p}/labels/{foreign['id']}",
                           {"expected_version": 1, "label": "sourced_fact"}).status_code == 404
    assert annotator.delete(f"/api/projects/{p}/labels/{foreign['id']}", {"expected_version": 1}).status_code == 404
    assert annotator.get(f"/api/projects/{p}/labels/{foreign['id']}/history").status_code == 404
    assert annotator.get(f"/api/projects/{other}/articles/{world['b']}/labels").status_code == 404
    assert labels_store.get_label(appdb, foreign["id"])["version"] == 1


def test_blind_project_hides_other_annotators_labels_from_every_door(app, world, appdb):
    labels_store.update_project(appdb, world["project"], blind=1)
    theirs = labels_store.add_label(appdb, world["pa"][0]["id"], "quotation", annotator_id=world["users"]["annotator"],
                                    project_id=world["project"], comment="secret reasoning")
    peer = as_user(app.test_client(), "annotator2")
    p = world["project"]
    listed = peer.get(f"/api/projects/{p}/articles/{world['a']}/labels").get_json()["labels"]
    assert all(l["id"] != theirs["id"] for l in listed)
    assert peer.get(f"/api/projects/{p}/labels/{theirs['id']}/history").status_code == 404
    assert peer.patch(f"/api/projects/{p}/labels/{theirs['id']}", {"expected_version": 1, "label": "sourced_fact"}) \
        .status_code in (403, 404)
    story = peer.get(f"/api/stories/{world['story']}?project={p}").get_json()
    assert "secret reasoning" not in str(story)
    for url in (f"/projects/{p}/articles/{world['a']}/annotate", f"/projects/{p}/dashboard", f"/stories/{world['story']}?project={p}"):
        response = peer.get(url)
        assert "secret reasoning" not in response.get_data(as_text=True), url
    assert peer.get(f"/api/projects/{p}/export/jsonl").status_code in (403, 404)
    assert peer.get(f"/api/projects/{p}/disagreements").status_code in (403, 404)


# ------------------------------------------------------------------------------------------ names and paths

def test_export_file_name_cannot_carry_a_path_or_header_injection(app, world, appdb):
    labels_store.update_project(appdb, world["project"], name='../../etc/passwd\r\nX-Evil: 1"; .bashrc')
    curator = as_user(app.test_client(), "curator")
    response = curator.get(f"/api/projects/{world['project']}/export/jsonl")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    name = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert "X-Evil" not in response.headers
    for fmt in ("..%2F..%2Fetc%2Fpasswd", "../jsonl", "jsonl%00.txt"):
        assert curator.get(f"/api/projects/{world['project']}/export/{fmt}").status_code == 404


def test_static_files_cannot_escape_the_static_folder(client):
    for url in ("/static/../web/__init__.py", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fpresslens"):
        assert client.get(url).status_code in (400, 404), url


def test_upload_file_names_never_become_paths(app, world, tmp_path):
    curator = as_user(app.test_client(), "curator")
    marker = f"presslens-traversal-{tmp_path.name}.txt"
    response = curator.client.post("/api/articles", headers={"X-CSRFToken": curator.token},
                                   content_type="multipart/form-data",
                                   data={"files": (io.BytesIO("Un article normal.".encode()), f"../../../tmp/{marker}")})
    assert response.status_code == 200, response.get_json()
    assert not Path("/tmp", marker).exists()


# ------------------------------------------------------------------------------------------ SSRF and size

@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:8000/", "http://10.0.0.7/",
                                 "http://0x7f000001/", "ftp://example.org/x"])
def test_web_url_ingest_refuses_internal_addresses(app, world, url):
    curator = as_user(app.test_client(), "curator")
    response = curator.client.post("/api/articles", headers={"X-CSRFToken": curator.token},
                                   content_type="multipart/form-data", data={"url": url})
    assert response.status_code == 400
    assert response.get_json()["ok"] is False and not response.get_json().get("added")


def test_web_url_ingest_refuses_a_redirect_to_an_internal_address(app, world, monkeypatch):
    import http.server
    import threading

    from corpus import fetch as fetchmod

    hits = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/iam")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real = fetchmod.resolve
    monkeypatch.setattr(fetchmod, "resolve", lambda h, p, a: "127.0.0.1" if h == "news.example" else real(h, p, a))
    try:
        curator = as_user(app.test_client(), "curator")
        response = curator.client.post("/api/articles", headers={"X-CSRFToken": curator.token},
                                       content_type="multipart/form-data",
                                       data={"url": f"http://news.example:{server.server_address[1]}/story"})
    finally:
        server.shutdown()
        server.server_close()
    assert hits == ["/story"]
    assert response.status_code == 400
    assert "refused" in response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("route", ["labels", "import"])
def test_oversized_api_bodies_are_refused_with_413(app, world, route):
    curator = as_user(app.test_client(), "curator")
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    p = world["project"]
    if route == "labels":
        response = curator.client.post(f"/api/projects/{p}/labels", data=big, content_type="application/json",
                                       headers={"X-CSRFToken": curator.token})
    else:
        response = curator.client.post(f"/api/projects/{p}/import", headers={"X-CSRFToken": curator.token},
                                       content_type="multipart/form-data",
                                       data={"format": "doccano", "file": (io.BytesIO(big), "big.jsonl")})
    assert response.status_code == 413
    assert response.get_json()["ok"] is False


def test_annotation_import_of_a_non_utf8_file_is_a_clear_400_not_a_crash(app, world):
    curator = as_user(app.test_client(), "curator")
    response = curator.client.post(f"/api/projects/{world['project']}/import", headers={"X-CSRFToken": curator.token},
                                   content_type="multipart/form-data",
                                   data={"format": "doccano", "file": (io.BytesIO(b'{"text": "caf\xe9"}\n'), "x.jsonl")})
    assert response.status_code == 400
    assert response.get_json()["ok"] is False and "500" not in str(response.get_json()["status"])
