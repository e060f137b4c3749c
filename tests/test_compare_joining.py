"""Which story a new article joins: average-linkage cosine to each story, threshold per encoder."""
from __future__ import annotations

from compare import joining
from compare import store as cstore
from tests.factories import make_article

FACIAL = ("La police utilise un logiciel de reconnaissance faciale depuis 2015.\n"
          "Le ministère de l'Intérieur dit n'avoir rien à cacher.\n")
FACIAL_2 = ("La police utilise un logiciel de reconnaissance faciale israélien depuis 2015.\n"
            "Le ministère de l'Intérieur affirme n'avoir rien à cacher.\n")
FOOT = ("Le club de football a gagné le match de dimanche trois buts à zéro.\n"
        "L'entraîneur salue une équipe en grande forme avant la coupe.\n")


def test_nearest_story_is_the_one_about_the_same_event_and_it_is_joined(db, fake_encoder):
    a, b, c = (make_article(db, t, o, passages="lines") for t, o in ((FACIAL, "A"), (FOOT, "B"), (FACIAL_2, "C")))
    facial, foot = cstore.create_story(db, [a], "Facial"), cstore.create_story(db, [b], "Foot")
    ranked = joining.nearest_stories(db, c, fake_encoder)
    assert [x.story_id for x in ranked] == [facial, foot] and ranked[0].score > ranked[1].score
    assert joining.choose_story(ranked, fake_encoder.model_id) == ranked[0]


def test_no_story_close_enough_means_a_new_story(db, fake_encoder):
    weather = "Heavy snowfall hit Tokyo overnight; 42 flights were cancelled at Haneda.\nTrains run late.\n"
    b, c = make_article(db, weather, "B", passages="lines"), make_article(db, FACIAL, "C", passages="lines")
    cstore.create_story(db, [b], "Foot")
    ranked = joining.nearest_stories(db, c, fake_encoder)
    assert ranked and joining.choose_story(ranked, fake_encoder.model_id) is None
    assert joining.choose_story([], fake_encoder.model_id) is None


def test_stories_already_holding_the_article_are_not_candidates(db, fake_encoder):
    a, c = make_article(db, FACIAL, "A", passages="lines"), make_article(db, FACIAL_2, "C", passages="lines")
    held = cstore.create_story(db, [a, c], "Both")
    assert all(x.story_id != held for x in joining.nearest_stories(db, c, fake_encoder))


def test_membership_changes_make_a_story_manual(db):
    a, b = make_article(db, FACIAL, "A", passages="lines"), make_article(db, FOOT, "B", passages="lines")
    sid = cstore.create_story(db, [a], None, "auto")
    assert cstore.add_articles(db, sid, [b, a]) == [b]
    story = cstore.get_story(db, sid)
    assert story["article_ids"] == [a, b] and story["method"] == "manual"
    assert cstore.remove_article(db, sid, b) and not cstore.remove_article(db, sid, b)
    cstore.rename_story(db, sid, "Renamed")
    assert cstore.get_story(db, sid)["title"] == "Renamed"


def test_with_the_default_encoder_an_upload_joins_by_the_learned_pair_probability(db):
    """Real USE: the pair model (compare.story_pairs) scores the upload against each story, so
    joining decides as clustering does; the event of the same week stays a separate story."""
    from compare.embed import get_encoder
    from tests.test_compare_story_pairs import BACKGROUND, TEXTS

    use = get_encoder("use")
    made = {key: make_article(db, text, f"Outlet {key}", title=key)
            for key, text in TEXTS.items()}
    for i, text in enumerate(BACKGROUND):
        cstore.create_story(db, [make_article(db, text, f"Other {i}")], None)
    panel, bill = cstore.create_story(db, [made["panel_a"]], "Panel"), cstore.create_story(db, [made["bill_a"]], "Bill")
    for new, story in ((made["panel_b"], panel), (made["bill_b"], bill)):
        ranked = joining.nearest_stories(db, new, use)
        assert ranked[0].story_id == story and ranked[0].measure == "probability"
        assert 0 < ranked[0].cut < 1 and ranked[0].score > ranked[1].score
        assert joining.choose_story(ranked, use.model_id) == ranked[0]


def test_words_are_weighed_against_other_stored_articles_when_few_are_analysed(db, monkeypatch):
    """Two articles analysed alone would make every shared word look rare to the story pair
    model: the other stored articles join its word weights (IDF), never its decisions."""
    from compare import pipeline, stories
    from compare.embed import get_encoder
    from tests.test_compare_story_pairs import BACKGROUND, TEXTS

    others = [make_article(db, text, f"Other {i}") for i, text in enumerate(BACKGROUND)]
    pair = [make_article(db, TEXTS[key], f"Outlet {key}", title=key) for key in ("panel_a", "panel_b")]
    real, seen = stories.cluster, {}

    def recording(ids, *args, **kwargs):
        seen["ids"], seen["background"] = ids, args[5] if len(args) > 5 else kwargs.get("background")
        return real(ids, *args, **kwargs)

    monkeypatch.setattr(stories, "cluster", recording)
    result = pipeline.run_compare(db, pair, get_encoder("use"))
    assert sorted(seen["ids"]) == sorted(pair) and len(seen["background"]) == len(others)
    assert [sorted(s["article_ids"]) for s in result["stories"]] == [sorted(pair)]
