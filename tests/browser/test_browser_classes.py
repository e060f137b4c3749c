"""Class mode in real Chromium: a teacher sets an exercise from an empty Classes page, a student
lands on it, labels with no suggestion or classmate's label in sight (page and API), hands in,
and after the reveal sees whole passages and an overall score; the label bar stays in view on a
phone. Data: the bundled demo corpus aligned with the deterministic FakeEncoder; one rule
suggestion and one classmate's label stored through annotate.labels.store. Screenshots at 1440
and 390 px go to test-artifacts/.
"""
from __future__ import annotations

import pytest

from annotate.labels import store as labels_store
from corpus import db as dbmod
from tests.browser.conftest import demo_class, require_chromium, serve
from tests.browser.test_browser_flow import ARTIFACTS, PASSWORD
from web import auth_store, create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("classes")
    db = dbmod.connect(tmp / "site.db")
    users = {name: auth_store.create_user(db, name, role, password=PASSWORD)[0].id
             for name, role in (("prof", "curator"), ("lea", "annotator"), ("tom", "annotator"))}
    world = demo_class(db, users)
    story, project, article, content, sugg = (world[k] for k in ("story", "project", "article", "content", "suggestion"))
    tom = labels_store.add_label(db, content[1]["id"], "quotation", annotator_id=users["tom"], project_id=project["id"])
    db.conn.close()
    app = create_app({"DATABASE": str(tmp / "site.db"), "SECRET_KEY": "classes", "INSTANCE_PATH": str(tmp / "inst"),
                      "EXERCISE_REFRESH_MS": 300})
    url, server = serve(app)
    yield {"url": url, "db": str(tmp / "site.db"), "project": project["id"],
           "story": story["id"], "article": article, "content": content, "users": users,
           "suggestion": sugg["id"], "tom_label": tom["id"]}
    server.shutdown()


