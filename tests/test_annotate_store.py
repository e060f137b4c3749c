"""annotate.labels.store: label writes are validated, versioned and recorded in history."""
from __future__ import annotations

import pytest

from annotate.labels import store
from annotate.labels.schemes import LabelError
from tests.factories import make_article, make_project, make_story, make_user, passages_of

TEXT = "Le ministre a signé l’accord 🎉.\n# Facebook Twitter\n« C’est un scandale », dit Anne Dupont.\n"


@pytest.fixture
def setup(db):
    alice = make_user(db, "alice")
    bob = make_user(db, "bob")
    aid = make_article(db, TEXT, "Outlet A", passages="lines")
    story = make_story(db, [aid])
    pid = make_project(db, "p", created_by=alice, story_ids=[story], members=[(bob, "annotator")])
    return {"db": db, "alice": alice, "bob": bob, "aid": aid, "pid": pid, "passages": passages_of(db, aid)}


def test_whole_passage_label_gets_passage_offsets_and_history(setup):
    db, p0 = setup["db"], setup["passages"][0]
    row = store.add_label(db, p0["id"], "sourced_fact", annotator_id=setup["bob"], project_id=setup["pid"])
    assert (row["start"], row["end"], row["version"], row["status"]) == (p0["start"], p0["end"], 1, "active")
    hist = store.history(db, row["id"])
    assert [h["action"] for h in hist] == ["create"]
    assert hist[0]["before"] is None and hist[0]["after"]["label"] == "sourced_fact"
    assert hist[0]["username"] == "bob"


def test_unknown_label_is_rejected_with_allowed_names(setup):
    with pytest.raises(LabelError, match="unknown label 'opinion'.*sourced_fact"):
        store.add_label(setup["db"], setup["passages"][0]["id"], "opinion", project_id=setup["pid"])


def test_custom_scheme_accepts_its_own_labels_only(setup):
    db = setup["db"]
    pid = make_project(db, "custom", scheme=[{"name": "claim", "color": "#112233", "key": "c"}])
    assert [d.name for d in store.get_scheme(db, pid)] == ["claim"]
    store.add_label(db, setup["passages"][0]["id"], "claim", project_id=pid)
    with pytest.raises(LabelError):
        store.add_label(db, setup["passages"][0]["id"], "quotation", project_id=pid)


def test_span_outside_passage_is_rejected(setup):
    p0 = setup["passages"][0]
    with pytest.raises(LabelError, match="not inside passage"):
        store.add_label(setup["db"], p0["id"], "quotation", start=p0["start"], end=p0["end"] + 1)
    with pytest.raises(LabelError):
        store.add_label(setup["db"], p0["id"], "quotation", start=3, end=3)


def test_boilerplate_passage_cannot_be_labelled(setup):
    boiler = setup["passages"][1]
    assert boiler["content"] == 0
    with pytest.raises(LabelError, match="boilerplate is not labelled"):
        store.add_label(setup["db"], boiler["id"], "sourced_fact")


def test_speaker_span_text_is_taken_from_article_and_checked(setup):
    db, p2 = setup["db"], setup["passages"][2]
    s = TEXT.index("Anne Dupont")
    row = store.add_label(db, p2["id"], "quotation", start=p2["start"], end=TEXT.index(" »") + 2,
                          speaker_start=s, speaker_end=s + 11, annotator_id=setup["bob"])
    assert row["speaker_text"] == "Anne Dupont"
    assert TEXT[row["start"]:row["end"]] == "« C’est un scandale »"
    with pytest.raises(LabelError, match="does not match"):
        store.add_label(db, p2["id"], "quotation", speaker_start=s, speaker_end=s + 4, speaker_text="Bob")
    with pytest.raises(LabelError, match="not inside the article"):
        store.add_label(db, p2["id"], "quotation", speaker_start=s, speaker_end=len(TEXT) + 5)


