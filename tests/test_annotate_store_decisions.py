"""Suggestion decisions are per project (per annotator in blind projects) and can be undone."""
from __future__ import annotations

import pytest

from annotate.labels import store
from annotate.labels import decisions as store_decisions
from annotate.labels import suggestions as sstore
from tests.factories import make_article, make_project, make_story, make_user, passages_of

TEXT = "Le ministre a signé l’accord.\n« C’est un scandale », dit Anne Dupont.\n"


@pytest.fixture
def two(db):
    """One article in two projects (A open, B open) and a blind project C, with a suggestion."""
    ann, eve = make_user(db, "ann"), make_user(db, "eve")
    aid = make_article(db, TEXT, "Outlet A", passages="lines")
    story = make_story(db, [aid])
    members = [(ann, "annotator"), (eve, "annotator")]
    a = make_project(db, "A", story_ids=[story], members=members)
    b = make_project(db, "B", story_ids=[story], members=members)
    c = make_project(db, "C", story_ids=[story], members=members, blind=True)
    p1 = passages_of(db, aid)[1]
    sugg = store.add_label(db, p1["id"], "quotation", source="rule", prob=0.7)
    return {"db": db, "ann": ann, "eve": eve, "aid": aid, "A": a, "B": b, "C": c, "sugg": sugg}


def open_ids(db, project_id, viewer_id=None):
    return [r["id"] for r in store.list_labels(db, project_id=project_id, sources=("rule",), viewer_id=viewer_id)]


def test_reject_in_one_project_leaves_the_suggestion_open_in_another(two):
    db, sid = two["db"], two["sugg"]["id"]
    store.set_status(db, sid, "reject", user_id=two["ann"], project_id=two["A"])
    assert open_ids(db, two["A"]) == []
    assert open_ids(db, two["B"]) == [sid]
    assert store.get_label(db, sid)["status"] == "active"


def test_accept_in_one_project_creates_its_label_there_only(two):
    db, sid = two["db"], two["sugg"]["id"]
    made = store.set_status(db, sid, "accept", user_id=two["ann"], project_id=two["A"])
    assert made["project_id"] == two["A"] and made["origin_id"] == sid
    assert open_ids(db, two["A"]) == [] and open_ids(db, two["B"]) == [sid]
    assert store.list_labels(db, project_id=two["B"], sources=("human",)) == []


def test_deciding_twice_in_an_open_project_is_a_conflict_with_the_projects_view(two):
    db, sid = two["db"], two["sugg"]["id"]
    store.set_status(db, sid, "accept", user_id=two["ann"], project_id=two["A"])
    with pytest.raises(store.AlreadyDecided) as err:
        store.set_status(db, sid, "reject", user_id=two["eve"], project_id=two["A"])
    assert err.value.current["status"] == "accepted" and err.value.current["id"] == sid
    assert len(store.list_labels(db, project_id=two["A"], sources=("human",))) == 1  # rolled back cleanly


def test_in_a_blind_project_each_annotator_decides_for_themselves(two):
    db, sid, c = two["db"], two["sugg"]["id"], two["C"]
    store.set_status(db, sid, "reject", user_id=two["ann"], project_id=c)
    assert open_ids(db, c, viewer_id=two["ann"]) == []
    assert open_ids(db, c, viewer_id=two["eve"]) == [sid]
    made = store.set_status(db, sid, "accept", user_id=two["eve"], project_id=c)
    assert made["annotator_id"] == two["eve"]
    assert open_ids(db, c, viewer_id=two["eve"]) == []


