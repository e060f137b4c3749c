"""HTML pages: stories, compare (escaping!), annotate, projects, curate, dashboard, classes."""
from __future__ import annotations

from annotate.labels import store as labels_store
from tests.factories import make_article, make_story
from tests.web_support import (ARTICLE_A, add_user, align, app, appdb, as_user, client, login,  # noqa: F401
                               world)

HOSTILE = ("<script>alert('x')</script> Titre\n"
           "<img src=x onerror=alert(1)> Le ministre a déclaré : « oui ».\n"
           "<a href=\"javascript:alert(2)\">lien</a> Selon l'AFP.\n")


def test_stories_list_shows_outlets_counts_and_project_progress(client, world, appdb):
    labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    as_user(client, "curator")
    html = client.get("/stories").get_data(as_text=True)
    assert "Disclose" in html and "Révolution Permanente" in html
    assert "Classe" in html and "1/6" in html  # 1 of the 6 content passages labelled


def test_annotator_sees_only_stories_of_their_projects(client, world, appdb):
    a = make_article(appdb, "Autre sujet.\n", "Ailleurs", passages="lines")
    other_story = make_story(appdb, [a], "Autre")
    as_user(client, "annotator")
    html = client.get("/stories").get_data(as_text=True)
    assert "Reconnaissance faciale" in html and "Autre" not in html
    assert client.get(f"/stories/{other_story}").status_code == 404
    assert client.get(f"/stories/{world['story']}?project={world['project']}").status_code == 200
    assert client.get(f"/stories/{world['story']}?project={world['other_project']}").status_code == 404


def test_compare_page_shows_each_article_whole_in_its_own_order_with_kinds_and_additions(client, world):
    as_user(client, "curator")
    html = client.get(f"/stories/{world['story']}").get_data(as_text=True)
    pa, pb = world["pa"], world["pb"]
    assert f'data-links="{pb[2]["id"]}"' in html and "k-verbatim" in html and "k-paraphrase" in html
    assert 'class="passage added"' in html  # "Une dérive inquiétante..." exists only in B
    assert "Page furniture (1 passages" in html  # the '# Facebook Twitter' line is collapsed
    order = [html.index(f'id="p-{p["id"]}"') for p in [*pa, *pb[:3]]]
    assert order == sorted(order)  # column A whole and in order, then column B whole and in order
    # default view: the alignment alone (kinds on; "only here", labels, suggestions off)
    assert 'class="panes n2 show-verbatim show-quoted show-paraphrase show-partial"' in html
    assert f'"a": "{pa[1]["id"]}", "b": "{pb[2]["id"]}"' in html  # the alignment the bands draw


def test_compare_page_shows_labels_inline_with_their_style_slot(client, world, appdb):
    labels_store.add_label(appdb, world["pa"][1]["id"], "quotation", annotator_id=world["users"]["annotator"],
                           project_id=world["project"], speaker_text="le ministre")
    as_user(client, "curator")
    html = client.get(f"/stories/{world['story']}?project={world['project']}").get_data(as_text=True)
    assert 'class="lab lb-1 src-human"' in html and "— le ministre" in html
    css = client.get(f"/labels.css?project={world['project']}")
    assert css.mimetype == "text/css" and ".lb-1 { text-decoration-color: #1864ab; }" in css.get_data(as_text=True)


def test_a_loaded_word_suggested_inside_a_passage_label_shows_its_own_underline(client, world, appdb):
    first = world["pa"][0]  # "Le ministère utilise secrètement un logiciel ..."
    word = first["text"].index("secrètement")
    labels_store.add_label(appdb, first["id"], "sourced_fact", source="model", prob=0.6, model="framing:sentence+rules")
    labels_store.add_label(appdb, first["id"], "editorial_framing", source="model", prob=0.8, model="framing:loaded-words",
                           start=first["start"] + word, end=first["start"] + word + len("secrètement"))
    as_user(client, "curator")
    html = client.get(f"/stories/{world['story']}?layers=suggestions").get_data(as_text=True)
    # the word wears the framing slot (wavy, lb-2), the rest of the passage the sourced-fact slot (lb-0)
    assert '<span class="lab lb-2 src-model" title="Sourced fact (model 60%); Editorial framing (model 80%)">' \
           'secrètement</span>' in html
    assert '<span class="lab lb-0 src-model" title="Sourced fact (model 60%)">Le ministère utilise </span>' in html