def test_update_with_stale_version_raises_with_current_row(setup):
    db, p0 = setup["db"], setup["passages"][0]
    row = store.add_label(db, p0["id"], "sourced_fact", annotator_id=setup["bob"], project_id=setup["pid"])
    updated = store.update_label(db, row["id"], {"label": "editorial_framing"}, user_id=setup["bob"],
                                 expected_version=1)
    assert updated["version"] == 2
    with pytest.raises(store.StaleVersion) as err:
        store.update_label(db, row["id"], {"label": "quotation"}, user_id=setup["alice"], expected_version=1)
    assert err.value.current["label"] == "editorial_framing" and err.value.current["version"] == 2
    with pytest.raises(store.StaleVersion):
        store.delete_label(db, row["id"], user_id=setup["alice"], expected_version=1)
    hist = store.history(db, row["id"])
    assert [h["action"] for h in hist] == ["update", "create"]
    assert hist[0]["before"]["label"] == "sourced_fact" and hist[0]["after"]["label"] == "editorial_framing"


def test_invalid_update_changes_nothing(setup):
    db, p0 = setup["db"], setup["passages"][0]
    row = store.add_label(db, p0["id"], "sourced_fact", project_id=setup["pid"])
    with pytest.raises(LabelError):
        store.update_label(db, row["id"], {"label": "nope"}, user_id=None, expected_version=1)
    assert store.get_label(db, row["id"])["version"] == 1
    assert len(store.history(db, row["id"])) == 1


def test_delete_is_soft_and_hidden_from_listing(setup):
    db, p0 = setup["db"], setup["passages"][0]
    row = store.add_label(db, p0["id"], "sourced_fact", project_id=setup["pid"])
    store.delete_label(db, row["id"], user_id=setup["alice"], expected_version=1)
    assert store.list_labels(db, project_id=setup["pid"]) == []
    assert store.get_label(db, row["id"])["status"] == "deleted"
    assert store.history(db, row["id"])[0]["action"] == "delete"


def test_accept_suggestion_creates_human_label_and_reject_hides_it_in_the_project(setup):
    db, p0, p2 = setup["db"], setup["passages"][0], setup["passages"][2]
    sugg = store.add_label(db, p0["id"], "sourced_fact", source="model", prob=0.83, model="clf")
    human = store.set_status(db, sugg["id"], "accept", user_id=setup["bob"], project_id=setup["pid"],
                             expected_version=1)
    assert human["source"] == "human" and human["origin_id"] == sugg["id"]
    assert human["project_id"] == setup["pid"] and human["annotator_id"] == setup["bob"]
    assert store.get_label(db, sugg["id"])["status"] == "active"  # still open for other projects
    other = store.add_label(db, p2["id"], "quotation", source="rule", prob=0.6)
    rejected = store.set_status(db, other["id"], "reject", user_id=setup["bob"], project_id=setup["pid"])
    assert rejected["status"] == "rejected" and rejected["id"] == other["id"]
    labels = store.list_labels(db, project_id=setup["pid"])
    assert [(r["source"], r["label"]) for r in labels] == [("human", "sourced_fact")]
    assert [h["action"] for h in store.history(db, sugg["id"])] == ["accept", "create"]
    assert store.history(db, sugg["id"])[0]["project_id"] == setup["pid"]


def test_project_less_reject_keeps_the_old_global_behaviour(setup):
    db, p2 = setup["db"], setup["passages"][2]
    other = store.add_label(db, p2["id"], "quotation", source="rule", prob=0.6)
    rejected = store.set_status(db, other["id"], "reject", user_id=setup["bob"])
    assert rejected["status"] == "rejected" == store.get_label(db, other["id"])["status"]
    assert store.list_labels(db, project_id=setup["pid"]) == []


def test_accept_refuses_human_labels_and_bad_probability(setup):
    db, p0 = setup["db"], setup["passages"][0]
    human = store.add_label(db, p0["id"], "sourced_fact")
    with pytest.raises(LabelError, match="not a suggestion"):
        store.set_status(db, human["id"], "accept", user_id=None)
    with pytest.raises(LabelError, match="outside"):
        store.add_label(db, p0["id"], "quotation", source="model", prob=1.5)


