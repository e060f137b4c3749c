"""During an exercise a student sees only their own labels (page and API, enforced on the
server); after the reveal everything shows again; a teacher may show suggestions as a scaffold."""
from __future__ import annotations

from annotate.labels import store as labels_store
from tests.web_support import PASSWORD, app, appdb, as_user, client, csrf, world  # noqa: F401


def _machine_and_people(appdb, world):
    """A rule suggestion, a gold label and one label by each student on the first passage."""
    pa, project, users = world["pa"], world["project"], world["users"]
    sugg = labels_store.add_label(appdb, pa[0]["id"], "editorial_framing", source="rule", prob=0.8)
    labels_store.add_label(appdb, pa[0]["id"], "quotation", annotator_id=users["annotator2"], project_id=project)
    mine = labels_store.add_label(appdb, pa[1]["id"], "sourced_fact", annotator_id=users["annotator"], project_id=project)
    labels_store.set_gold(appdb, project, pa[0]["id"], "sourced_fact", decided_by=users["curator"])
    return sugg, mine


def _exercise(client, world, **options):
    curator = as_user(client, "curator")
    exercise = curator.post("/api/exercises", {"project_id": world["project"], "story_id": world["story"],
                                               "title": "Exo", **options}).get_json()["exercise"]
    client.post("/logout", data={"csrf_token": curator.token})
    return exercise


def _labels(api, world):
    return api.get(f"/api/projects/{world['project']}/articles/{world['a']}/labels").get_json()["labels"]


def test_student_sees_only_own_labels_during_an_exercise_in_every_answer(client, world, appdb):
    sugg, mine = _machine_and_people(appdb, world)
    exercise = _exercise(client, world)
    student = as_user(client, "annotator")
    assert [l["id"] for l in _labels(student, world)] == [mine["id"]]
    assert student.get(f"/api/projects/{world['project']}/queue").get_json()["queue"] == []
    assert student.post(f"/api/projects/{world['project']}/suggestions/{sugg['id']}/accept").status_code == 404
    assert student.get(f"/api/projects/{world['project']}/labels/{sugg['id']}/history").status_code == 404
    story = student.get(f"/api/stories/{world['story']}?project={world['project']}").get_json()
    assert [l["id"] for l in story["labels"]] == [mine["id"]]
    outside = student.get(f"/api/stories/{world['story']}").get_json()  # the story without its project
    assert outside["labels"] == []
    page = client.get(f"/projects/{world['project']}/articles/{world['a']}/annotate").get_data(as_text=True)
    assert 'id="exam-banner"' in page
    dash = student.get(f"/api/projects/{world['project']}/dashboard").get_json()
    assert dash["source"] != "gold" and "agreement" not in dash
    assert student.get(f"/api/projects/{world['project']}/gold").status_code == 403
    assert student.get(f"/api/exercises/{exercise['id']}/comparison").status_code == 403


def test_after_the_reveal_the_student_sees_everything_again(client, world, appdb):
    sugg, mine = _machine_and_people(appdb, world)
    exercise = _exercise(client, world)
    curator = as_user(client, "curator")
    curator.post(f"/api/exercises/{exercise['id']}/reveal")
    client.post("/logout", data={"csrf_token": curator.token})
    student = as_user(client, "annotator")
    sources = {(l["source"], l["annotator_id"]) for l in _labels(student, world)}
    assert ("rule", None) in sources and ("human", world["users"]["annotator2"]) in sources


def test_scaffold_shows_suggestions_but_never_other_students_and_scores_say_so(client, world, appdb):
    sugg, mine = _machine_and_people(appdb, world)
    exercise = _exercise(client, world, scaffold=True)
    student = as_user(client, "annotator")
    assert sorted(l["id"] for l in _labels(student, world)) == sorted([sugg["id"], mine["id"]])
    client.post("/logout", data={"csrf_token": student.token})
    curator = as_user(client, "curator")
    scores = curator.get(f"/api/exercises/{exercise['id']}/scores").get_json()["scores"]
    assert all(s["scaffold"] is True for s in scores)
    assert "with the machine" in client.get(f"/classes/{exercise['id']}").get_data(as_text=True)


def test_curator_keeps_seeing_everything_while_the_exercise_runs(client, world, appdb):
    sugg, mine = _machine_and_people(appdb, world)
    _exercise(client, world)
    curator = as_user(client, "curator")
    assert {l["source"] for l in _labels(curator, world)} == {"rule", "human"}


def test_keep_blind_is_an_explicit_choice(client, world, appdb):
    _exercise(client, world, keep_blind=True)
    assert labels_store.get_project(appdb, world["project"])["blind"] is True


