"""The labels JSON API: every endpoint, every role boundary, bad input and stale versions."""
from __future__ import annotations

from annotate.labels import store as labels_store
from tests.web_support import Api, add_user, app, appdb, as_user, client, world  # noqa: F401


def _label(api, world, **extra):
    payload = {"passage_id": world["pa"][0]["id"], "label": "sourced_fact", **extra}
    return api.post(f"/api/projects/{world['project']}/labels", payload)


def test_annotator_labels_a_span_by_code_point_offsets(client, world):
    api = as_user(client, "annotator")
    p = world["pa"][1]  # « Nous n'avons rien à cacher », a déclaré le ministre.
    start = p["start"] + p["text"].index("Nous")
    end = p["start"] + p["text"].index("»") + 1
    response = api.post(f"/api/projects/{world['project']}/labels",
                        {"article_id": world["a"], "start": start, "end": end, "label": "quotation",
                         "speaker_text": "le ministre", "comment": "citation directe"})
    assert response.status_code == 201, response.get_json()
    label = response.get_json()["label"]
    assert (label["passage_id"], label["start"], label["end"]) == (p["id"], start, end)
    listed = api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]
    assert [(l["id"], l["speaker_text"], l["comment"]) for l in listed] == [(label["id"], "le ministre", "citation directe")]


def test_span_crossing_two_passages_is_refused_with_clear_error(client, world):
    api = as_user(client, "annotator")
    response = api.post(f"/api/projects/{world['project']}/labels",
                        {"article_id": world["a"], "start": world["pa"][0]["start"], "end": world["pa"][1]["end"],
                         "label": "quotation"})
    assert response.status_code == 400
    assert "inside one passage" in response.get_json()["error"]


def test_unknown_label_and_unknown_passage_and_bad_types_are_clear_errors(client, world):
    api = as_user(client, "annotator")
    bad = _label(api, world, label="opinion")
    assert bad.status_code == 400 and "unknown label 'opinion'" in bad.get_json()["error"]
    missing = api.post(f"/api/projects/{world['project']}/labels", {"passage_id": "nope-0001", "label": "quotation"})
    assert missing.status_code == 404 and "nope-0001" in missing.get_json()["error"]
    typed = api.post(f"/api/projects/{world['project']}/labels",
                     {"article_id": world["a"], "start": "3", "end": 9, "label": "quotation"})
    assert typed.status_code == 400 and "start must be an integer" in typed.get_json()["error"]
    not_json = api.call("POST", f"/api/projects/{world['project']}/labels", data="x", content_type="text/plain")
    assert not_json.status_code == 400 and not_json.get_json()["ok"] is False


def test_duplicate_label_is_refused_as_a_conflict(client, world):
    api = as_user(client, "annotator")
    assert _label(api, world).status_code == 201
    again = _label(api, world)
    assert again.status_code == 409 and "already exists" in again.get_json()["error"]


def test_update_with_stale_version_gets_409_with_current_row(client, world):
    api = as_user(client, "annotator")
    label = _label(api, world).get_json()["label"]
    url = f"/api/projects/{world['project']}/labels/{label['id']}"
    ok = api.patch(url, {"expected_version": 1, "label": "editorial_framing"})
    assert ok.status_code == 200 and ok.get_json()["label"]["version"] == 2
    stale = api.patch(url, {"expected_version": 1, "label": "quotation"})
    body = stale.get_json()
    assert stale.status_code == 409 and body["current"]["label"] == "editorial_framing"
    assert body["current"]["version"] == 2
    assert api.patch(url, {"label": "quotation"}).status_code == 400  # version is required


def test_delete_then_history_records_every_step(client, world):
    api = as_user(client, "annotator")
    label = _label(api, world).get_json()["label"]
    url = f"/api/projects/{world['project']}/labels/{label['id']}"
    assert api.delete(url, {"expected_version": 0}).status_code == 409
    deleted = api.delete(url, {"expected_version": 1})
    assert deleted.status_code == 200 and deleted.get_json()["label"]["status"] == "deleted"
    assert api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"] == []
    assert api.patch(url, {"expected_version": 2, "label": "quotation"}).status_code == 404