def test_undo_of_an_accept_reopens_the_suggestion_and_deletes_the_label(two):
    db, sid, a = two["db"], two["sugg"]["id"], two["A"]
    made = store.set_status(db, sid, "accept", user_id=two["ann"], project_id=a)
    out = store.reopen_suggestion(db, sid, user_id=two["ann"], project_id=a)
    assert out["label"]["id"] == made["id"] and store.get_label(db, made["id"])["status"] == "deleted"
    assert out["suggestion"]["status"] == "active"
    assert open_ids(db, a) == [sid]
    assert [h["action"] for h in store.history(db, sid)][:2] == ["reopen", "accept"]
    again = store.set_status(db, sid, "accept", user_id=two["ann"], project_id=a)  # decidable again
    assert again["id"] != made["id"]


def test_undo_of_a_reject_reopens_and_only_the_decider_can_undo(two):
    db, sid, a = two["db"], two["sugg"]["id"], two["A"]
    store.set_status(db, sid, "reject", user_id=two["ann"], project_id=a)
    with pytest.raises(store.NotFound, match="no decision of yours"):
        store.reopen_suggestion(db, sid, user_id=two["eve"], project_id=a)
    assert store.reopen_suggestion(db, sid, user_id=two["ann"], project_id=a)["label"] is None
    assert open_ids(db, a) == [sid]
    with pytest.raises(store.NotFound):
        store.reopen_suggestion(db, sid, user_id=two["ann"], project_id=a)


def test_project_less_decision_and_reopen_mark_the_shared_row(two):
    db, sid = two["db"], two["sugg"]["id"]
    made = store.set_status(db, sid, "accept", user_id=two["ann"])
    assert store.get_label(db, sid)["status"] == "accepted" and made["project_id"] is None
    assert open_ids(db, two["A"]) == open_ids(db, two["B"]) == []
    out = store.reopen_suggestion(db, sid, user_id=two["ann"])
    assert out["suggestion"]["status"] == "active" and out["label"]["status"] == "deleted"
    assert open_ids(db, two["B"]) == [sid]


def test_rerunning_suggestions_keeps_project_decided_ones_and_does_not_duplicate_them(two):
    db, sid = two["db"], two["sugg"]["id"]
    sugg = two["sugg"]
    fresh = {k: sugg[k] for k in ("passage_id", "article_id", "start", "end", "label", "source", "prob")}
    store.set_status(db, sid, "reject", user_id=two["ann"], project_id=two["A"])
    assert sstore.replace_suggestions(db, [two["aid"]], [dict(fresh)]) == 0
    assert open_ids(db, two["A"]) == [] and open_ids(db, two["B"]) == [sid]
    store.reopen_suggestion(db, sid, user_id=two["ann"], project_id=two["A"])
    assert sstore.replace_suggestions(db, [two["aid"]], [dict(fresh)]) == 1  # undecided again: replaced
    assert store.get_label(db, sid)["status"] == "deleted"  # kept (soft) for its history and decisions
    assert len(open_ids(db, two["A"])) == len(open_ids(db, two["B"])) == 1


def test_racing_accepts_in_one_open_project_leave_one_label_and_clear_conflicts(two, db_path):
    import threading

    from corpus import db as dbmod

    sid, barrier, outcomes = two["sugg"]["id"], threading.Barrier(4), []

    def decider(user_id: int, action: str) -> None:
        conn = dbmod.connect(db_path, migrate=False)
        barrier.wait()
        try:
            store.set_status(conn, sid, action, user_id=user_id, project_id=two["A"])
            outcomes.append("won")
        except store.AlreadyDecided:
            outcomes.append("decided")
        except Exception as exc:  # 'database is locked' would be a failure, not a conflict
            outcomes.append(f"error: {exc}")
        finally:
            conn.conn.close()

    threads = [threading.Thread(target=decider, args=args) for args in
               ((two["ann"], "accept"), (two["eve"], "accept"), (two["ann"], "reject"), (two["eve"], "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["decided"] * 3 + ["won"], outcomes
    live = store_decisions.list_decisions(two["db"], two["A"])
    assert len(live) == 1
    humans = store.list_labels(two["db"], project_id=two["A"], sources=("human",))
    assert len(humans) == (1 if live[0]["decision"] == "accept" else 0)
