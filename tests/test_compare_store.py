"""Stories and alignment runs in the real SQLite database."""
import pytest

from compare import store as cstore
from tests.factories import make_article, make_user


@pytest.fixture
def three(db):
    return [make_article(db, f"Article {n}\nUne phrase du texte numéro {n}.\n", outlet=f"Outlet {n}", passages="lines")
            for n in "ABC"]


def test_manual_story_keeps_its_articles_and_title(db, three):
    sid = cstore.create_story(db, three[:2], title="Briefcam")
    story = cstore.get_story(db, sid)
    assert story["title"] == "Briefcam" and story["method"] == "manual"
    assert story["article_ids"] == three[:2]
    assert cstore.story_ids_of(db, three[0]) == [sid]


def test_story_of_unknown_articles_is_refused_and_nothing_is_written(db, three):
    with pytest.raises(cstore.StoryError, match="unknown article"):
        cstore.create_story(db, [three[0], "deadbeefdeadbeef"])
    assert cstore.list_stories(db) == []


def test_reclustering_keeps_ids_of_unchanged_stories_and_replaces_the_others(db, three):
    a, b, c = three
    first = cstore.save_auto_stories(db, [[a, b]], {"threshold": 0.9})
    manual = cstore.create_story(db, [b, c], title="by hand")
    again = cstore.save_auto_stories(db, [[b, a]], {"threshold": 0.9})
    assert again == first  # same membership, same id
    changed = cstore.save_auto_stories(db, [[a, b, c]], {"threshold": 0.8})
    assert changed != first
    ids = {s["id"]: s for s in cstore.list_stories(db)}
    assert first[0] not in ids  # the old auto story is gone ...
    assert ids[manual]["title"] == "by hand"  # ... manual stories are never touched
    assert set(ids[changed[0]]["article_ids"]) == {a, b, c}


def test_reclustering_a_subset_leaves_stories_outside_it_alone(db, three):
    a, b, c = three
    [sid] = cstore.save_auto_stories(db, [[a, b, c]], {})
    cstore.save_auto_stories(db, [], {}, scope={a, b})
    assert cstore.get_story(db, sid)["article_ids"] == [a, b, c]


def test_story_used_by_a_project_is_not_deleted(db, three):
    sid = cstore.create_story(db, three[:2])
    uid = make_user(db, "teacher", "admin")
    pid = db.table("projects").insert({"name": "class", "created_by": uid}).last_pk
    db.table("project_stories").insert({"project_id": pid, "story_id": sid})
    run_id = cstore.start_run(db, sid, "m", {})
    with pytest.raises(cstore.StoryError, match="used by a project"):
        cstore.delete_story(db, sid)
    # the refused delete is undone whole: members and runs are all still there
    assert cstore.get_story(db, sid)["article_ids"] == three[:2]
    assert cstore.get_run(db, run_id)["story_id"] == sid


def test_reclustering_keeps_an_auto_story_a_project_uses(db, three):
    a, b, c = three
    [sid] = cstore.save_auto_stories(db, [[a, b]], {})
    uid = make_user(db, "teacher", "admin")
    pid = db.table("projects").insert({"name": "class", "created_by": uid}).last_pk
    db.table("project_stories").insert({"project_id": pid, "story_id": sid})
    [other] = cstore.save_auto_stories(db, [[a, b, c]], {})
    assert other != sid and cstore.get_story(db, sid)["article_ids"] == [a, b]


def test_run_is_running_then_complete_with_its_alignments(db, three):
    a, b, _ = three
    sid = cstore.create_story(db, [a, b])
    run_id = cstore.start_run(db, sid, "fake-trigram-256", {"cos_min": 0.5})
    assert cstore.get_run(db, run_id)["status"] == "running"
    assert cstore.latest_run(db, sid) is None  # a running run is never served as a result
    diff = [{"op": "equal", "a": [0, 6], "b": [0, 6], "a_text": "Une ph", "b_text": "Une ph"}]
    cstore.complete_run(db, run_id, [{"a": f"{a}-0001", "b": f"{b}-0001", "score": 0.93,
                                     "char_score": 0.8, "kind": "paraphrase", "diff": diff}])
    run = cstore.latest_run(db, sid, "fake-trigram-256")
    assert run["id"] == run_id and run["status"] == "complete" and run["finished_at"]
    assert run["params"] == {"cos_min": 0.5}
    [al] = cstore.get_alignments(db, run_id)
    assert al["kind"] == "paraphrase" and al["diff"] == diff and al["score"] == pytest.approx(0.93)


def test_failed_run_records_the_error_and_is_not_latest(db, three):
    sid = cstore.create_story(db, three[:2])
    run_id = cstore.start_run(db, sid, "m", {})
    cstore.fail_run(db, run_id, "boom")
    assert cstore.get_run(db, run_id)["status"] == "failed"
    assert cstore.get_run(db, run_id)["params"]["error"] == "boom"
    assert cstore.latest_run(db, sid) is None


def test_deleting_a_story_removes_its_runs_and_alignments(db, three):
    a, b, _ = three
    sid = cstore.create_story(db, [a, b])
    run_id = cstore.start_run(db, sid, "m", {})
    cstore.complete_run(db, run_id, [{"a": f"{a}-0000", "b": f"{b}-0000", "score": 1.0, "kind": "verbatim"}])
    assert cstore.delete_story(db, sid) is True
    assert cstore.get_run(db, run_id) is None and cstore.get_alignments(db, run_id) == []
    assert cstore.delete_story(db, sid) is False
