"""Class mode: publish an exercise, students annotate, the teacher scores and reveals."""
from __future__ import annotations

from annotate.labels import store as labels_store
from tests.web_support import app, appdb, as_user, client, world  # noqa: F401


def _publish(api, world):
    return api.post("/api/exercises", {"project_id": world["project"], "story_id": world["story"], "title": "Exo 1"})


def test_curator_publishes_exercise_and_students_are_assigned_every_passage(client, world, appdb):
    api = as_user(client, "curator")
    response = _publish(api, world)
    assert response.status_code == 201
    exercise = response.get_json()["exercise"]
    assert exercise["published"] is True and exercise["revealed"] is False
    assert labels_store.get_project(appdb, world["project"])["blind"] is False  # only when asked
    assigned = labels_store.list_assignments(appdb, world["project"], world["users"]["annotator"])
    assert len(assigned) == 6


def test_scores_against_the_gold_key_and_reveal(client, world, appdb):
    curator = as_user(client, "curator")
    exercise = _publish(curator, world).get_json()["exercise"]
    pa = world["pa"]
    for p, label in ((pa[0], "sourced_fact"), (pa[1], "quotation")):
        labels_store.set_gold(appdb, world["project"], p["id"], label, decided_by=world["users"]["curator"])
    labels_store.add_label(appdb, pa[0]["id"], "sourced_fact", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    labels_store.add_label(appdb, pa[1]["id"], "editorial_framing", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    scores = curator.get(f"/api/exercises/{exercise['id']}/scores").get_json()["scores"]
    by_name = {s["name"]: s for s in scores}
    assert by_name["annotator"]["accuracy"] == 0.5 and by_name["annotator"]["answered"] == 2
    assert by_name["annotator2"]["accuracy"] == 0.0 and by_name["annotator2"]["answered"] == 0
    html = client.get(f"/classes/{exercise['id']}").get_data(as_text=True)
    assert "50%" in html
    client.post("/logout", data={"csrf_token": curator.token})

    student = as_user(client, "annotator")
    assert student.get(f"/api/exercises/{exercise['id']}/comparison").status_code == 403
    assert student.get(f"/api/exercises/{exercise['id']}/scores").status_code == 403
    assert student.post(f"/api/exercises/{exercise['id']}/reveal").status_code == 403
    client.post("/logout", data={"csrf_token": student.token})

    curator = as_user(client, "curator")
    assert curator.post(f"/api/exercises/{exercise['id']}/reveal").get_json()["exercise"]["revealed"] is True
    client.post("/logout", data={"csrf_token": curator.token})
    student = as_user(client, "annotator")
    rows = student.get(f"/api/exercises/{exercise['id']}/comparison").get_json()["comparison"]
    assert [(r["mine"], r["key"], r["correct"]) for r in rows] == [
        ("sourced_fact", "sourced_fact", True), ("editorial_framing", "quotation", False)]
    assert "✗" in client.get(f"/classes/{exercise['id']}").get_data(as_text=True)


def test_students_cannot_publish_and_outsiders_cannot_see_exercises(client, world):
    curator = as_user(client, "curator")
    exercise = _publish(curator, world).get_json()["exercise"]
    client.post("/logout", data={"csrf_token": curator.token})
    student = as_user(client, "annotator")
    assert _publish(student, world).status_code == 403
    assert [e["id"] for e in student.get("/api/exercises").get_json()["exercises"]] == [exercise["id"]]
    client.post("/logout", data={"csrf_token": student.token})
    outsider = as_user(client, "outsider")
    assert outsider.get("/api/exercises").get_json()["exercises"] == []
    assert client.get(f"/classes/{exercise['id']}").status_code == 404


def test_unpublished_exercise_is_hidden_from_students(client, world):
    curator = as_user(client, "curator")
    exercise = _publish(curator, world).get_json()["exercise"]
    curator.post(f"/api/exercises/{exercise['id']}/unpublish")
    client.post("/logout", data={"csrf_token": curator.token})
    student = as_user(client, "annotator")
    assert student.get("/api/exercises").get_json()["exercises"] == []
    assert client.get(f"/classes/{exercise['id']}").status_code == 404


def test_publish_with_bad_input_is_a_clear_error(client, world):
    api = as_user(client, "curator")
    assert api.post("/api/exercises", {"project_id": "x", "story_id": 1}).status_code == 400
    missing = api.post("/api/exercises", {"project_id": world["project"], "story_id": 999})
    assert missing.status_code == 404 and "999" in missing.get_json()["error"]
    assert api.get("/api/exercises/999/scores").status_code == 404
