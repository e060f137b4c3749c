"""Two people (or one person in two tabs) edit the same label or gold decision: the second,
stale write gets 409 with the current value and never silently overwrites the first."""
from __future__ import annotations

import threading

from annotate.labels import store as labels_store
from corpus import db as dbmod
from tests.web_support import Api, add_user, app, appdb, as_user, client, login, world  # noqa: F401


def _two_tabs(app, username: str) -> tuple[Api, Api]:
    """The same user logged in twice (two browsers / two tabs with separate sessions)."""
    return as_user(app.test_client(), username), as_user(app.test_client(), username)


def _create(api: Api, world, passage_index: int = 0, label: str = "sourced_fact") -> dict:
    response = api.post(f"/api/projects/{world['project']}/labels",
                        {"passage_id": world["pa"][passage_index]["id"], "label": label})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["label"]


def test_same_user_in_two_tabs_second_stale_edit_gets_409_with_the_first_edit(app, world):
    tab_a, tab_b = _two_tabs(app, "annotator")
    label = _create(tab_a, world)
    url = f"/api/projects/{world['project']}/labels/{label['id']}"
    assert tab_b.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").status_code == 200
    first = tab_a.patch(url, {"expected_version": 1, "label": "quotation"})
    assert first.status_code == 200
    second = tab_b.patch(url, {"expected_version": 1, "label": "editorial_framing"})
    assert second.status_code == 409
    body = second.get_json()
    assert body["ok"] is False and body["current"]["label"] == "quotation" and body["current"]["version"] == 2
    stored = tab_a.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]
    assert [(l["id"], l["label"], l["version"]) for l in stored if l["id"] == label["id"]] == [(label["id"], "quotation", 2)]
    history = tab_a.get(url + "/history").get_json()["history"]
    assert [h["action"] for h in history] == ["update", "create"]  # the refused write left no trace
    retry = tab_b.patch(url, {"expected_version": body["current"]["version"], "label": "editorial_framing"})
    assert retry.status_code == 200 and retry.get_json()["label"]["version"] == 3


def test_curator_with_a_stale_copy_cannot_overwrite_the_annotators_newer_edit(app, world):
    annotator = as_user(app.test_client(), "annotator")
    curator = as_user(app.test_client(), "curator")
    label = _create(annotator, world)
    url = f"/api/projects/{world['project']}/labels/{label['id']}"
    assert annotator.patch(url, {"expected_version": 1, "comment": "source: Disclose"}).status_code == 200
    stale = curator.patch(url, {"expected_version": 1, "label": "editorial_framing"})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["comment"] == "source: Disclose"
    row = [l for l in curator.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels")
           .get_json()["labels"] if l["id"] == label["id"]][0]
    assert (row["label"], row["comment"], row["version"]) == ("sourced_fact", "source: Disclose", 2)


def test_stale_delete_gets_409_and_the_label_stays(app, world):
    tab_a, tab_b = _two_tabs(app, "annotator")
    label = _create(tab_a, world)
    url = f"/api/projects/{world['project']}/labels/{label['id']}"
    assert tab_a.patch(url, {"expected_version": 1, "label": "quotation"}).status_code == 200
    gone = tab_b.delete(url, {"expected_version": 1})
    assert gone.status_code == 409 and gone.get_json()["current"]["status"] == "active"
    labels = tab_a.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]
    assert any(l["id"] == label["id"] and l["label"] == "quotation" for l in labels)


def test_two_annotators_accepting_one_suggestion_with_the_same_version_only_one_wins(app, world, appdb):
    suggestion = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", source="model", prob=0.6, model="m")
    first = as_user(app.test_client(), "annotator")
    second = as_user(app.test_client(), "annotator2")
    url = f"/api/projects/{world['project']}/suggestions/{suggestion['id']}/accept"
    assert first.post(url, {"expected_version": 1}).status_code == 200
    late = second.post(url, {"expected_version": 1})
    assert late.status_code == 409 and late.get_json()["current"]["status"] == "accepted"
    accepted = [l for l in labels_store.list_labels(appdb, project_id=world["project"], sources=("human",))
                if l["origin_id"] == suggestion["id"]]
    assert len(accepted) == 1


