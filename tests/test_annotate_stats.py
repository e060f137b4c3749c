"""annotate.campaign.stats: shares by passages and characters, additions, quoted speakers, changed quotes."""
from __future__ import annotations

import math

import pytest

from annotate.campaign import speaker_names, stats
from annotate.labels import store
from tests.factories import make_alignment_run, make_article, make_story, make_user, passages_of

A = ("L’armée a fourni des renseignements 🎯 dès 2016.\n"
     "« Nous avons été trompés », affirme Anne Dupont.\n")
B = ("Selon Disclose, « l’armée a fourni des renseignements dès 2016 ».\n"
     "Le ministre a reconnu avoir été trompé.\n"
     "Un scandale d’État.\n")


@pytest.fixture
def story(db):
    ann = make_user(db, "ann")
    a, b = make_article(db, A, "Disclose", passages="lines"), make_article(db, B, "RP", passages="lines")
    pa, pb = passages_of(db, a), passages_of(db, b)
    sid = make_story(db, [a, b])
    make_alignment_run(db, sid, [(pa[0]["id"], pb[0]["id"], "quoted"), (pa[1]["id"], pb[1]["id"], "paraphrase")])
    store.add_label(db, pa[0]["id"], "sourced_fact", annotator_id=ann)
    s, e = A.index("«"), A.index("»") + 1
    spk = A.index("Anne Dupont")
    store.add_label(db, pa[1]["id"], "quotation", start=s, end=e, speaker_start=spk, speaker_end=spk + 11,
                    annotator_id=ann)
    store.add_label(db, pb[0]["id"], "quotation", speaker_text="Disclose", annotator_id=ann)
    m = B.index("Le ministre")
    store.add_label(db, pb[1]["id"], "quotation", source="model", prob=0.7, speaker_start=m, speaker_end=m + 11)
    store.add_label(db, pb[1]["id"], "sourced_fact", source="model", prob=0.2)
    store.add_label(db, pb[2]["id"], "editorial_framing", source="rule", prob=0.9)
    return {"db": db, "sid": sid, "a": a, "b": b, "pa": pa, "pb": pb}


def test_shares_by_passages_and_characters_with_basis(story):
    result = stats.stats(story["db"], story["sid"])
    out = {o["outlet"]: o for o in result["stories"][0]["outlets"]}
    assert out["Disclose"]["by_passages"] == {"quotation": 0.5, "sourced_fact": 0.5}
    la, lb = (p["end"] - p["start"] for p in story["pa"])
    assert out["Disclose"]["by_chars"]["sourced_fact"] == pytest.approx(la / (la + lb))
    assert out["RP"]["by_passages"] == {"editorial_framing": pytest.approx(1 / 3), "quotation": pytest.approx(2 / 3)}
    assert out["RP"]["basis"] == {"human": 1, "suggestion": 2}
    assert result["outlets"]["RP"]["labelled"] == 3


def test_additions_are_unaligned_passages_of_latest_run(story):
    out = {o["outlet"]: o for o in stats.stats(story["db"], story["sid"])["stories"][0]["outlets"]}
    assert out["RP"]["additions"] == [story["pb"][2]["id"]] and out["Disclose"]["additions"] == []


def test_who_is_quoted_and_diversity(story):
    quoted = stats.stats(story["db"], story["sid"])["stories"][0]["quoted"]
    assert {s["speaker"] for s in quoted["speakers"]} == {"Anne Dupont", "Disclose", "Le ministre"}
    assert quoted["distinct"] == 3 and quoted["entropy_bits"] == pytest.approx(math.log2(3), abs=1e-4)


def test_changed_quote_is_reported_with_its_changes(story):
    changed = stats.stats(story["db"], story["sid"])["stories"][0]["changed_quotes"]
    assert len(changed) == 1
    assert changed[0]["changes"] == ["attributed_differently", "paraphrased"]
    assert changed[0]["a_quote"] == "« Nous avons été trompés »" and changed[0]["b_speaker"] == "Le ministre"


def test_speaker_normalisation_and_entropy():
    assert stats.normalise_speaker("  « Anne  DUPONT », ") == "anne dupont"
    assert stats.entropy(stats.Counter({"a": 2, "b": 2})) == pytest.approx(1.0)
    assert stats.quote_change({"start": 0, "end": 9, "speaker_text": "X"}, {"start": 0, "end": 12, "speaker_text": "x"},
                              "« a b c »", "« a (…) c »", "quoted") == ["cut"]