def test_duplicate_label_is_refused(setup):
    db, p0 = setup["db"], setup["passages"][0]
    store.add_label(db, p0["id"], "sourced_fact", annotator_id=setup["bob"], project_id=setup["pid"])
    with pytest.raises(LabelError, match="already exists"):
        store.add_label(db, p0["id"], "sourced_fact", annotator_id=setup["bob"], project_id=setup["pid"])


def test_projects_members_and_scheme(setup):
    db, pid = setup["db"], setup["pid"]
    project = store.get_project(db, pid)
    assert [l["key"] for l in project["labels"]] == ["1", "2", "3"]
    assert store.member_role(db, pid, setup["alice"]) == "curator"
    assert [p["id"] for p in store.list_projects(db, user_id=setup["bob"])] == [pid]
    with pytest.raises(LabelError, match="unknown role"):
        store.add_member(db, pid, setup["bob"], "boss")
    store.add_label(db, setup["passages"][0]["id"], "quotation", project_id=pid)
    with pytest.raises(LabelError, match="still in use"):
        store.set_scheme(db, pid, [{"name": "sourced_fact"}])
    assert len(store.project_passages(db, pid)) == 2
    with pytest.raises(store.NotFound):
        store.get_project(db, 999)


def test_gold_label_versions(setup):
    db, pid, p0 = setup["db"], setup["pid"], setup["passages"][0]
    gold = store.set_gold(db, pid, p0["id"], "sourced_fact", decided_by=setup["alice"])
    gold2 = store.set_gold(db, pid, p0["id"], "quotation", decided_by=setup["alice"], gold_id=gold["id"],
                           expected_version=1)
    assert gold2["version"] == 2 and gold2["label"] == "quotation"
    with pytest.raises(store.StaleVersion):
        store.set_gold(db, pid, p0["id"], "sourced_fact", decided_by=None, gold_id=gold["id"], expected_version=1)


def test_accept_with_stale_version_changes_nothing(setup):
    db, p0 = setup["db"], setup["passages"][0]
    sugg = store.add_label(db, p0["id"], "sourced_fact", source="model", prob=0.5)
    store.set_status(db, sugg["id"], "reject", user_id=setup["bob"], expected_version=1)
    with pytest.raises(store.StaleVersion) as err:
        store.set_status(db, sugg["id"], "accept", user_id=setup["alice"], expected_version=1)
    assert err.value.current["status"] == "rejected"
    assert store.list_labels(db, sources=("human",)) == []


def test_accepting_what_the_annotator_already_has_returns_their_label(setup):
    db, p0 = setup["db"], setup["passages"][0]
    mine = store.add_label(db, p0["id"], "sourced_fact", annotator_id=setup["bob"], project_id=setup["pid"])
    sugg = store.add_label(db, p0["id"], "sourced_fact", source="model", prob=0.9)
    assert store.set_status(db, sugg["id"], "accept", user_id=setup["bob"], project_id=setup["pid"])["id"] == mine["id"]
    assert store.list_labels(db, project_id=setup["pid"], sources=("model",)) == []
    store.reopen_suggestion(db, sugg["id"], user_id=setup["bob"], project_id=setup["pid"])
    assert store.get_label(db, mine["id"])["status"] == "active"  # undo keeps a label it did not create


def test_project_listing_includes_suggestions_of_its_articles_only(setup):
    db = setup["db"]
    elsewhere = make_article(db, "Un autre article sans projet.\n", "Outlet B", passages="lines")
    store.add_label(db, passages_of(db, elsewhere)[0]["id"], "sourced_fact", source="model", prob=0.9)
    inside = store.add_label(db, setup["passages"][0]["id"], "quotation", source="rule", prob=0.8)
    assert [r["id"] for r in store.list_labels(db, project_id=setup["pid"])] == [inside["id"]]
    assert store.list_labels(db, project_id=setup["pid"], with_suggestions=False) == []