def test_racing_threads_with_the_same_version_one_wins_the_rest_get_stale_version(app, world, appdb):
    """A real race on separate connections: the version check and the write are one step."""
    label = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", source="human",
                                   annotator_id=world["users"]["annotator"], project_id=world["project"])
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def editor(new_label: str) -> None:
        conn = dbmod.connect(app.config["DATABASE"], migrate=False)
        barrier.wait()
        try:
            labels_store.update_label(conn, label["id"], {"label": new_label}, user_id=None, expected_version=1)
            outcomes.append("won")
        except labels_store.StaleVersion as exc:
            outcomes.append(f"stale@{exc.current['version']}")
        except Exception as exc:  # e.g. 'database is locked' would be a failure, not a conflict
            outcomes.append(f"error: {exc}")
        finally:
            conn.conn.close()

    threads = [threading.Thread(target=editor, args=(name,))
               for name in ("quotation", "editorial_framing") * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["stale@2"] * 5 + ["won"], outcomes
    final = labels_store.get_label(appdb, label["id"])
    assert final["version"] == 2
    updates = [h for h in labels_store.history(appdb, label["id"]) if h["action"] == "update"]
    assert len(updates) == 1 and updates[0]["after"]["label"] == final["label"]


def test_gold_decision_with_a_stale_version_gets_409_with_the_current_gold(app, world, appdb):
    """Two curators adjudicate one passage from the same page state: the later one is refused."""
    admin = as_user(app.test_client(), "admin")
    curator = as_user(app.test_client(), "curator")
    url = f"/api/projects/{world['project']}/gold"
    passage = world["pa"][0]["id"]
    first = curator.post(url, {"passage_id": passage, "label": "quotation"})
    assert first.status_code == 200, first.get_json()
    gold = first.get_json()["gold"]
    assert gold["version"] == 1
    assert curator.post(url, {"passage_id": passage, "label": "sourced_fact",
                              "expected_version": gold["version"]}).status_code == 200
    stale = admin.post(url, {"passage_id": passage, "label": "editorial_framing", "expected_version": gold["version"]})
    assert stale.status_code == 409, stale.get_json()
    assert stale.get_json()["current"]["label"] == "sourced_fact"
    assert [g["label"] for g in labels_store.list_gold(appdb, world["project"])] == ["sourced_fact"]


def _form_version(html: str, passage_id: str) -> str:
    """The expected_version the curate page's decision form for `passage_id` carries."""
    import re

    section = html[html.index(f'id="d-{passage_id}"'):]
    return re.search(r'name="expected_version" value="(\d+)"', section).group(1)


def test_curate_form_from_a_stale_page_gets_409_and_keeps_the_other_curators_decision(app, world, appdb):
    passage = world["pa"][0]["id"]
    for user, label in (("annotator", "sourced_fact"), ("annotator2", "editorial_framing")):
        labels_store.add_label(appdb, passage, label, source="human", annotator_id=world["users"][user],
                               project_id=world["project"])
    slow = as_user(app.test_client(), "curator")
    fast = as_user(app.test_client(), "admin")
    page_url = f"/projects/{world['project']}/curate"
    old_page = slow.get(page_url).get_data(as_text=True)
    seen = _form_version(old_page, passage)
    assert seen == "0"  # no gold decision yet
    form = {"passage_id": passage, "label": "quotation", "expected_version": _form_version(
        fast.get(page_url).get_data(as_text=True), passage), "csrf_token": fast.token}
    assert fast.client.post(page_url, data=form).status_code == 302
    stale = slow.client.post(page_url, data={"passage_id": passage, "label": "sourced_fact",
                                             "expected_version": seen, "csrf_token": slow.token})
    assert stale.status_code == 409
    assert "text/html" in stale.content_type and "version" in stale.get_data(as_text=True)
    assert [g["label"] for g in labels_store.list_gold(appdb, world["project"])] == ["quotation"]
    fresh = _form_version(slow.get(page_url + "?all=1").get_data(as_text=True), passage)
    assert fresh == "1"
    again = slow.client.post(page_url, data={"passage_id": passage, "label": "sourced_fact",
                                             "expected_version": fresh, "csrf_token": slow.token})
    assert again.status_code == 302
    assert [(g["label"], g["version"]) for g in labels_store.list_gold(appdb, world["project"])] == [("sourced_fact", 2)]


def test_the_same_label_posted_twice_at_once_is_stored_once(app, world, appdb):
    """A double click sends two identical creates at the same instant: one label, one refusal."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create() -> None:
        conn = dbmod.connect(app.config["DATABASE"], migrate=False)
        barrier.wait()
        try:
            labels_store.add_label(conn, world["pa"][0]["id"], "quotation", annotator_id=world["users"]["annotator"],
                                   project_id=world["project"])
            outcomes.append("created")
        except labels_store.DuplicateLabel:
            outcomes.append("duplicate")
        finally:
            conn.conn.close()

    for _ in range(5):
        outcomes.clear()
        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["created", "duplicate"], outcomes
        active = labels_store.list_labels(appdb, project_id=world["project"], with_suggestions=False)
        assert len(active) == 1
        labels_store.delete_label(appdb, active[0]["id"], user_id=None, expected_version=active[0]["version"])