@pytest.mark.parametrize("mention, name", [
    ("Chief executive Maria Olsen", "Maria Olsen"), ("Local TD Sinead Burke", "Sinead Burke"),
    ("Prime Minister Keir Starmer", "Keir Starmer"), ("le ministre Gérald Darmanin", "Gérald Darmanin"),
    ("M. Dupont", "Dupont"), ("Charles de Gaulle", "Charles de Gaulle"),
    ("Tom Haley, who represents the workers", "Tom Haley"),
    ("Le vice-président chargé des mobilités, Bertrand Affilé", "Bertrand Affilé"), ("the European Commission", "European Commission"),
    ("le maire de Lyon, Jean Dupont", "Jean Dupont"), ("Le président de la République, Emmanuel Macron", "Emmanuel Macron"),
    ("The head of the BBC, Tim Davie", "Tim Davie"), ("Local TD Sinead Burke, a TD for Carlow", "Sinead Burke"),
    ("the mayor of Dublin, Emma Blain, who chairs the council", "Emma Blain"),
    ("Un porte-parole de la SNCF, contacté par Le Monde", "SNCF"), ("A spokesperson for Ryanair, speaking to the BBC", "Ryanair"),
    ("the regional development agency", None), ("Place au vélo", None), ("Department of State", "Department of State"), ("Bruno Le Maire", "Bruno Le Maire"),
    ("M. Le Pen", "Le Pen"), ("le ministre de la Santé", None), ("the head of the BBC", None)])
def test_a_speakers_name_is_what_follows_their_title_or_role(mention, name):
    assert speaker_names.name_core(mention) == name


def test_one_person_under_several_mentions_is_one_speaker_and_a_shared_surname_stays_apart():
    keys = speaker_names.speaker_keys(["Chief executive Maria Olsen", "Olsen", "Union representative Tom Haley",
                                       "Tom Haley", "Haley", "the company", "Anne Martin", "Paul Martin", "Martin"])
    assert keys["Olsen"] == keys["Chief executive Maria Olsen"] == "maria olsen"
    assert keys["Haley"] == keys["Tom Haley"] == keys["Union representative Tom Haley"]
    assert keys["Martin"] == "martin" and keys["the company"] == "the company"  # two Martins: nothing guessed
    more = speaker_names.speaker_keys(["Mme Le Pen", "Marine Le Pen", "Leader", "the labour leader", "le maire", "Bruno Le Maire"])
    assert more["Mme Le Pen"] == "marine le pen" and more["Leader"] == "leader"  # a name, not a role noun, takes a surname in
    assert more["le maire"] != more["Bruno Le Maire"]
    a, b = {"start": 0, "end": 5, "speaker_text": "Union representative Tom Haley"}, {"start": 0, "end": 5, "speaker_text": "Haley"}
    assert stats.quote_change(a, b, "« x »", "« x »", "verbatim", keys) is None
    assert stats.quote_change(a, {**b, "speaker_text": "Olsen"}, "« x »", "« x »", "verbatim", keys) == ["attributed_differently"]


def test_an_outlets_journalist_is_one_person_and_two_departments_stay_two_speakers():
    keys = speaker_names.speaker_keys(["CNN's Jake Tapper", "Jake Tapper", "Tapper", "the BBC's Laura Kuenssberg",
                                       "Kuenssberg", "the Justice Department", "the State Department"])
    assert keys["CNN's Jake Tapper"] == keys["Tapper"] == "jake tapper"
    assert keys["Kuenssberg"] == keys["the BBC's Laura Kuenssberg"] == "laura kuenssberg"
    assert (keys["the Justice Department"], keys["the State Department"]) == ("justice department", "state department")