def test_annotator_cannot_change_someone_elses_label_but_curator_can(client, world, appdb):
    other = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", annotator_id=world["users"]["annotator2"],
                                   project_id=world["project"])
    api = as_user(client, "annotator")
    url = f"/api/projects/{world['project']}/labels/{other['id']}"
    assert api.patch(url, {"expected_version": 1, "label": "quotation"}).status_code == 403
    client.post("/logout", data={"csrf_token": api.token})
    curator = as_user(client, "curator")
    assert curator.patch(url, {"expected_version": 1, "label": "quotation"}).status_code == 200


def test_viewer_reads_but_cannot_write(client, world):
    api = as_user(client, "viewer")
    assert api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").status_code == 200
    assert _label(api, world).status_code == 403


def test_non_member_cannot_read_or_write_a_project(client, world):
    api = as_user(client, "outsider")
    assert api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").status_code == 404
    assert _label(api, world).status_code == 404
    assert api.get(f"/api/stories/{world['story']}").status_code == 404
    assert api.get(f"/api/stories/{world['story']}?project={world['project']}").status_code == 404
    assert api.get(f"/api/diff?a={world['pa'][0]['id']}&b={world['pb'][0]['id']}").status_code == 404


def test_article_outside_the_project_is_not_reachable_through_it(client, world, appdb):
    from tests.factories import make_article
    stray = make_article(appdb, "Un autre texte.\n", "Ailleurs", passages="lines")
    api = as_user(client, "annotator")
    assert api.get(f"/api/projects/{world['project']}/articles/{stray}/labels").status_code == 404
    response = api.post(f"/api/projects/{world['project']}/labels",
                        {"passage_id": f"{stray}-0000", "label": "sourced_fact"})
    assert response.status_code == 404


def test_blind_project_hides_other_annotators_labels(client, world, appdb):
    labels_store.update_project(appdb, world["project"], blind=True)
    labels_store.add_label(appdb, world["pa"][0]["id"], "quotation", annotator_id=world["users"]["annotator2"],
                           project_id=world["project"])
    api = as_user(client, "annotator")
    mine = _label(api, world).get_json()["label"]
    seen = api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]
    assert [l["id"] for l in seen] == [mine["id"]]
    compare = api.get(f"/api/stories/{world['story']}?project={world['project']}").get_json()["labels"]
    assert all(l["annotator_id"] in (None, world["users"]["annotator"]) for l in compare)
    client.post("/logout", data={"csrf_token": api.token})
    curator = as_user(client, "curator")
    seen = curator.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]
    assert len(seen) == 2


def test_accept_and_reject_suggestions(client, world, appdb):
    s1 = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", source="model", prob=0.55, model="m")
    s2 = labels_store.add_label(appdb, world["pa"][2]["id"], "editorial_framing", source="model", prob=0.4, model="m")
    api = as_user(client, "annotator")
    queue = api.get(f"/api/projects/{world['project']}/queue").get_json()["queue"]
    assert [q["id"] for q in queue] == [s2["id"], s1["id"]]  # least sure first
    accepted = api.post(f"/api/projects/{world['project']}/suggestions/{s1['id']}/accept", {"expected_version": 1})
    human = accepted.get_json()["label"]
    assert accepted.status_code == 200 and human["source"] == "human" and human["origin_id"] == s1["id"]
    rejected = api.post(f"/api/projects/{world['project']}/suggestions/{s2['id']}/reject", {})
    assert rejected.get_json()["label"]["status"] == "rejected"
    assert api.get(f"/api/projects/{world['project']}/queue").get_json()["queue"] == []
    again = api.post(f"/api/projects/{world['project']}/suggestions/{s1['id']}/accept", {})
    assert again.status_code == 409 and again.get_json()["current"]["status"] == "accepted"
    edit = api.patch(f"/api/projects/{world['project']}/labels/{s2['id']}", {"expected_version": 2, "label": "quotation"})
    assert edit.status_code == 400  # a shared suggestion is never edited through one project
    wrong = api.post(f"/api/projects/{world['project']}/suggestions/{human['id']}/accept", {})
    assert wrong.status_code == 400 and "not a suggestion" in wrong.get_json()["error"]
    assert api.post(f"/api/projects/{world['project']}/suggestions/999999/accept", {}).status_code == 404
    assert api.post(f"/api/projects/{world['project']}/suggestions/{s1['id']}/maybe", {}).status_code == 404


