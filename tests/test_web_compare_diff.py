"""Diffs that help: one combined diff for a one-to-many group, and across languages no word diff
but what carried over (numbers, names, quotes) with the score."""
from __future__ import annotations

from tests.factories import make_story, passages_of
from tests.web_support import align, app, appdb, as_user, client, world  # noqa: F401
from web.uploads import Draft, store_draft

EN = ("The ministry has secretly used facial recognition software since 2015.\n"
      "\"We have nothing to hide,\" the minister said.\n")


def test_one_to_many_gets_one_combined_diff(client, world, appdb):
    pa, pb = world["pa"], world["pb"]
    story = make_story(appdb, [world["a"], world["b"]], title="Groupe")
    align(appdb, story, [(pa[1], pb[1], "partial"), (pa[1], pb[2], "verbatim")])
    api = as_user(client, "curator")
    body = api.get(f"/api/diff?a={pa[1]['id']}&b={pb[1]['id']},{pb[2]['id']}").get_json()
    assert body["combined"] is True and set(body["kinds"]) == {"partial", "verbatim"}
    combined = "".join(s["text"] for s in body["b"]["segments"])
    assert combined == pb[1]["text"] + "\n" + pb[2]["text"]
    assert "".join(s["text"] for s in body["a"]["segments"]) == pa[1]["text"]
    assert api.get(f"/api/diff?a={pa[1]['id']}&b={pb[1]['id']},{pa[0]['id']}").status_code == 400  # two articles


def test_two_languages_get_what_carried_over_instead_of_a_word_diff(client, world, appdb):
    english, _ = store_draft(appdb, Draft(text=EN, source="en.txt", title="Facial", outlet="Wire", lang="en"))
    pe = passages_of(appdb, english)
    story = make_story(appdb, [world["a"], english], title="Bilingue")
    align(appdb, story, [(world["pa"][0], pe[0], "paraphrase")])
    api = as_user(client, "curator")
    body = api.get(f"/api/diff?a={world['pa'][0]['id']}&b={pe[0]['id']}").get_json()
    assert body["cross_language"] is True and "ops" not in body and body["scores"] == [0.9]
    assert (body["a"]["lang"], body["b"]["lang"]) == ("fr", "en")
    assert body["carried"] == {"kept": [], "lost": [], "gained": ["2015"]}