def test_who_is_quoted_counts_a_person_once_across_outlets_naming_them_differently(db):
    ann = make_user(db, "ann")
    ta, tb = "“We tried,” said Chief executive Maria Olsen.\n", "Olsen said: “We tried everything.”\n"
    a, b = make_article(db, ta, "Tribune", passages="lines"), make_article(db, tb, "Observer", passages="lines")
    pa, pb = passages_of(db, a), passages_of(db, b)
    sid = make_story(db, [a, b])
    make_alignment_run(db, sid, [(pa[0]["id"], pb[0]["id"], "paraphrase")])
    for text, passage in ((ta, pa[0]), (tb, pb[0])):
        q, who = text.index("“"), text.index("Olsen") - (len("Chief executive Maria ") if text is ta else 0)
        store.add_label(db, passage["id"], "quotation", start=q, end=text.index("”") + 1, speaker_start=who,
                        speaker_end=text.index("Olsen") + 5, annotator_id=ann)
    result = stats.stats(db, sid)["stories"][0]
    assert [(s["speaker"], s["count"]) for s in result["quoted"]["speakers"]] == [("Chief executive Maria Olsen", 2)]
    assert result["changed_quotes"][0]["changes"] == ["paraphrased"]  # not "attributed differently"


def test_unknown_story_is_not_found(story):
    with pytest.raises(store.NotFound):
        stats.stats(story["db"], 999)


def test_project_scope_counts_only_that_projects_labels(story):
    from tests.factories import make_project

    db, pa, pb = story["db"], story["pa"], story["pb"]
    ann = make_user(db, "eve")
    p1 = make_project(db, "one", story_ids=[story["sid"]])
    p2 = make_project(db, "two", story_ids=[story["sid"]])
    store.add_label(db, pa[0]["id"], "editorial_framing", annotator_id=ann, project_id=p1)
    framing = next(r for r in store.list_labels(db, project_id=p2) if r["label"] == "editorial_framing")
    store.set_status(db, framing["id"], "reject", user_id=ann, project_id=p2)
    one = {o["outlet"]: o for o in stats.stats(db, project_id=p1)["stories"][0]["outlets"]}
    assert one["Disclose"]["by_passages"] == {"editorial_framing": 1.0}  # the project-less human labels do not count
    assert one["RP"]["by_passages"] == {"editorial_framing": 0.5, "quotation": 0.5}  # suggestions only
    two = {o["outlet"]: o for o in stats.stats(db, story["sid"], project_id=p2)["stories"][0]["outlets"]}
    assert two["Disclose"]["by_passages"] == {} and two["RP"]["by_passages"] == {"quotation": 1.0}
    assert stats.stats(db)["stories"][0]["outlets"][0]["by_passages"] != {"editorial_framing": 1.0}
    with pytest.raises(store.NotFound, match="in project"):
        stats.stats(db, story["sid"] + 1, project_id=p1)


def test_a_suggested_passage_label_and_its_quote_span_count_as_one_quotation_with_its_speaker(db):
    text = "« C'est une erreur », a déclaré la ministre.\n"
    other = "La ministre a parlé d'une « erreur ».\n"
    a, b = make_article(db, text, "A", passages="lines"), make_article(db, other, "B", passages="lines")
    pa, pb = passages_of(db, a), passages_of(db, b)
    sid = make_story(db, [a, b])
    make_alignment_run(db, sid, [(pa[0]["id"], pb[0]["id"], "quoted")])
    for passage, body in ((pa[0], text), (pb[0], other)):
        store.add_label(db, passage["id"], "quotation", source="model", prob=0.8)  # the passage label
        s, e = body.index("«"), body.index("»") + 1
        spk = body.index("la ministre") if "la ministre" in body else body.index("La ministre")
        store.add_label(db, passage["id"], "quotation", source="rule", prob=0.9, start=s, end=e,
                        speaker_start=spk, speaker_end=spk + 11)
    story = stats.stats(db, sid)["stories"][0]
    assert story["quoted"]["quotations"] == 2 and story["quoted"]["unattributed"] == 0
    changed, = story["changed_quotes"]
    assert changed["a_quote"] == "« C'est une erreur »" and changed["b_quote"] == "« erreur »"
    assert changed["a_speaker"] == "la ministre" and changed["changes"] == ["edited"]


def test_the_stats_command_names_who_is_quoted_and_each_changed_quote(story, db_path):
    from click.testing import CliRunner

    from web.cli import main

    out = CliRunner().invoke(main, ["stats", "--story", str(story["sid"]), "--db", str(db_path)]).output
    assert "Anne Dupont 1" in out and "Disclose 1" in out and "Le ministre 1" in out
    assert "changed quotes: 1" in out and "Disclose → RP (attributed_differently, paraphrased)" in out
    assert "« Nous avons été trompés »" in out