def test_compare_columns_can_be_chosen_and_unknown_ones_are_404(client, world):
    as_user(client, "curator")
    one = client.get(f"/stories/{world['story']}?articles={world['b']}").get_data(as_text=True)
    assert 'class="panes n1 ' in one and one.count('class="pane"') == 1
    assert client.get(f"/stories/{world['story']}?articles=nope").status_code == 404
    assert client.get("/stories/999").status_code == 404
    assert client.get(f"/stories/{world['story']}?project=x").status_code == 400


def test_hostile_article_text_title_and_outlet_are_escaped_everywhere(client, world, appdb):
    bad = make_article(appdb, HOSTILE, "<b>Evil</b>", title="<script>t()</script>", passages="lines")
    story = make_story(appdb, [bad, world["a"]], title="<img src=x onerror=alert(3)>")
    labels_store.add_story(appdb, world["project"], story)
    labels_store.add_label(appdb, f"{bad}-0001", "quotation", annotator_id=world["users"]["curator"],
                           project_id=world["project"], speaker_text="<i>x</i>", comment="<script>c()</script>")
    as_user(client, "curator")
    pages = [f"/stories/{story}?project={world['project']}", "/stories",
             f"/projects/{world['project']}/articles/{bad}/annotate", f"/projects/{world['project']}",
             f"/projects/{world['project']}/dashboard", f"/projects/{world['project']}/curate?all=1"]
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for raw in ("<script>alert", "<img src=x", "<b>Evil", 'href="javascript:', "<script>t()", "<i>x</i>"):
            assert raw not in html, (url, raw)
    html = client.get(f"/stories/{story}?project={world['project']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "&lt;b&gt;Evil&lt;/b&gt;" in html


def test_diff_api_returns_ops_and_segments_for_both_sides(client, world):
    api = as_user(client, "curator")
    body = api.get(f"/api/diff?a={world['pa'][0]['id']}&b={world['pb'][0]['id']}").get_json()
    assert body["kind"] == "paraphrase"
    assert [s for s in body["a"]["segments"] if s["mark"] == "del"][0]["text"] == "secrètement"
    assert [s for s in body["b"]["segments"] if s["mark"] == "ins"][0]["text"] == "illégalement"
    assert "".join(s["text"] for s in body["a"]["segments"]) == world["pa"][0]["text"]
    assert api.get("/api/diff?a=x").status_code == 400
    assert api.get(f"/api/diff?a=nope-0000&b={world['pb'][0]['id']}").status_code == 404


def test_story_api_lists_columns_alignments_additions(client, world):
    api = as_user(client, "annotator")
    body = api.get(f"/api/stories/{world['story']}?project={world['project']}").get_json()
    assert [a["id"] for a in body["articles"]] == [world["a"], world["b"]]
    assert len(body["alignments"]) == 2 and world["pb"][1]["id"] in body["additions"]
    assert [s["id"] for s in api.get("/api/stories").get_json()["stories"]] == [world["story"]]


def test_annotate_page_renders_passages_with_code_point_offsets(client, world):
    as_user(client, "annotator")
    html = client.get(f"/projects/{world['project']}/articles/{world['a']}/annotate").get_data(as_text=True)
    p = world["pa"][1]
    assert f'data-pid="{p["id"]}" data-start="{p["start"]}" data-end="{p["end"]}"' in html
    assert "annotate.js" in html and "<script>" not in html
    assert client.get(f"/projects/{world['project']}/articles/nope/annotate").status_code == 404


def test_viewer_sees_read_only_annotate_page(client, world):
    as_user(client, "viewer")
    html = client.get(f"/projects/{world['project']}/articles/{world['a']}/annotate").get_data(as_text=True)
    assert "You can read this project but not annotate it." in html and "disabled" in html


def test_projects_create_members_stories_by_curator_only(client, world, appdb):
    api = as_user(client, "curator")
    response = client.post("/projects", data={"name": "Nouveau", "csrf_token": api.token})
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/projects/{project_id}/stories", data={"story_id": world["story"], "csrf_token": api.token})
    client.post(f"/projects/{project_id}/members", data={"user_id": world["users"]["annotator"], "role": "annotator",
                                                         "csrf_token": api.token})
    assert labels_store.member_role(appdb, project_id, world["users"]["annotator"]) == "annotator"
    assert [s["id"] for s in labels_store.list_stories(appdb, project_id)] == [world["story"]]
    client.post("/logout", data={"csrf_token": api.token})
    student = as_user(client, "annotator")
    assert client.post("/projects", data={"name": "x", "csrf_token": student.token}).status_code == 403
    denied = client.post(f"/projects/{project_id}/members", data={"user_id": world["users"]["annotator"],
                                                                  "role": "curator", "csrf_token": student.token})
    assert denied.status_code == 403


def test_a_teacher_adds_a_whole_class_at_once_and_a_bad_id_adds_nobody(client, world, appdb):
    api = as_user(client, "curator")
    project_id = int(client.post("/projects", data={"name": "Classe", "csrf_token": api.token})
                     .headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert 'id="add-members"' in page and 'name="user_id" value="{}"'.format(world["users"]["annotator2"]) in page
    students = [world["users"]["annotator"], world["users"]["annotator2"], world["users"]["outsider"]]
    bad = client.post(f"/projects/{project_id}/members",
                      data={"user_id": [*students, 99999], "role": "annotator", "csrf_token": api.token})
    assert bad.status_code == 404
    assert all(labels_store.member_role(appdb, project_id, u) is None for u in students)  # all or none
    client.post(f"/projects/{project_id}/members", data={"user_id": students, "role": "annotator", "csrf_token": api.token})
    assert [labels_store.member_role(appdb, project_id, u) for u in students] == ["annotator"] * 3
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert 'name="user_id" value="{}"'.format(world["users"]["annotator2"]) not in page  # members are not offered again
    assert client.post(f"/projects/{project_id}/members", data={"role": "annotator", "csrf_token": api.token}).status_code == 400


def test_curate_page_lists_disagreements_and_sets_gold(client, world, appdb):
    pid = world["pa"][0]["id"]
    for user, label in (("annotator", "sourced_fact"), ("annotator2", "editorial_framing")):
        labels_store.add_label(appdb, pid, label, annotator_id=world["users"][user], project_id=world["project"])
    api = as_user(client, "curator")
    html = client.get(f"/projects/{world['project']}/curate").get_data(as_text=True)
    assert f'id="d-{pid}"' in html and "annotator2" in html
    client.post(f"/projects/{world['project']}/curate", data={"passage_id": pid, "label": "sourced_fact",
                                                               "csrf_token": api.token})
    assert [g["label"] for g in labels_store.list_gold(appdb, world["project"])] == ["sourced_fact"]
    gold = api.post(f"/api/projects/{world['project']}/gold", {"passage_id": pid, "label": "editorial_framing"})
    assert gold.status_code == 200 and gold.get_json()["gold"]["version"] == 2
    assert api.post(f"/api/projects/{world['project']}/gold", {"passage_id": pid, "label": "nope"}).status_code == 400
    listed = api.get(f"/api/projects/{world['project']}/disagreements?all=1").get_json()["disagreements"]
    assert listed[0]["gold"] == "editorial_framing"
    client.post("/logout", data={"csrf_token": api.token})
    as_user(client, "annotator")
    assert client.get(f"/projects/{world['project']}/curate").status_code == 403


def test_dashboard_shows_svg_shares_coverage_and_quoted(client, world, appdb):
    labels_store.add_label(appdb, world["pa"][1]["id"], "quotation", annotator_id=world["users"]["annotator"],
                           project_id=world["project"], speaker_text="le ministre")
    labels_store.add_label(appdb, world["pb"][1]["id"], "editorial_framing", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    as_user(client, "curator")
    html = client.get(f"/projects/{world['project']}/dashboard").get_data(as_text=True)
    assert "<svg" in html and "Révolution Permanente: Editorial framing 100%" in html
    assert "le ministre" in html and "verbatim" in html and 'id="progress"' in html
    body = client.get(f"/api/projects/{world['project']}/dashboard").get_json()
    assert body["source"] == "human" and body["quoted"][0]["speaker"] == "le ministre"


def test_dashboard_uses_project_stats_and_lists_quotes_that_changed(client, world, appdb):
    from tests.factories import make_project

    ann, pa, pb = world["users"]["annotator"], world["pa"], world["pb"]
    labels_store.add_label(appdb, pa[1]["id"], "quotation", annotator_id=ann, project_id=world["project"],
                           speaker_text="le ministre")
    labels_store.add_label(appdb, pb[2]["id"], "quotation", annotator_id=ann, project_id=world["project"],
                           speaker_text="Gérald <b>Darmanin</b>")
    other = make_project(appdb, "Elsewhere", story_ids=[world["story"]])
    labels_store.add_label(appdb, pb[1]["id"], "editorial_framing", project_id=other)  # not this project's
    from tests.factories import make_story

    labels_store.add_story(appdb, world["project"], make_story(appdb, [world["b"]], title="B alone"))
    as_user(client, "curator")
    body = client.get(f"/api/projects/{world['project']}/dashboard").get_json()
    # RP's article sits in two of the project's stories: it is still counted once
    assert dict(body["shares"])["Révolution Permanente"] == {"quotation": pb[2]["end"] - pb[2]["start"]}
    assert [q["count"] for q in body["quoted"]] == [1, 1]
    assert {q["speaker"] for q in body["quoted"]} == {"le ministre", "Gérald <b>Darmanin</b>"}
    [changed] = body["changed_quotes"]
    assert changed["changes"] == ["attributed_differently"] and changed["story"] == "Reconnaissance faciale"
    html = client.get(f"/projects/{world['project']}/dashboard").get_data(as_text=True)
    assert 'id="changed-quotes"' in html and "attributed to someone else" in html
    assert "Gérald &lt;b&gt;Darmanin&lt;/b&gt;" in html and "<b>Darmanin" not in html


def test_blind_annotator_dashboard_has_no_per_annotator_tables(client, world, appdb):
    labels_store.update_project(appdb, world["project"], blind=True)
    as_user(client, "annotator")
    body = client.get(f"/api/projects/{world['project']}/dashboard").get_json()
    assert "agreement" not in body and "progress" not in body and "changed_quotes" not in body


def test_dashboard_coverage_filters_by_outlet_kind_and_label_and_says_what_it_counts(client, world, appdb):
    labels_store.add_label(appdb, world["pa"][0]["id"], "quotation", annotator_id=world["users"]["annotator"],
                           project_id=world["project"])
    api = as_user(client, "curator")
    base = f"/api/projects/{world['project']}/dashboard"
    everything = api.get(base).get_json()
    total = len(everything["coverage"][0]["rows"])
    verbatim = api.get(base + "?kind=verbatim").get_json()["coverage"][0]["rows"]
    assert len(verbatim) == 1 and "verbatim" in verbatim[0]["cells"].values() and total > 1
    quoted = api.get(base + "?label=quotation").get_json()["coverage"][0]["rows"]
    assert [world["pa"][0]["id"] in r["passage_ids"] for r in quoted] == [True]
    only_rp = api.get(base + "?outlet=Révolution Permanente").get_json()["coverage"][0]["rows"]
    assert 0 < len(only_rp) < total and all(r["cells"][world["b"]] for r in only_rp)
    html = client.get(f"/projects/{world['project']}/dashboard?kind=verbatim").get_data(as_text=True)
    assert "Counted from the annotators&#39; labels" in html and f"(1 of {total} passages)" in html
    assert "Done / assigned" in html and "Quotation</th><th>Quotation" not in html