def test_decisions_are_per_project_and_reopen_undoes_them(client, world, appdb):
    from tests.factories import make_project

    second = make_project(appdb, "Second", created_by=world["users"]["curator"], story_ids=[world["story"]],
                          members=[(world["users"]["annotator"], "annotator")])
    sugg = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", source="model", prob=0.5, model="m")
    api = as_user(client, "annotator")

    def open_in(pid):
        rows = api.get(f"/api/projects/{pid}/articles/{world['a']}/labels").get_json()["labels"]
        return [l["id"] for l in rows if l["source"] == "model"]

    accepted = api.post(f"/api/projects/{world['project']}/suggestions/{sugg['id']}/accept", {}).get_json()["label"]
    assert open_in(world["project"]) == [] and open_in(second) == [sugg["id"]]
    assert [q["id"] for q in api.get(f"/api/projects/{second}/queue").get_json()["queue"]] == [sugg["id"]]
    undone = api.post(f"/api/projects/{world['project']}/suggestions/{sugg['id']}/reopen", {})
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["label"]["id"] == accepted["id"] and undone.get_json()["label"]["status"] == "deleted"
    assert open_in(world["project"]) == [sugg["id"]]
    assert api.post(f"/api/projects/{second}/suggestions/{sugg['id']}/reject", {}).status_code == 200
    assert open_in(second) == [] and open_in(world["project"]) == [sugg["id"]]
    nothing = api.post(f"/api/projects/{world['project']}/suggestions/{sugg['id']}/reopen", {})
    assert nothing.status_code == 404


def test_label_history_endpoint(client, world):
    api = as_user(client, "annotator")
    label = _label(api, world).get_json()["label"]
    api.patch(f"/api/projects/{world['project']}/labels/{label['id']}", {"expected_version": 1, "comment": "vu"})
    history = api.get(f"/api/projects/{world['project']}/labels/{label['id']}/history").get_json()["history"]
    assert [h["action"] for h in history] == ["update", "create"]


def test_queue_limit_is_validated(client, world):
    api = as_user(client, "annotator")
    assert api.get(f"/api/projects/{world['project']}/queue?limit=0").status_code == 400
    assert api.get(f"/api/projects/{world['project']}/queue?limit=abc").status_code == 400


def test_the_queue_page_lists_each_passage_once_at_its_least_sure_suggestion(client, world, appdb):
    p0, p1 = world["pa"][0]["id"], world["pa"][2]["id"]
    labels_store.add_label(appdb, p0, "quotation", source="model", prob=0.47, model="m", start=world["pa"][0]["start"],
                           end=world["pa"][0]["start"] + 5)
    labels_store.add_label(appdb, p0, "quotation", source="model", prob=0.58, model="m")
    labels_store.add_label(appdb, p1, "editorial_framing", source="model", prob=0.52, model="m")
    api = as_user(client, "annotator")
    assert len(api.get(f"/api/projects/{world['project']}/queue").get_json()["queue"]) == 3  # the API keeps every suggestion
    html = client.get(f"/projects/{world['project']}/queue").get_data(as_text=True)
    assert html.count('class="button"') == 2 and html.count(f"#p-{p0}") == 1
    assert "+1 more on this passage" in html
    assert html.index(f"#p-{p0}") < html.index(f"#p-{p1}")  # least sure first
