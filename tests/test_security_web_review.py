"""Security review findings, each pinned by a test: open redirect through control characters,
login timing, sessions surviving a password reset, blind-mode leaks through propagated
suggestions, shared-suggestion history and the dashboard's gold figures, and a project curator
pulling in stories they cannot read."""
from __future__ import annotations

import pytest

from annotate.campaign import workflow as campaign
from annotate.campaign import propagate
from annotate.labels import store as labels_store
from tests.factories import make_article, make_story
from tests.web_support import (  # noqa: F401
    PASSWORD,
    add_user,
    app,
    appdb,
    as_user,
    client,
    csrf,
    login,
    world,
)
from web import auth_store

# ------------------------------------------------------------------------------ redirects

def _browser_view(location: str) -> str:
    """What a browser makes of a Location value: the URL parser drops tab, CR and LF."""
    return location.replace("\t", "").replace("\r", "").replace("\n", "")


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/",
                                    "/ /evil.example/", "/\x00/evil.example/", "/%09/evil.example/"])
def test_login_next_with_control_characters_stays_on_site(client, appdb, target):
    add_user(appdb, "alice", "annotator")
    token = csrf(client)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token,
                                           "next": target})
    assert response.status_code == 302
    location = _browser_view(response.headers["Location"])
    assert location.startswith("/") and not location.startswith("//"), location


def test_locale_switch_next_cannot_redirect_off_site(client, appdb):
    token = csrf(client)
    response = client.post("/locale", data={"locale": "fr", "csrf_token": token, "next": "/\t/evil.example/"})
    assert response.status_code == 302
    assert not _browser_view(response.headers["Location"]).startswith("//")


def test_a_same_site_next_is_still_followed(client, appdb):
    add_user(appdb, "alice", "annotator")
    token = csrf(client)
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token,
                                           "next": "/projects?x=1"})
    assert response.headers["Location"].endswith("/projects?x=1")


# ------------------------------------------------------------------------------ login timing

@pytest.fixture
def hash_calls(monkeypatch):
    """Count the password hashing work each login does (the real functions still run)."""
    calls = {"check": 0, "generate": 0}
    real_check, real_generate = auth_store.check_password_hash, auth_store.generate_password_hash

    def check(*args, **kw):
        calls["check"] += 1
        return real_check(*args, **kw)

    def generate(*args, **kw):
        calls["generate"] += 1
        return real_generate(*args, **kw)

    monkeypatch.setattr(auth_store, "check_password_hash", check)
    monkeypatch.setattr(auth_store, "generate_password_hash", generate)
    return calls


def test_unknown_inactive_and_known_users_cost_the_same_hashing(appdb, hash_calls):
    """One hash check, no hash generation, whoever is asked: timing does not tell which names exist."""
    auth_store.create_user(appdb, "known", "annotator", password=PASSWORD)
    auth_store.create_user(appdb, "gone", "annotator", password=PASSWORD)
    appdb.execute("UPDATE users SET active = 0 WHERE username = 'gone'")
    auth_store.check_password(appdb, "warmup", "x")  # the dummy hash may be built once per process
    for name in ("known", "nobody", "gone"):
        hash_calls.update(check=0, generate=0)
        assert auth_store.check_password(appdb, name, "wrong-password-1") is None
        assert hash_calls == {"check": 1, "generate": 0}, name
    assert auth_store.check_password(appdb, "gone", PASSWORD) is None


# ------------------------------------------------------------------------------ sessions

def test_password_reset_ends_the_users_other_sessions(app, world):
    student = as_user(app.test_client(), "annotator")
    assert student.get("/api/me").status_code == 200
    curator = as_user(app.test_client(), "curator")
    response = curator.client.post("/admin/users/annotator/password", data={"csrf_token": curator.token})
    assert response.status_code == 200
    assert student.get("/api/me").status_code == 401
    assert curator.get("/api/me").status_code == 200


def test_password_change_from_the_cli_layer_ends_live_sessions(app, world, appdb):
    student = as_user(app.test_client(), "annotator")
    auth_store.set_password(appdb, "annotator", "a-brand-new-password")
    assert student.get("/api/me").status_code == 401
    again = app.test_client()
    assert login(again, "annotator", "a-brand-new-password").status_code == 302
    assert again.get("/api/me").status_code == 200


def test_deactivated_user_loses_a_live_session_and_cannot_log_in(app, world, appdb):
    student = as_user(app.test_client(), "annotator")
    appdb.execute("UPDATE users SET active = 0 WHERE username = 'annotator'")
    assert student.get("/api/me").status_code == 401
    assert login(app.test_client(), "annotator").status_code == 401


# ------------------------------------------------------------------------------ blind projects