def test_the_dashboards_quoted_list_counts_a_person_once_under_their_different_mentions(story):
    from web.dashboard_data import quoted

    a, b = story["a"], story["b"]
    rows = [{"label": "quotation", "speaker_text": "Chief executive Maria Olsen", "article_id": a},
            {"label": "quotation", "speaker_text": "Olsen", "article_id": b},
            {"label": "quotation", "speaker_text": "the agency", "article_id": b},
            {"label": "quotation", "speaker_text": "it", "article_id": b},
            {"label": "sourced_fact", "speaker_text": "Olsen", "article_id": b}]
    assert quoted(story["db"], 0, rows) == [
        {"speaker": "Chief executive Maria Olsen", "count": 2, "outlets": ["Disclose", "RP"]},
        {"speaker": "the agency", "count": 1, "outlets": ["RP"]}]


def test_the_dashboards_quoted_list_joins_a_lone_surname_only_within_its_own_story(db):
    from tests.factories import make_project
    from web.dashboard_data import quoted

    a, b = make_article(db, "Anne Martin spoke.\n", "Tribune"), make_article(db, "Martin spoke.\n", "Observer")
    project = make_project(db, story_ids=[make_story(db, [a]), make_story(db, [b])])
    rows = [{"label": "quotation", "speaker_text": "Anne Martin", "article_id": a},
            {"label": "quotation", "speaker_text": "Martin", "article_id": b}]
    assert sorted((q["speaker"], q["count"]) for q in quoted(db, project, rows)) == [("Anne Martin", 1), ("Martin", 1)]
    one = make_project(db, "one", story_ids=[make_story(db, [a, b])])
    assert [(q["speaker"], q["count"]) for q in quoted(db, one, rows)] == [("Anne Martin", 2)]


def test_quotes_of_aligned_passages_pair_by_shared_words_not_by_position():
    a = "He said the offer was not realistic and accused the company of planning the closure for months."
    b = "He said the company had planned the closure for months."
    qa = [{"start": a.index("the offer"), "end": a.index(" and")}, {"start": a.index("the company"), "end": len(a) - 1}]
    qb = [{"start": b.index("the company"), "end": len(b) - 1}]
    assert stats.quote_pairs(qa, qb, a, b) == [(qa[1], qb[0])]  # the second quote is the retold one
    assert stats.quote_pairs(qa[:1], qb, a, b) == [(qa[0], qb[0])]  # one quote each: the same quote, however reworded
    far = [{"start": 0, "end": 2}]  # "He" against "the company had planned …": nothing shared
    assert stats.quote_pairs(qa + far, qb, a, b) == [(qa[1], qb[0])]


def test_an_unresolved_pronoun_is_counted_as_unattributed_not_as_a_speaker():
    rows = [{"speaker_text": "It"}, {"speaker_text": "il"}, {"speaker_text": None}, {"speaker_text": "Maria Olsen"}]
    quoted = stats._speakers(rows)
    assert [s["speaker"] for s in quoted["speakers"]] == ["Maria Olsen"] and quoted["unattributed"] == 3
    a, b = {"start": 0, "end": 5, "speaker_text": "it"}, {"start": 0, "end": 5, "speaker_text": "the agency"}
    assert stats.quote_change(a, b, "« x »", "« x »", "verbatim") is None  # nor is it attributed differently


def test_the_project_dashboard_shows_a_speaker_under_their_fullest_mention_on_a_tie():
    from web.dashboard_data import stats_quoted

    def outlet(aid: str, name: str, speaker: str) -> dict:
        return {"article_id": aid, "outlet": name, "speakers": {"speakers": [{"speaker": speaker, "key": "maria olsen", "count": 1}]}}

    st = {"stories": [{"outlets": [outlet("a", "Observer", "Olsen"), outlet("b", "Tribune", "Chief executive Maria Olsen")]}]}
    assert stats_quoted(st) == [{"speaker": "Chief executive Maria Olsen", "count": 2, "outlets": ["Observer", "Tribune"]}]
