"""annotate.campaign.agreement checked against hand computations; annotate.campaign.workflow on a real database."""
from __future__ import annotations

import pytest

from annotate.campaign import agreement
from annotate.campaign import workflow as campaign
from annotate.labels import store
from annotate.labels.schemes import LabelError
from tests.factories import make_article, make_project, make_story, make_user, passages_of

# The synthetic two-annotator case (also in bench/agreement_synthetic.py):
#   item: 1  2  3  4  5  6  7  8  9  10
#   A:    F  F  F  F  Q  Q  Q  E  E  E
#   B:    F  F  F  Q  Q  Q  E  E  E  F
A = list("FFFFQQQEEE")
B = list("FFFQQQEEEF")


def test_cohen_kappa_matches_hand_computation():
    # po = 7/10 = 0.70 (items 1-3, 5-6, 8-9 agree)
    # marginals A: F4 Q3 E3, B: F4 Q3 E3 -> pe = (4*4 + 3*3 + 3*3) / 100 = 0.34
    # kappa = (0.70 - 0.34) / (1 - 0.34) = 0.36 / 0.66 = 0.545454...
    assert agreement.cohen_kappa(A, B) == pytest.approx(0.36 / 0.66)


def test_fleiss_kappa_matches_hand_computation():
    # two raters: P_i = 1 when they agree, 0 otherwise -> P_bar = 0.7
    # pooled proportions: F 8/20, Q 6/20, E 6/20 -> Pe = 0.16 + 0.09 + 0.09 = 0.34
    # kappa = (0.7 - 0.34) / 0.66 = 0.5454...
    assert agreement.fleiss_kappa(list(zip(A, B))) == pytest.approx(0.36 / 0.66)


def test_fleiss_kappa_three_raters_hand_computation():
    # items (3 raters): [F,F,F] P=1, [F,F,Q] P=(4+1-3)/6=1/3, [Q,Q,Q] P=1, [E,Q,F] P=0
    # P_bar = (1 + 1/3 + 1 + 0) / 4 = 7/12; totals F 6, Q 5, E 1 of 12
    # Pe = (36 + 25 + 1) / 144 = 62/144; kappa = (7/12 - 62/144) / (1 - 62/144) = 22/82
    items = [list("FFF"), list("FFQ"), list("QQQ"), list("EQF")]
    assert agreement.fleiss_kappa(items) == pytest.approx(22 / 82)


def test_krippendorff_alpha_matches_hand_computation():
    # coincidences: 3 disagreeing units contribute 2 off-diagonal pairs each -> 6 of n = 20 values
    # n_F = 8, n_Q = 6, n_E = 6 -> sum_{c!=k} n_c n_k = 400 - (64 + 36 + 36) = 264
    # alpha = 1 - (n - 1) * 6 / 264 = 1 - 114/264 = 0.568181...
    units = {i: {"a": x, "b": y} for i, (x, y) in enumerate(zip(A, B))}
    assert agreement.krippendorff_alpha(units) == pytest.approx(1 - 114 / 264)


def test_undefined_coefficients_are_none_not_nan():
    assert agreement.cohen_kappa(["F", "F"], ["F", "F"]) is None
    assert agreement.krippendorff_alpha({1: {"a": "F", "b": "F"}}) is None
    with pytest.raises(ValueError):
        agreement.fleiss_kappa([["F", "F"], ["F"]])


def test_span_f1_char_and_token_overlap():
    # A: F covers 0-3, Q covers 6-9 ; B: F covers 2-5, Q covers 6-7
    # F: |A∩B| = 2, |A|+|B| = 8 -> 0.5 ; Q: 2, 6 -> 2/3 ; micro 2*4/14 = 4/7
    res = agreement.span_f1([(0, 4, "F"), (6, 10, "Q")], [(2, 6, "F"), (6, 8, "Q")])
    assert res["per_label"] == {"F": pytest.approx(0.5), "Q": pytest.approx(2 / 3)}
    assert res["f1"] == pytest.approx(4 / 7)
    # tokens un(0,2) deux(3,7) trois(8,13) quatre(14,20): A -> {un, deux}, B -> {deux, trois}: 2*1/4
    tok = agreement.span_f1([(0, 7, "F")], [(5, 13, "F")], text="un deux trois quatre", unit="token")
    assert tok["f1"] == pytest.approx(0.5)


def test_plan_assignments_is_balanced_round_robin():
    plan = campaign.plan_assignments(["p0", "p1", "p2", "p3"], [1, 2, 3], 2)
    assert plan == [("p0", 1), ("p0", 2), ("p1", 3), ("p1", 1), ("p2", 2), ("p2", 3), ("p3", 1), ("p3", 2)]
    again = campaign.plan_assignments(["p0", "p1", "p2", "p3"], [1, 2, 3], 2, existing=plan)
    assert again == []