@pytest.fixture
def propagated(world, appdb):
    """A blind project where `annotator` labelled a passage and propagated it to the aligned one."""
    labels_store.update_project(appdb, world["project"], blind=True)
    origin = labels_store.add_label(appdb, world["pa"][1]["id"], "quotation", annotator_id=world["users"]["annotator"],
                                    project_id=world["project"], speaker_text="le ministre")
    created = propagate.propagate_label(appdb, origin["id"])
    assert created, "the aligned passage should get a propagated suggestion"
    return created[0]


def test_blind_peer_never_reaches_a_suggestion_propagated_from_someone_elses_label(app, world, propagated):
    peer = as_user(app.test_client(), "annotator2")
    p, sid = world["project"], propagated["id"]
    queue = peer.get(f"/api/projects/{p}/queue").get_json()["queue"]
    assert all(item["id"] != sid for item in queue)
    assert "le ministre" not in peer.get(f"/projects/{p}/queue").get_data(as_text=True)
    assert peer.get(f"/api/projects/{p}/labels/{sid}/history").status_code == 404
    assert peer.post(f"/api/projects/{p}/suggestions/{sid}/accept", {}).status_code == 404
    owner = as_user(app.test_client(), "annotator")
    assert owner.get(f"/api/projects/{p}/labels/{sid}/history").status_code == 200
    curator = as_user(app.test_client(), "curator")
    assert any(item["id"] == sid for item in curator.get(f"/api/projects/{p}/queue").get_json()["queue"])


def test_history_of_a_shared_suggestion_shows_only_this_projects_and_own_decisions(app, world, appdb):
    suggestion = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", source="model", prob=0.6)
    labels_store.add_member(appdb, world["other_project"], world["users"]["outsider"], "annotator")
    story_b = make_story(appdb, [world["a"]], title="A again")
    labels_store.add_story(appdb, world["other_project"], story_b)
    labels_store.set_status(appdb, suggestion["id"], "reject", user_id=world["users"]["outsider"],
                            project_id=world["other_project"])
    labels_store.update_project(appdb, world["project"], blind=True)
    labels_store.set_status(appdb, suggestion["id"], "accept", user_id=world["users"]["annotator2"],
                            project_id=world["project"], label="quotation")
    annotator = as_user(app.test_client(), "annotator")
    rows = annotator.get(f"/api/projects/{world['project']}/labels/{suggestion['id']}/history").get_json()["history"]
    assert rows, "the suggestion's own creation is still shown"
    assert all(r["project_id"] in (world["project"], None) for r in rows)
    assert all(r["user_id"] in (world["users"]["annotator"], None) for r in rows)
    curator = as_user(app.test_client(), "curator")
    rows = curator.get(f"/api/projects/{world['project']}/labels/{suggestion['id']}/history").get_json()["history"]
    assert any(r["user_id"] == world["users"]["annotator2"] for r in rows)
    assert all(r["project_id"] in (world["project"], None) for r in rows)


def test_blind_annotator_dashboard_never_shows_the_gold_key(app, world, appdb):
    """Class mode: the key (gold) must not reach students before the teacher reveals it."""
    labels_store.update_project(appdb, world["project"], blind=True)
    campaign.adjudicate(appdb, world["project"], world["pa"][1]["id"], decided_by=world["users"]["curator"],
                        label="quotation")
    student = as_user(app.test_client(), "annotator2")
    body = student.get(f"/api/projects/{world['project']}/dashboard").get_json()
    assert body["source"] != "gold"
    assert all(not counts for _, counts in body["shares"])
    curator = as_user(app.test_client(), "curator")
    assert curator.get(f"/api/projects/{world['project']}/dashboard").get_json()["source"] == "gold"


# ------------------------------------------------------------------------------ project stories

def test_project_curator_cannot_attach_a_story_they_cannot_read(app, world, appdb):
    """A student made curator of a project must not pull any story of the install into it."""
    labels_store.add_member(appdb, world["other_project"], world["users"]["annotator"], "curator")
    hidden = make_story(appdb, [make_article(appdb, "Un texte secret.\n", "Secret", title="Secret title",
                                             passages="lines")], title="Secret story")
    student = as_user(app.test_client(), "annotator")
    other = world["other_project"]
    page = student.get(f"/projects/{other}").get_data(as_text=True)
    assert "Secret story" not in page and "Secret title" not in page
    assert student.post(f"/api/projects/{other}/stories", {"story_id": hidden}).status_code == 404
    form = student.client.post(f"/projects/{other}/stories", data={"story_id": hidden, "csrf_token": student.token})
    assert form.status_code == 404
    assert hidden not in [s["id"] for s in labels_store.list_stories(appdb, other)]
    assert student.post(f"/api/projects/{other}/stories", {"story_id": world["story"]}).status_code == 201
    admin = as_user(app.test_client(), "admin")
    assert admin.post(f"/api/projects/{other}/stories", {"story_id": hidden}).status_code == 201