def test_exercise_for_chosen_students_assigns_only_them(client, world, appdb):
    users = world["users"]
    exercise = _exercise(client, world, student_ids=[users["annotator2"]], instructions="Lisez", due_at="2026-12-01")
    assert exercise["student_ids"] == [users["annotator2"]] and exercise["due_at"] == "2026-12-01"
    assert labels_store.list_assignments(appdb, world["project"], users["annotator"]) == []
    assert len(labels_store.list_assignments(appdb, world["project"], users["annotator2"])) == 6
    curator = as_user(client, "curator")
    bad = curator.post("/api/exercises", {"project_id": world["project"], "story_id": world["story"],
                                          "due_at": "tomorrow"})
    assert bad.status_code == 400 and "due_at" in bad.get_json()["error"]
    stranger = curator.post("/api/exercises", {"project_id": world["project"], "story_id": world["story"],
                                               "student_ids": [users["outsider"]]})
    assert stranger.status_code == 400 and "not students" in stranger.get_json()["error"]


def test_student_logs_in_straight_into_the_exercise_and_hands_in(client, world, appdb):
    exercise = _exercise(client, world, instructions="Repérez les citations.")
    student = as_user(client, "annotator")
    client.post("/logout", data={"csrf_token": student.token})
    response = client.post("/login", data={"username": "annotator", "password": PASSWORD,
                                           "csrf_token": csrf(client)})
    assert response.headers["Location"].endswith(f"/classes/{exercise['id']}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Repérez les citations." in page and 'id="my-progress"' in page and 'id="hand-in"' in page
    student = as_user(client, "annotator")
    assert student.post(f"/api/exercises/{exercise['id']}/hand-in").get_json()["submission"]["user_id"] == \
        world["users"]["annotator"]
    client.post("/logout", data={"csrf_token": student.token})
    curator = as_user(client, "curator")
    progress = curator.get(f"/api/exercises/{exercise['id']}/scores").get_json()["progress"]
    assert [p["handed_in_at"] is not None for p in progress] == [True, False]


def test_export_page_offers_sources_and_downloads_gold_with_one_extension(client, world, appdb):
    labels_store.set_gold(appdb, world["project"], world["pa"][0]["id"], "sourced_fact",
                          decided_by=world["users"]["curator"])
    curator = as_user(client, "curator")
    page = client.get(f"/projects/{world['project']}/exports").get_data(as_text=True)
    assert 'value="gold"' in page and 'value="annotator:annotator2"' in page
    response = client.get(f"/projects/{world['project']}/exports/download?format=jsonl&source=gold")
    assert response.headers["Content-Disposition"] == 'attachment; filename="Classe.gold.jsonl"'
    assert [r.split('"source": ')[1][:6] for r in response.get_data(as_text=True).splitlines()] == ['"gold"']
    bad = curator.get(f"/api/projects/{world['project']}/exports/download?format=doccano&source=all")
    assert bad.status_code == 400 and "one label per span" in bad.get_json()["error"]
    client.post("/logout", data={"csrf_token": curator.token})
    as_user(client, "annotator")
    assert client.get(f"/projects/{world['project']}/exports/download?format=jsonl&source=gold").status_code == 403


def test_confusions_count_wrong_answers_most_frequent_first(appdb, world):
    from annotate.campaign import classes as class_mode

    users, pa, project = world["users"], world["pa"], world["project"]
    exercise = class_mode.publish(appdb, project, world["story"], "Exo", users["curator"])
    for p in pa[:3]:
        labels_store.set_gold(appdb, project, p["id"], "quotation", decided_by=users["curator"])
    for student in ("annotator", "annotator2"):
        labels_store.add_label(appdb, pa[0]["id"], "sourced_fact", annotator_id=users[student], project_id=project)
    labels_store.add_label(appdb, pa[1]["id"], "editorial_framing", annotator_id=users["annotator"], project_id=project)
    labels_store.add_label(appdb, pa[2]["id"], "quotation", annotator_id=users["annotator"], project_id=project)
    assert class_mode.confusions(appdb, exercise) == [
        {"key": "quotation", "answer": "sourced_fact", "count": 2},
        {"key": "quotation", "answer": "editorial_framing", "count": 1}]
    mine = class_mode.overall(appdb, exercise, users["annotator"])
    assert (mine["correct"], mine["total"], mine["answered"]) == (1, 3, 3)


def test_a_new_teacher_without_a_project_gets_a_hint_not_a_dead_end(client, appdb):
    from tests.web_support import add_user

    add_user(appdb, "newprof", "curator")
    as_user(client, "newprof")
    html = client.get("/classes").get_data(as_text=True)
    assert 'id="no-project-hint"' in html and 'href="/projects"' in html
    assert "your teacher will set one" not in html
    assert "form below" not in html and 'id="publish-form"' not in html  # no form, so no pointer to one