@pytest.fixture
def campaign_db(db):
    cur = make_user(db, "cura", "curator")
    a, b = make_user(db, "ann"), make_user(db, "ben")
    text = "\n".join(f"Phrase numéro {i} du ministre 🎉 « dit-il »." for i in range(10)) + "\n"
    aid = make_article(db, text, "Outlet A", passages="lines")
    story = make_story(db, [aid])
    pid = make_project(db, "c", created_by=cur, story_ids=[story], members=[(a, "annotator"), (b, "annotator")],
                       blind=True, k=2)
    names = {"F": "sourced_fact", "Q": "quotation", "E": "editorial_framing"}
    ps = passages_of(db, aid)
    for p, la, lb in zip(ps, A, B):
        store.add_label(db, p["id"], names[la], annotator_id=a, project_id=pid)
        store.add_label(db, p["id"], names[lb], annotator_id=b, project_id=pid)
    return {"db": db, "cur": cur, "a": a, "b": b, "pid": pid, "ps": ps, "aid": aid}


def test_assign_gives_every_passage_k_annotators(campaign_db):
    db, pid = campaign_db["db"], campaign_db["pid"]
    result = campaign.assign(db, pid)
    assert result["added"] == 20 and result["per_user"] == {campaign_db["a"]: 10, campaign_db["b"]: 10}
    assert campaign.assign(db, pid)["added"] == 0
    assert all(x["done"] for x in store.list_assignments(db, pid, campaign_db["a"]))


def test_assign_without_annotators_is_an_error(db):
    pid = make_project(db, "empty")
    with pytest.raises(LabelError, match="no annotators"):
        campaign.assign(db, pid)


def test_blind_mode_shows_only_own_labels_and_suggestions(campaign_db):
    db, pid, a, b = campaign_db["db"], campaign_db["pid"], campaign_db["a"], campaign_db["b"]
    store.add_label(db, campaign_db["ps"][0]["id"], "quotation", source="model", prob=0.7)
    view = campaign.annotator_view(db, pid, a)
    assert {r["annotator_id"] for r in view if r["source"] == "human"} == {a}
    assert any(r["source"] == "model" for r in view)
    assert len([r for r in campaign.annotator_view(db, pid, campaign_db["cur"]) if r["source"] == "human"]) == 20
    store.update_project(db, pid, blind=False)
    assert {r["annotator_id"] for r in campaign.annotator_view(db, pid, a) if r["source"] == "human"} == {a, b}


def test_project_agreement_reproduces_hand_values(campaign_db):
    report = campaign.project_agreement(campaign_db["db"], campaign_db["pid"])
    assert report["items_shared"] == 10
    assert report["pairs"][0]["cohen_kappa"] == pytest.approx(0.36 / 0.66)
    assert report["overall"]["fleiss_kappa"] == pytest.approx(0.36 / 0.66)
    assert report["overall"]["krippendorff_alpha"] == pytest.approx(1 - 114 / 264)
    assert report["overall"]["percent"] == pytest.approx(0.7)
    assert report["spans"][0]["passages"] == 10
    # whole-passage labels: char F1 = share of characters on agreeing passages (7 of 10, same lengths)
    assert report["spans"][0]["char_f1"] == pytest.approx(0.7)
    assert report["spans"][0]["token_f1"] == pytest.approx(0.7)  # same token count on every line


def test_adjudication_and_scoring_against_gold(campaign_db):
    db, pid, a, b, ps = (campaign_db[k] for k in ("db", "pid", "a", "b", "ps"))
    queue = campaign.disagreements(db, pid, only_open=True)
    assert [q["passage_id"] for q in queue] == [ps[3]["id"], ps[6]["id"], ps[9]["id"]]
    # gold = annotator A's labels everywhere: pick A's annotation on each passage
    for p in ps:
        mine = store.list_labels(db, project_id=pid, passage_id=p["id"], annotator_id=a)[0]
        campaign.adjudicate(db, pid, p["id"], decided_by=campaign_db["cur"], annotation_id=mine["id"])
    assert campaign.disagreements(db, pid, only_open=True) == []
    assert campaign.score_annotator(db, pid, a)["accuracy"] == 1.0
    score = campaign.score_annotator(db, pid, b)
    # B vs gold (=A): accuracy 7/10; sourced_fact: tp 3, fp 1 (item 10), fn 1 (item 4) -> P=R=F1=0.75
    assert score["accuracy"] == pytest.approx(0.7)
    assert score["per_label"]["sourced_fact"]["f1"] == pytest.approx(0.75)
    edited = campaign.adjudicate(db, pid, ps[3]["id"], decided_by=campaign_db["cur"], label="quotation")
    assert edited["version"] == 2 and len(store.list_gold(db, pid, ps[3]["id"])) == 1
    assert campaign.score_annotator(db, pid, b)["accuracy"] == pytest.approx(0.8)
