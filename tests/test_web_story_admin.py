"""Curating a story (add, remove, rename, build from chosen articles), read-only share links,
and the printable report. Roles are checked on the server; every change needs CSRF."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from compare import store as compare_store
from tests.factories import make_article
from tests.web_support import app, appdb, as_user, client, csrf, world  # noqa: F401
from web import job_store

THIRD = ("Le ministère utilise un logiciel de reconnaissance faciale depuis 2015.\n"
         "« Nous n'avons rien à craindre », a déclaré le ministre.\n")


def post(client, url: str, **form):
    return client.post(url, data={"csrf_token": csrf(client, "/stories"), **form})


def test_curator_adds_and_removes_articles_and_each_change_queues_a_realignment(client, world, appdb):
    third = make_article(appdb, THIRD, "Le Tiers", title="Troisième", passages="lines")
    as_user(client, "curator")
    assert client.get(f"/stories/{world['story']}/manage").status_code == 200
    response = post(client, f"/stories/{world['story']}/articles", article_id=third)
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    story = compare_store.get_story(appdb, world["story"])
    assert third in story["article_ids"] and story["method"] == "manual"
    job = job_store.list_jobs(appdb)[0]
    assert (job["kind"], job["story_id"], job["payload"]) == ("realign_story", world["story"], {"suggest": [third]})
    assert post(client, f"/stories/{world['story']}/articles/{third}/remove").status_code == 302
    assert third not in compare_store.get_story(appdb, world["story"])["article_ids"]
    assert post(client, f"/stories/{world['story']}/articles/{third}/remove").status_code == 404


def test_curator_builds_a_story_from_chosen_articles(client, world, appdb):
    as_user(client, "curator")
    token = csrf(client, "/stories/build")
    response = client.post("/stories/build", data={"csrf_token": token, "title": "Choisis",
                                                   "article_id": [world["a"], world["b"]]})
    assert response.status_code == 302
    made = [s for s in compare_store.list_stories(appdb) if s["title"] == "Choisis"]
    assert made and made[0]["article_ids"] == [world["a"], world["b"]]
    assert post(client, "/stories/build", article_id=world["a"]).status_code == 400  # one is not a story


def test_a_title_over_300_characters_is_refused_by_rename_and_build_alike(client, world, appdb):
    as_user(client, "curator")
    before = {s["id"]: s["title"] for s in compare_store.list_stories(appdb)}
    long_title = "Très " * 61  # 305 characters once whitespace is collapsed
    renamed = post(client, f"/stories/{world['story']}/rename", title=long_title)
    built = post(client, "/stories/build", title=long_title, article_id=[world["a"], world["b"]])
    assert renamed.status_code == built.status_code == 400
    assert b"at most 300 characters" in renamed.data and b"at most 300 characters" in built.data
    assert {s["id"]: s["title"] for s in compare_store.list_stories(appdb)} == before  # nothing changed
    assert post(client, f"/stories/{world['story']}/rename", title="  Un   titre  ").status_code == 302
    assert compare_store.get_story(appdb, world["story"])["title"] == "Un titre"


def test_annotators_cannot_manage_or_share_stories(client, world, appdb):
    as_user(client, "annotator")
    assert client.get(f"/stories/{world['story']}/manage").status_code == 403
    assert post(client, f"/stories/{world['story']}/shares").status_code == 403
    assert post(client, f"/stories/{world['story']}/rename", title="x").status_code == 403
    assert appdb.table("share_links").count == 0


def test_a_share_link_reads_without_login_changes_nothing_and_can_be_revoked(client, world, appdb, app):
    as_user(client, "curator")
    response = post(client, f"/stories/{world['story']}/shares")
    link = unquote(re.search(r"link=([^&]+)", response.headers["Location"]).group(1))
    path = urlsplit(link).path
    assert path.startswith("/s/"), link
    anonymous = app.test_client()
    page = anonymous.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Read-only shared view" in html and world["pa"][0]["text"][:40] in html
    forms = re.findall(r"<form[^>]*>", html)
    assert len(forms) == 1 and "locale" in forms[0]  # only the language switch: nothing to change here
    assert anonymous.get(path + "/report").status_code == 200
    assert anonymous.get(f"/stories/{world['story']}").status_code in (302, 401)  # the link opens only itself
    share_id = job_store.list_shares(appdb, world["story"])[0]["id"]
    assert post(client, f"/stories/{world['story']}/shares/{share_id}/revoke").status_code == 302
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/s/not-a-real-token").status_code == 404
    assert all(len(row["token_hash"]) == 64 for row in appdb.query("SELECT token_hash FROM share_links"))


def test_report_lists_kinds_additions_cuts_rewordings_and_changed_quotes(client, world):
    as_user(client, "curator")
    html = client.get(f"/stories/{world['story']}/report").get_data(as_text=True)
    assert "Comparison report" in html and "Disclose ↔ Révolution Permanente" in html
    assert "Une dérive inquiétante pour nos libertés." in html  # only in B: an addition
    assert "Selon Disclose, le contrat date de 2015." in html    # only in A: what B left out
    # two outlets: what one left out is the other's additions, said once instead of "none" twice
    assert 'id="report-cut-two"' in html and "what the other added" in html
    assert "<del>secrètement</del>" in html and "<ins>illégalement</ins>" in html  # the paraphrase's diff
    assert 'id="report-everywhere"' in html and "What every outlet reports (in Disclose&#39;s words)" in html
    assert "@media print" in client.get("/static/report.css").get_data(as_text=True)


def test_the_report_heading_and_date_follow_the_readers_language(client, world):
    as_user(client, "curator")
    path = f"/stories/{world['story']}/report"
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert re.search(r"<h1>Comparison report: [^<]+</h1>", english)
    assert re.search(r"<h1>Rapport de comparaison\u00a0: [^<]+</h1>", french)  # French puts a space before ":"
    made = re.search(r"Produit le (.+?) à partir", french).group(1)
    assert "T" not in made and re.search(r"\d{4}", made), made  # a date as French writes it, not ISO


def test_the_report_lists_what_every_outlet_reports_once():
    from web.report import build_report

    def article(aid, texts):
        return {"id": aid, "outlet": aid.upper(), "content": [{"id": f"{aid}{k}", "seq": k, "text": t}
                                                              for k, t in enumerate(texts)]}

    arts = [article("a", ["The bridge reopens in May.", "Tolls rise.", "Only in A."]),
            article("b", ["The bridge reopens in May.", "Tolls go up."]),
            article("c", ["The bridge will reopen in May."])]
    aligns = [{"a": "a0", "b": "b0", "kind": "verbatim", "score": 1.0},
              {"a": "a0", "b": "c0", "kind": "verbatim", "score": 0.95},
              {"a": "a1", "b": "b1", "kind": "verbatim", "score": 0.9}]
    everywhere = build_report(arts, aligns)["everywhere"]
    assert everywhere["outlet"] == "A" and [p["text"] for p in everywhere["items"]] == ["The bridge reopens in May."]
    assert build_report(arts[:1], [])["everywhere"]["outlet"] is None  # one article: nothing to compare