# ------------------------------------------------------------------------------ baseline (regression)

PUBLIC = {"/", "/login", "/logout", "/locale", "/favicon.ico", "/static/<path:filename>",  # locale: login page too
          "/s/<token>", "/s/<token>/report"}  # read-only share links: the signed token is the access check


def test_every_route_but_login_and_static_requires_a_session(app, world):
    """Enumerate the URL map: anonymous callers (with a valid CSRF token) get 401 / the login page."""
    from tests.test_security_web import _fill

    client = app.test_client()
    token = csrf(client)
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC:
            continue
        url = _fill(rule.rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, headers={"X-CSRFToken": token},
                                   **({"json": {}} if rule.rule.startswith("/api/") else {"data": {"csrf_token": token}}))
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
            checked += 1
    assert checked >= 60


def test_security_headers_on_errors_static_files_and_crashes(app, client):
    @app.get("/api/_crash")
    def _crash_api():
        raise RuntimeError("secret detail /etc/presslens")

    @app.get("/_crash")
    def _crash_page():
        raise RuntimeError("secret detail /etc/presslens")

    for url, status in (("/static/common.js", 200), ("/nope", 404), ("/api/nope", 404), ("/_crash", 500),
                        ("/api/_crash", 500), ("/logout", 405)):
        response = client.get(url)
        assert response.status_code == status, url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "same-origin", url
        body = response.get_data(as_text=True)
        assert "secret detail" not in body and "Traceback" not in body, url


def test_x_forwarded_for_does_not_reset_the_login_throttle(client, appdb):
    add_user(appdb, "kim", "annotator")
    for i in range(5):
        token = csrf(client)
        assert client.post("/login", data={"username": "kim", "password": "bad-password-1", "csrf_token": token},
                           headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code == 401
    token = csrf(client)
    response = client.post("/login", data={"username": "kim", "password": PASSWORD, "csrf_token": token},
                           headers={"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "198.51.100.9"})
    assert response.status_code == 429


def test_unknown_user_and_wrong_password_get_the_same_answer(client, appdb):
    add_user(appdb, "lee", "annotator")
    answers = []
    for name in ("lee", "no-such-user"):
        token = csrf(client)
        response = client.post("/login", data={"username": name, "password": "bad-password-1", "csrf_token": token})
        answers.append((response.status_code, _without_csrf_token(response.get_data(as_text=True).replace(name, "NAME"))))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401 and 'value="TOKEN"' in answers[0][1]


def _without_csrf_token(page: str) -> str:
    """The login page with its CSRF token blanked: the token carries a timestamp, so it differs by design."""
    import re

    tokens = set(re.findall(r'name="csrf[-_]token" (?:value|content)="([^"]+)"', page))
    for token in tokens:
        page = page.replace(token, "TOKEN")
    return page


def test_resetting_your_own_password_keeps_this_session_but_ends_the_others(app, world):
    elsewhere = as_user(app.test_client(), "admin")
    here = as_user(app.test_client(), "admin")
    assert here.client.post("/admin/users/admin/password", data={"csrf_token": here.token}).status_code == 200
    assert here.get("/api/me").status_code == 200
    assert elsewhere.get("/api/me").status_code == 401


def test_project_viewer_cannot_export_adjudicate_or_write(app, world):
    viewer = as_user(app.test_client(), "viewer")
    p, pid = world["project"], world["pa"][0]["id"]
    for url in (f"/api/projects/{p}/export/jsonl", f"/projects/{p}/export/doccano", f"/api/projects/{p}/disagreements",
                f"/api/projects/{p}/gold", f"/projects/{p}/curate"):
        assert viewer.get(url).status_code == 403, url
    assert viewer.post(f"/api/projects/{p}/labels", {"passage_id": pid, "label": "quotation"}).status_code == 403
    assert viewer.post(f"/api/projects/{p}/gold", {"passage_id": pid, "label": "quotation"}).status_code == 403
    assert viewer.get(f"/api/projects/{p}/dashboard").status_code == 200


def test_diff_of_passages_from_a_story_the_user_cannot_read_is_404(app, world):
    a, b = world["pa"][0]["id"], world["pb"][0]["id"]
    outsider = as_user(app.test_client(), "outsider")
    assert outsider.get(f"/api/diff?a={a}&b={b}").status_code == 404
    assert outsider.get(f"/api/diff?a={a}&b={b}&project={world['other_project']}").status_code == 404
    member = as_user(app.test_client(), "annotator")
    assert member.get(f"/api/diff?a={a}&b={b}").status_code == 200