def open_as(browser, site, username: str, width: int = 1440, height: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.goto(site["url"] + "/login")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("form button.primary")
    pg.wait_for_load_state()
    return pg


def shot(pg, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=full)


def api_json(pg, path: str):
    return pg.evaluate("async (p) => { const r = await fetch(p); return {status: r.status, body: await r.json()}; }",
                       path)


def test_teacher_sets_an_exercise_from_an_empty_classes_page(browser, site):
    pg = open_as(browser, site, "prof")
    pg.goto(site["url"] + "/classes")
    assert pg.locator("#exercises").count() == 0 and pg.locator("#publish-form").is_visible()
    assert pg.locator(".gold-hint").is_visible()  # no gold yet: the form says so and links to Curate
    shot(pg, "classes-empty-1440.png", full=True)
    pg.fill("input[name=title]", "Briefcam : qui parle ?")
    pg.check(f"input[name=student_ids][value='{site['users']['lea']}']")
    pg.fill("textarea[name=instructions]", "Étiquetez chaque passage, puis rendez.")
    pg.fill("input[name=due_at]", "2026-12-15")
    pg.click("#publish-form button.primary")
    pg.wait_for_selector("#progress")
    assert pg.locator("#progress tbody tr").all_inner_texts()[0].startswith("lea")
    assert pg.locator("#progress tbody tr").count() == 1  # only the ticked student
    assert pg.locator("#no-gold-hint").is_visible()
    site["exercise"] = int(pg.url.rsplit("/", 1)[1])
    db = dbmod.connect(site["db"], migrate=False)  # lea labels a passage: the open page follows
    labels_store.add_label(db, site["content"][5]["id"], "sourced_fact", annotator_id=site["users"]["lea"],
                           project_id=site["project"])
    db.conn.close()
    pg.wait_for_selector("#progress tr[data-user] .answered:text-matches('^1 / ')")
    shot(pg, "exercise-teacher-1440.png", full=True)
    pg.set_viewport_size({"width": 390, "height": 844})
    shot(pg, "exercise-teacher-390.png", full=True)
    assert pg.problems == []
    pg.context.close()


def test_student_sees_no_suggestion_nor_classmate_during_the_exercise(browser, site):
    pg = open_as(browser, site, "lea")
    assert pg.url.endswith(f"/classes/{site['exercise']}")  # straight into the exercise
    assert "Étiquetez chaque passage" in pg.inner_text("#instructions")
    assert pg.locator("#my-progress").is_visible() and pg.locator("#hand-in").is_visible()
    shot(pg, "exercise-student-1440.png", full=True)
    pg.locator("p.actions a.button").first.click()
    pg.wait_for_selector("#article[data-ready='1']")
    assert pg.locator("#exam-banner").is_visible()
    assert pg.locator(".src-model, .src-rule, .src-propagated").count() == 0
    assert not pg.locator("#passage-suggestions").is_visible()
    assert pg.locator(f"[data-id='{site['tom_label']}']").count() == 0
    pg.keyboard.press("a")  # the accept key has nothing to accept
    listing = api_json(pg, f"/api/projects/{site['project']}/articles/{site['article']}/labels")
    assert listing["status"] == 200
    assert {(l["source"], l["annotator_id"]) for l in listing["body"]["labels"]} == {("human", site["users"]["lea"])}
    accept = pg.evaluate("""async ([p, s]) => { const r = await fetch(`/api/projects/${p}/suggestions/${s}/accept`,
        {method: 'POST', headers: {'Content-Type': 'application/json',
         'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content}, body: '{}'}); return r.status; }""",
                         [site["project"], site["suggestion"]])
    assert accept == 404
    pg.locator(f"#p-{site['content'][2]['id']}").click()
    pg.keyboard.press("1")
    pg.wait_for_selector("#article .src-human")
    listing = api_json(pg, f"/api/projects/{site['project']}/articles/{site['article']}/labels")
    assert {(l["source"], l["annotator_id"]) for l in listing["body"]["labels"]} == {("human", site["users"]["lea"])}
    assert "Tom" not in pg.inner_text("body") and "89%" not in pg.inner_text("body")
    shot(pg, "annotate-exercise-1440.png")
    pg.goto(site["url"] + f"/classes/{site['exercise']}")
    assert "2 of " in pg.inner_text("#my-progress")
    pg.click("#hand-in button")
    assert pg.locator("#my-progress .pill").is_visible()
    assert pg.problems == []
    pg.context.close()


def test_reveal_shows_whole_passages_and_an_overall_score(browser, site):
    db = dbmod.connect(site["db"], migrate=False)
    for p, label in zip(site["content"][:3], ("editorial_framing", "quotation", "sourced_fact")):
        labels_store.set_gold(db, site["project"], p["id"], label, decided_by=site["users"]["prof"])
    labels_store.add_label(db, site["content"][0]["id"], "quotation", annotator_id=site["users"]["lea"],
                           project_id=site["project"])  # a confusion: framing taken for a quotation
    db.conn.close()
    teacher = open_as(browser, site, "prof")
    teacher.goto(site["url"] + f"/classes/{site['exercise']}")
    assert teacher.locator("#scores").is_visible()
    teacher.click("form.actions button.primary")  # reveal
    teacher.wait_for_load_state()
    teacher.context.close()
    pg = open_as(browser, site, "lea")
    pg.goto(site["url"] + f"/classes/{site['exercise']}")
    overall = pg.inner_text("#overall")
    assert "1" in overall and "3" in overall and "33%" in overall
    cells = pg.locator("#comparison td.passage-text").all_inner_texts()
    assert cells[0] == site["content"][0]["text"].strip()  # the whole passage, not cut mid-word
    assert pg.locator("#confusions li").all_inner_texts() == ["Editorial framing labelled as Quotation (answers: 1)"]
    shot(pg, "exercise-reveal-1440.png", full=True)
    pg.set_viewport_size({"width": 390, "height": 844})
    shot(pg, "exercise-reveal-390.png", full=True)
    listing = api_json(pg, f"/api/projects/{site['project']}/articles/{site['article']}/labels")
    assert {l["source"] for l in listing["body"]["labels"]} >= {"rule", "human"}  # everything after the reveal
    pg.context.close()


def test_label_bar_stays_in_view_on_a_phone(browser, site):
    pg = open_as(browser, site, "tom", width=390, height=844)
    pg.goto(site["url"] + f"/projects/{site['project']}/articles/{site['article']}/annotate")
    pg.wait_for_selector("#article[data-ready='1']")
    last = site["content"][-1]
    pg.locator(f"#p-{last['id']}").scroll_into_view_if_needed()
    box = pg.locator("#labelbar").bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844
    pg.locator(f"#p-{last['id']}").click()
    pg.locator("#labelbar button").nth(2).click()  # a tap on the pinned bar labels the tapped passage
    pg.wait_for_selector(f"#p-{last['id']} .src-human")
    shot(pg, "annotate-phone-390.png")
    assert pg.problems == []
    pg.context.close()


def test_project_and_story_lists_fit_a_phone_without_sideways_scrolling(browser, site):
    pg = open_as(browser, site, "prof", width=390, height=844)
    pg.goto(site["url"] + f"/projects/{site['project']}")
    stories = pg.locator("#project-stories")
    assert stories.evaluate("t => t.scrollWidth <= t.clientWidth")  # no scrolling inside the table either
    remove = stories.get_by_role("button").first.bounding_box()
    assert remove is not None and remove["x"] >= 0 and remove["x"] + remove["width"] <= 390
    shot(pg, "project-phone-390.png", full=True)
    pg.goto(site["url"] + "/stories")
    listing = pg.locator("#stories")
    assert listing.evaluate("t => t.scrollWidth <= t.clientWidth")
    progress = listing.locator("td[data-label]").last  # each cell names its column once the header is hidden
    assert progress.evaluate("td => getComputedStyle(td, '::before').content").strip('"').strip()
    shot(pg, "stories-phone-390.png", full=True)
    pg.goto(site["url"] + "/admin/users")  # a teacher managing a class's accounts on a phone
    users = pg.locator("#users")
    assert users.evaluate("t => t.scrollWidth <= t.clientWidth")
    box = users.locator("tr[data-username='tom'] button").last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert pg.problems == []
    pg.context.close()
