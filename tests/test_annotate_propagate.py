"""annotate.campaign.propagate: human labels become suggestions on aligned passages of other outlets."""
from __future__ import annotations

import pytest

from annotate.campaign import workflow as campaign
from annotate.campaign import propagate
from annotate.labels import store
from tests.factories import make_alignment_run, make_article, make_project, make_story, make_user, passages_of

DISCLOSE = ("L’armée a fourni des renseignements à l’Égypte dès février 2016 🎯.\n"
            "Le programme a coûté plusieurs millions d’euros.\n")
RP = ("Selon Disclose, « l’armée a fourni des renseignements à l’Égypte dès février 2016 ».\n"
      "Une opération qui a coûté des millions.\n"
      "Un scandale d’État qui éclabousse Macron.\n")


@pytest.fixture
def world(db):
    ann, other = make_user(db, "ann"), make_user(db, "oth")
    a = make_article(db, DISCLOSE, "Disclose", passages="lines")
    b = make_article(db, RP, "Révolution Permanente", passages="lines")
    pa, pb = passages_of(db, a), passages_of(db, b)
    story = make_story(db, [a, b])
    make_alignment_run(db, story, [(pa[0]["id"], pb[1]["id"], "paraphrase")])  # older run: ignored
    make_alignment_run(db, story, [(pa[0]["id"], pb[0]["id"], "quoted"), (pa[1]["id"], pb[1]["id"], "paraphrase")])
    pid = make_project(db, "p", story_ids=[story], members=[(ann, "annotator"), (other, "annotator")], blind=True)
    return {"db": db, "ann": ann, "other": other, "pa": pa, "pb": pb, "pid": pid}


def test_quoted_alignment_turns_sourced_fact_into_quotation_of_the_origin_outlet(world):
    db = world["db"]
    origin = store.add_label(db, world["pa"][0]["id"], "sourced_fact", annotator_id=world["ann"],
                             project_id=world["pid"])
    created = propagate.propagate_label(db, origin["id"])
    assert len(created) == 1
    sugg = created[0]
    assert (sugg["passage_id"], sugg["label"], sugg["source"]) == (world["pb"][0]["id"], "quotation", "propagated")
    assert sugg["speaker_text"] == "Disclose" and sugg["speaker_start"] is not None
    assert RP[sugg["speaker_start"]:sugg["speaker_end"]] == "Disclose"
    assert sugg["origin_id"] == origin["id"] and sugg["alignment_kind"] == "quoted"
    assert (sugg["start"], sugg["end"]) == (world["pb"][0]["start"], world["pb"][0]["end"])


def test_paraphrase_keeps_label_and_only_latest_run_counts(world):
    db = world["db"]
    origin = store.add_label(db, world["pa"][1]["id"], "sourced_fact", annotator_id=world["ann"],
                             project_id=world["pid"])
    created = propagate.propagate_label(db, origin["id"])
    assert [(c["passage_id"], c["label"], c["alignment_kind"]) for c in created] == [
        (world["pb"][1]["id"], "sourced_fact", "paraphrase")]
    # older run aligned pa[0] with pb[1]: a label on pa[0] must not reach pb[1]
    first = store.add_label(db, world["pa"][0]["id"], "editorial_framing", annotator_id=world["ann"],
                            project_id=world["pid"])
    assert {c["passage_id"] for c in propagate.propagate_label(db, first["id"])} == {world["pb"][0]["id"]}


def test_propagation_never_touches_human_labels_and_is_idempotent(world):
    db = world["db"]
    theirs = store.add_label(db, world["pb"][0]["id"], "editorial_framing", annotator_id=world["other"],
                             project_id=world["pid"])
    origin = store.add_label(db, world["pa"][0]["id"], "sourced_fact", annotator_id=world["ann"],
                             project_id=world["pid"])
    assert len(propagate.propagate_label(db, origin["id"])) == 1
    assert propagate.propagate_label(db, origin["id"]) == []
    assert store.get_label(db, theirs["id"]) == theirs


def test_changed_origin_withdraws_old_suggestion(world):
    db = world["db"]
    origin = store.add_label(db, world["pa"][1]["id"], "sourced_fact", annotator_id=world["ann"],
                             project_id=world["pid"])
    old = propagate.propagate_label(db, origin["id"])[0]
    store.update_label(db, origin["id"], {"label": "editorial_framing"}, user_id=world["ann"], expected_version=1)
    new = propagate.propagate_label(db, origin["id"])
    assert [n["label"] for n in new] == ["editorial_framing"]
    assert store.get_label(db, old["id"])["status"] == "deleted"


def test_span_label_maps_to_same_words_and_accept_makes_human_label(world):
    db, pa0 = world["db"], world["pa"][0]
    words = "renseignements à l’Égypte"
    s = DISCLOSE.index(words)
    origin = store.add_label(db, pa0["id"], "sourced_fact", start=s, end=s + len(words),
                             annotator_id=world["ann"], project_id=world["pid"])
    sugg = propagate.propagate_label(db, origin["id"])[0]
    assert RP[sugg["start"]:sugg["end"]] == words
    human = store.set_status(db, sugg["id"], "accept", user_id=world["ann"])
    assert human["source"] == "human" and RP[human["start"]:human["end"]] == words


def test_blind_mode_hides_suggestions_propagated_from_another_annotator(world):
    db = world["db"]
    origin = store.add_label(db, world["pa"][1]["id"], "sourced_fact", annotator_id=world["ann"],
                             project_id=world["pid"])
    propagate.propagate_label(db, origin["id"])
    assert any(r["source"] == "propagated" for r in campaign.annotator_view(db, world["pid"], world["ann"]))
    assert not any(r["source"] == "propagated" for r in campaign.annotator_view(db, world["pid"], world["other"]))


def test_propagate_project_counts_created(world):
    db = world["db"]
    store.add_label(db, world["pa"][0]["id"], "sourced_fact", annotator_id=world["ann"], project_id=world["pid"])
    store.add_label(db, world["pa"][1]["id"], "sourced_fact", annotator_id=world["ann"], project_id=world["pid"])
    assert propagate.propagate_project(db, world["pid"]) == 2
    assert propagate.propagate_project(db, world["pid"]) == 0
