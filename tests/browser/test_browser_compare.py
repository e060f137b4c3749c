"""The compare page and the upload flow in real headless Chromium (Debian /usr/bin/chromium).

Stories of 2, 3 and 5 articles (written here: one event retold by five outlets that reorder,
cut, reword and add paragraphs) are aligned with the deterministic FakeEncoder; the bundled demo
corpus makes the demo story an upload must join. Checks use data attributes, roles and text,
never class names: every column shows all its content passages in the article's own order
(0 inversions of their top y), at 1440 px and at 390 px. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import json
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from annotate.suggest import run_suggestions
from compare import store as compare_store
from compare.pipeline import align_stories, run_compare
from corpus import db as dbmod
from corpus import store as corpus_store
from corpus.ingest import ingest
from tests.browser.conftest import require_chromium
from tests.conftest import DEMO_DIR, ROOT, FakeEncoder
from web import auth_store, create_app
from web.jobs import start_worker

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser-compare-password"

EVENT = [
    "Police forces in the region have used facial recognition software since 2015, according to documents seen by reporters.",
    "The software, sold by the Israeli company Briefcam, can track a person across hours of video footage in minutes.",
    "The interior ministry said on Tuesday that it had nothing to hide and that every use was lawful.",
    "Privacy groups said the contracts were signed without any public debate or independent audit.",
    "“We have nothing to hide,” the minister told the parliament in a short statement on Tuesday afternoon.",
    "The documents show that at least 200 licences were bought between 2015 and 2023 for 1.2 million euros.",
    "A data protection authority opened an inquiry into the use of the software by municipal police.",
    "Lawyers for the privacy groups said they would file a complaint before the end of the month.",
    "Several mayors said they did not know the software could identify faces automatically.",
    "The ministry promised a report to parliament within three months on every use of the tool.",
]
OWN = {
    0: ["Our newsroom asked the ministry for the full list of contracts but received no answer."],
    1: ["Editorial: this is a scandal that shows how little oversight there is of police technology."],
    2: ["The company did not reply to our questions sent on Monday."],
    3: ["Readers can find the documents published in full on our website."],
    4: ["Background: Briefcam was bought by Canon in 2018 and sells its software in forty countries."],
}
# Each outlet's order of the shared paragraphs: reordered, some cut (the cuts make "only here").
ORDERS = {0: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1: [5, 0, 1, 4, 2, 3, 9, 6], 2: [2, 4, 0, 1, 6, 5, 7],
          3: [0, 6, 1, 2, 3, 8, 9, 5], 4: [9, 0, 1, 5, 4, 3, 2]}
OUTLETS = ["The Daily Ledger", "Morning Post", "City Wire", "Le Quotidien", "Northern Star"]
WRITERS = ["Anna Lee", "Tom Hardy", "Sara Cohen", "Paul Martin", "Mia Novak"]


def outlet_text(i: int) -> str:
    paragraphs = [EVENT[k] for k in ORDERS[i]]
    paragraphs.insert(len(paragraphs) // 2, OWN[i][0])
    title = f"{OUTLETS[i]}: police used Briefcam facial recognition for years"
    return title + "\n" + f"By {WRITERS[i]} | Updated March {i + 3}, 2024\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("compare")
    db = dbmod.connect(tmp / "site.db")
    auth_store.create_user(db, "curator", "curator", password=PASSWORD)
    ingest(db, [str(DEMO_DIR)])
    demo_ids = [a["id"] for a in corpus_store.list_articles(db)]
    encoder = FakeEncoder()
    run_compare(db, demo_ids, encoder)
    demo_story = max(compare_store.list_stories(db), key=lambda s: len(set(s["article_ids"]) & set(demo_ids)))
    compare_store.rename_story(db, demo_story["id"], "Demo story")
    run_suggestions(db, demo_ids, encoder=encoder)  # what demo-setup does; also loads the NLP models once
    ids = []
    for i in range(5):
        (tmp / f"outlet{i}.txt").write_text(outlet_text(i), encoding="utf-8")
        ids += ingest(db, [str(tmp / f"outlet{i}.txt")], outlet=OUTLETS[i]).added
    stories = {n: compare_store.create_story(db, ids[:n], f"Briefcam, {n} outlets") for n in (2, 3, 5)}
    align_stories(db, list(stories.values()), encoder)
    db.conn.close()
    app = create_app({"DATABASE": str(tmp / "site.db"), "SECRET_KEY": "browser-compare",
                      "INSTANCE_PATH": str(tmp / "inst"), "ENCODER": encoder})
    queue = start_worker(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "db": str(tmp / "site.db"), "stories": stories,
           "ids": ids, "demo_story": demo_story["id"], "demo_ids": demo_ids, "tmp": tmp}
    server.shutdown()
    queue.stop()


def open_page(browser, site, width: int, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.goto(site["url"] + "/login")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_url("**/stories")
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def content_passages(site, article_id: str) -> list[dict]:
    db = dbmod.connect(site["db"], migrate=False)
    try:
        return corpus_store.get_passages(db, article_id, content_only=True)
    finally:
        db.conn.close()


LAYOUT_JS = """() => [...document.querySelectorAll('[data-passage-id]')].map(n => {
  const r = n.getBoundingClientRect();
  return {pid: n.dataset.passageId, article: n.dataset.articleId, top: r.top, height: r.height, text: n.textContent};
})"""


def inversions(tops: list[float]) -> int:
    return sum(1 for i in range(len(tops)) for j in range(i + 1, len(tops)) if tops[i] >= tops[j])


def check_reading_order(page, site, article_ids: list[str]) -> None:
    laid = page.evaluate(LAYOUT_JS)
    for aid in article_ids:
        expected = content_passages(site, aid)
        mine = {x["pid"]: x for x in laid if x["article"] == aid}
        assert set(mine) == {p["id"] for p in expected}, f"column {aid}: missing or extra passages"
        assert all(mine[p["id"]]["height"] > 0 and p["text"] in mine[p["id"]]["text"] for p in expected)
        assert inversions([mine[p["id"]]["top"] for p in expected]) == 0, f"column {aid} leaves its reading order"


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("width", [1440, 390])
def test_every_column_shows_its_whole_article_in_reading_order(browser, site, n, width):
    page = open_page(browser, site, width)
    page.goto(f"{site['url']}/stories/{site['stories'][n]}")
    page.wait_for_selector("[data-passage-id]")
    check_reading_order(page, site, site["ids"][:n])
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
    logout = page.get_by_role("button", name="Log out").bounding_box()
    assert logout and logout["x"] + logout["width"] <= width
    if n in (2, 5):
        shot(page, f"compare-{n}-{width}.png")
    assert not page.problems
    page.context.close()


def test_stepping_counts_alignments_and_brings_counterparts_into_view(browser, site):
    page = open_page(browser, site, 1440)
    page.goto(f"{site['url']}/stories/{site['stories'][3]}")
    alignments = json.loads(page.locator("#alignments").text_content())
    assert len(alignments) >= 6
    bands = page.locator("svg[data-left] path")
    bands.first.wait_for(state="attached")  # drawn by script after layout, later on a busy machine
    assert bands.count() > 0  # bands drawn between neighbouring panes
    page.keyboard.press("n")
    page.keyboard.press("n")
    page.keyboard.press("n")
    status = page.get_by_role("status").filter(has_text="alignment")
    expect(status).to_have_text(f"alignment 3 of {len(alignments)}")
    third = alignments[2]
    for pid in (third["a"], third["b"]):  # both ends on screen inside their panes
        box = page.locator(f"[data-passage-id='{pid}']").bounding_box()
        assert box and 0 <= box["y"] and box["y"] + min(box["height"], 40) <= 900
    shot(page, "compare-3-step.png")
    page.context.close()


def test_diff_opens_beside_the_columns_and_hides_nothing(browser, site):
    page = open_page(browser, site, 1440)
    page.goto(f"{site['url']}/stories/{site['stories'][2]}")
    first = json.loads(page.locator("#alignments").text_content())[0]
    page.locator(f"[data-passage-id='{first['a']}']").click()
    panel = page.locator("#diff-panel")
    panel.get_by_text("Word diff").wait_for()
    panel.locator(".side, .diff-result").first.wait_for()
    panes_right = max(b["x"] + b["width"] for b in
                      (page.locator(f"section[data-article-id='{a}']").bounding_box() for a in site["ids"][:2]))
    assert panel.bounding_box()["x"] >= panes_right - 1  # the columns made room: no overlap
    shot(page, "compare-2-diff.png")
    page.context.close()


def test_layers_are_toggles_kept_in_the_url(browser, site):
    page = open_page(browser, site, 1440)
    page.goto(f"{site['url']}/stories/{site['stories'][2]}")
    only = page.get_by_role("checkbox", name="only here")
    assert not only.is_checked()  # the default view is the alignment alone
    only.check()
    assert "layers=" in page.url and "only" in page.url.split("layers=")[1]
    page.reload()
    assert page.get_by_role("checkbox", name="only here").is_checked()
    assert page.get_by_text("only here", exact=True).first.is_visible()
    page.context.close()


def test_uploaded_file_joins_the_demo_story_with_progress_shown(browser, site):
    demo_text = (DEMO_DIR / "revolution-permanente.fr.txt").read_text(encoding="utf-8")
    lines = demo_text.splitlines()
    variant = "\n".join(["Briefcam : la police utilise un logiciel israélien depuis 2015",
                         "Par Jeanne Martin, publié le 15 novembre 2023 à 9h12"] + lines[2:]) + "\n"
    path = site["tmp"] / "mon-article.txt"
    path.write_text(variant, encoding="utf-8")
    page = open_page(browser, site, 1440)
    page.get_by_role("link", name="Add an article").first.click()
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("textbox", name="Outlet").fill("Le Petit Journal")
    page.get_by_role("button", name="Add and analyse").click()
    page.wait_for_url("**/jobs/*")
    assert page.get_by_role("progressbar").count() == 1
    page.get_by_role("link", name="Open the story").wait_for(timeout=60_000)
    assert "joins: Demo story" in page.locator("#job-outcome").text_content()
    shot(page, "upload-job-done.png")
    page.get_by_role("link", name="Open the story").click()
    page.wait_for_selector("[data-passage-id]")
    assert page.url.endswith(f"/stories/{site['demo_story']}")
    column = page.locator("section[aria-label='Le Petit Journal']")
    new_id = column.get_attribute("data-article-id")
    alignments = json.loads(page.locator("#alignments").text_content())
    assert any(new_id in (al["a"].split("-")[0], al["b"].split("-")[0]) for al in alignments)
    shot(page, "demo-story-after-upload-1440.png")
    byline = [p for p in corpus_store.get_passages(dbmod.connect(site["db"], migrate=False), new_id)
              if p["text"].startswith("Par Jeanne")]
    assert byline and not byline[0]["content"]  # the byline is furniture, not aligned content
    page.context.close()


def test_narrow_screen_shows_the_focused_passage_with_its_counterparts(browser, site):
    page = open_page(browser, site, 390, 844)
    page.goto(f"{site['url']}/stories/{site['stories'][2]}")
    first = json.loads(page.locator("#alignments").text_content())[0]
    passage = page.locator(f"[data-passage-id='{first['a']}']")
    passage.click()
    note = page.get_by_role("note")
    note.wait_for()
    counterpart = content_passages(site, first["b"].rsplit("-", 1)[0])
    wanted = next(p["text"] for p in counterpart if p["id"] == first["b"])
    assert wanted in note.text_content()
    assert note.bounding_box()["y"] > passage.bounding_box()["y"]  # right under the passage
    panel = page.locator("#diff-panel")
    panel.get_by_text("Word diff").wait_for()
    assert panel.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "compare-2-390-focus.png")
    page.context.close()


def test_a_read_only_link_opens_without_login_and_the_report_prints(browser, site):
    page = open_page(browser, site, 1440)
    page.goto(f"{site['url']}/stories/{site['stories'][3]}/manage")
    page.get_by_role("button", name="Create a link").click()
    link = page.locator("#new-share-link a").get_attribute("href")
    anonymous = browser.new_context(viewport={"width": 1440, "height": 900})
    reader = anonymous.new_page()
    reader.goto(link)
    reader.get_by_text("Read-only shared view").wait_for()
    check_reading_order(reader, site, site["ids"][:3])
    assert reader.get_by_role("button", name="Log out").count() == 0
    shot(reader, "shared-3-1440.png")
    reader.get_by_role("link", name="printable report").click()
    reader.get_by_role("heading", name="What each outlet added").wait_for()
    reader.wait_for_load_state("load")  # report.css too: the heading can be in the DOM before its stylesheet
    assert reader.get_by_text("Editorial: this is a scandal").count() >= 1  # Morning Post's own paragraph
    reader.emulate_media(media="print")
    expect(reader.locator("header").first).to_be_hidden()  # print CSS drops the navigation
    reader.emulate_media(media="screen")
    shot(reader, "report-3-1440.png")
    anonymous.close()
    page.context.close()


def test_the_other_new_pages_fit_a_390_px_screen(browser, site):
    page = open_page(browser, site, 390, 844)
    for path in ("/stories", "/articles/new", f"/stories/{site['stories'][5]}/manage",
                 f"/stories/{site['stories'][5]}/report", "/stories/build"):
        page.goto(site["url"] + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    shot(page, "build-390.png")
    page.goto(site["url"] + "/articles/new")
    shot(page, "upload-390.png")
    assert not page.problems
    page.context.close()
