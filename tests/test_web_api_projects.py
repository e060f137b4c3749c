"""Projects and accounts through the JSON API, with their role boundaries and bad input."""
from __future__ import annotations

from annotate.labels import store as labels_store
from tests.web_support import app, appdb, as_user, client, world  # noqa: F401
from web import auth_store


def test_curator_creates_project_with_custom_scheme_and_manages_it(client, world, appdb):
    api = as_user(client, "curator")
    scheme = [{"name": "claim", "title": "Claim", "color": "#112233", "key": "c"}]
    created = api.post("/api/projects", {"name": "Fact-check", "scheme": scheme, "blind": True})
    assert created.status_code == 201
    pid = created.get_json()["project"]["id"]
    assert api.post(f"/api/projects/{pid}/stories", {"story_id": world["story"]}).status_code == 201
    assert api.post(f"/api/projects/{pid}/members", {"user_id": world["users"]["annotator"]}).status_code == 201
    detail = api.get(f"/api/projects/{pid}").get_json()
    assert detail["project"]["labels"][0]["name"] == "claim" and detail["my_role"] == "curator"
    assert [s["id"] for s in detail["stories"]] == [world["story"]]
    assigned = api.post(f"/api/projects/{pid}/assign").get_json()
    assert assigned["added"] == 6
    assert api.delete(f"/api/projects/{pid}/members/{world['users']['annotator']}").status_code == 200
    assert labels_store.member_role(appdb, pid, world["users"]["annotator"]) is None
    assert api.delete(f"/api/projects/{pid}/stories/{world['story']}").status_code == 200


def test_project_api_bad_input(client, world):
    api = as_user(client, "curator")
    assert api.post("/api/projects", {"name": ""}).status_code == 400
    bad_scheme = api.post("/api/projects", {"name": "x", "scheme": [{"name": "Bad Name"}]})
    assert bad_scheme.status_code == 400 and "Bad Name" in bad_scheme.get_json()["error"]
    assert api.post(f"/api/projects/{world['project']}/stories", {"story_id": "1"}).status_code == 400
    assert api.post(f"/api/projects/{world['project']}/stories", {"story_id": 999}).status_code == 404
    assert api.post(f"/api/projects/{world['project']}/members", {"user_id": 999}).status_code == 404
    wrong_role = api.post(f"/api/projects/{world['project']}/members", {"user_id": world["users"]["viewer"],
                                                                         "role": "boss"})
    assert wrong_role.status_code == 400
    assert api.get("/api/projects/999").status_code == 404


def test_annotator_and_outsider_boundaries_on_projects(client, world):
    api = as_user(client, "annotator")
    assert [p["id"] for p in api.get("/api/projects").get_json()["projects"]] == [world["project"]]
    assert api.post("/api/projects", {"name": "x"}).status_code == 403
    assert api.post(f"/api/projects/{world['project']}/stories", {"story_id": world["story"]}).status_code == 403
    assert api.post(f"/api/projects/{world['project']}/assign").status_code == 403
    assert api.get(f"/api/projects/{world['other_project']}").status_code == 404
    assert api.get("/api/users").status_code == 403


def test_users_api_creates_accounts_and_classes(client, world, appdb):
    api = as_user(client, "curator")
    created = api.post("/api/users", {"username": "eleve", "role": "annotator", "display_name": "Élève"})
    body = created.get_json()
    assert created.status_code == 201 and auth_store.check_password(appdb, "eleve", body["password"]) is not None
    assert api.post("/api/users", {"username": "chef", "role": "admin"}).status_code == 403
    assert api.post("/api/users", {"username": "eleve", "role": "annotator"}).status_code == 400
    batch = api.post("/api/users/import", {"csv": "s1,Un,annotator\ns2,Deux,viewer\n"}).get_json()
    assert [c["username"] for c in batch["created"]] == ["s1", "s2"]
    names = [u["username"] for u in api.get("/api/users").get_json()["users"]]
    assert "s1" in names and all("password" not in u for u in api.get("/api/users").get_json()["users"])
