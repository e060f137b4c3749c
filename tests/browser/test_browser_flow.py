"""Real headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against a real server
thread: log in, open the demo story, see aligned columns, label with the keyboard, accept a
suggestion, reload, export, and check a hostile article renders inert.

Data: the bundled demo corpus plus a hostile article, ingested by corpus.ingest and aligned by
compare.pipeline.run_compare with the deterministic FakeEncoder (no model download or load);
two machine suggestions are stored through annotate.labels.store, as run_suggestions would.
Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from annotate.labels import store as labels_store
from compare import store as compare_store
from compare.pipeline import run_compare
from corpus import db as dbmod
from corpus import store as corpus_store
from corpus.ingest import ingest
from tests.browser.conftest import require_chromium
from tests.conftest import DEMO_DIR, ROOT, FakeEncoder
from web import auth_store, create_app

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser-test-password"
HOSTILE = ("Piège <script>window.__xss = 1; alert(1)</script>\n\n"
           "😀 Le ministre a déclaré : « Tout va bien ». <img src=x onerror=\"window.__xss = 2; alert(2)\">\n\n"
           "<a href=\"javascript:window.__xss = 3\">clique ici</a> Selon l'AFP, le chiffre est faux.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A populated database served by a werkzeug server thread on 127.0.0.1:<free port>."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    db = dbmod.connect(tmp / "site.db")
    admin, _ = auth_store.create_user(db, "admin", "admin", password=PASSWORD)
    ingest(db, [str(DEMO_DIR)])
    demo_ids = [a["id"] for a in corpus_store.list_articles(db)]
    (tmp / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    hostile_id = ingest(db, [str(tmp / "hostile.txt")], outlet="<b>Outlet</b>\"'").added[0]
    run_compare(db, demo_ids, FakeEncoder())
    story = max(compare_store.list_stories(db), key=lambda s: len(set(s["article_ids"]) & set(demo_ids)))
    hostile_story = compare_store.create_story(db, [hostile_id, demo_ids[0]], "<script>alert('t')</script>")
    project = labels_store.create_project(db, "Demo", created_by=admin.id)
    for sid in (story["id"], hostile_story):
        labels_store.add_story(db, project["id"], sid)
    target = story["article_ids"][0]
    content = [p for p in corpus_store.get_passages(db, target) if p["content"]]
    suggestion = labels_store.add_label(db, content[3]["id"], "quotation", source="model", prob=0.42, model="test")
    db.conn.close()
    app = create_app({"DATABASE": str(tmp / "site.db"), "SECRET_KEY": "browser", "INSTANCE_PATH": str(tmp / "inst")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "db": str(tmp / "site.db"), "project": project["id"],
           "story": story["id"], "hostile_story": hostile_story, "hostile": hostile_id, "article": target,
           "content": content, "suggestion": suggestion}
    server.shutdown()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("dialog", lambda d: (pg.problems.append("dialog: " + d.message), d.dismiss()))
    pg.goto(site["url"] + "/login")
    pg.fill("input[name=username]", "admin")
    pg.fill("input[name=password]", PASSWORD)
    pg.click("form button.primary")
    pg.wait_for_url("**/stories")
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=False)


def labels_in_db(site, article_id: str) -> list[dict]:
    db = dbmod.connect(site["db"], migrate=False)
    try:
        return labels_store.list_labels(db, project_id=site["project"], article_id=article_id, sources=("human",),
                                        with_suggestions=False)
    finally:
        db.conn.close()


def test_compare_page_shows_aligned_columns_and_word_diff(page, site):
    page.click(f"a[href='/stories/{site['story']}?project={site['project']}']")
    page.wait_for_selector("#compare-grid")
    assert page.locator("section[data-article-id]").count() == 2
    linked = page.locator(".passage.linked")
    assert linked.count() >= 2
    first = linked.first
    first.hover()
    counterpart = first.get_attribute("data-links").split()[0]
    expect(page.locator(f"#p-{counterpart}")).to_have_class(re.compile(r"\blit\b"))
    shot(page, "compare-hover.png")
    first.click()
    page.wait_for_selector("#diff-panel .pair")
    assert page.locator("#diff-panel .side").count() == 2
    assert page.locator("details.furniture").count() >= 1
    page.mouse.move(5, 5)
    shot(page, "compare.png")
    assert page.problems == []


def test_compare_steps_alignments_with_n_p_and_keeps_the_only_here_layer_in_the_url(page, site):
    page.goto(f"{site['url']}/stories/{site['story']}?project={site['project']}")
    page.wait_for_selector("#compare-grid .passage.linked")
    total = len(json.loads(page.locator("#alignments").text_content()))
    page.keyboard.press("n")
    focused = page.locator(".passage.focused")
    expect(focused).to_have_count(1)
    first = focused.get_attribute("data-pid")
    assert page.locator(".passage.lit").count() >= 1
    assert page.evaluate("document.activeElement.dataset.pid") == first
    page.keyboard.press("n")
    assert page.text_content("#pair-status") == f"alignment 2 of {total}"
    in_view = page.evaluate("""() => { const r = document.querySelector('.passage.focused').getBoundingClientRect();
                                       return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    assert in_view
    page.keyboard.press("p")
    assert page.text_content("#pair-status") == f"alignment 1 of {total}"
    assert page.locator(".passage.focused").get_attribute("data-pid") == first
    shot(page, "compare-step.png")
    badge = page.locator(".passage.added .badge").first
    expect(badge).to_be_hidden()  # the default view is the alignment alone
    page.check("#show-only-here")
    expect(badge).to_be_visible()
    page.reload()
    page.wait_for_selector("#compare-grid")
    assert page.is_checked("#show-only-here")  # kept in the URL
    expect(page.locator(".passage.added .badge").first).to_be_visible()
    shot(page, "compare-only-here.png")
    page.uncheck("#show-only-here")
    expect(page.locator(".passage.added .badge").first).to_be_hidden()
    assert page.problems == []


def test_label_with_keyboard_accept_suggestion_undo_and_reload(page, site):
    url = f"{site['url']}/projects/{site['project']}/articles/{site['article']}/annotate"
    page.goto(url)
    page.wait_for_selector("#article[data-ready='1']")
    page.keyboard.press("j")  # second content passage
    second = site["content"][1]
    assert "current" in page.locator(f"#p-{second['id']}").get_attribute("class")
    page.keyboard.press("1")
    page.wait_for_selector(f"#p-{second['id']} .lab.src-human")
    page.keyboard.press("j")
    page.keyboard.press("3")
    third = site["content"][2]
    page.wait_for_selector(f"#p-{third['id']} .lab.src-human")
    page.keyboard.press("u")  # undo the framing label
    expect(page.locator(f"#p-{third['id']} .lab.src-human")).to_have_count(0)
    page.goto(url + f"#p-{site['content'][3]['id']}")
    page.wait_for_selector("#article[data-ready='1']")
    page.click("#passage-suggestions button.accept")
    fourth = site["content"][3]["id"]
    page.wait_for_selector(f"#p-{fourth} .lab.src-human")
    page.keyboard.press("u")  # undo the accept: the label goes, the suggestion is open again
    expect(page.locator(f"#p-{fourth} .lab.src-human")).to_have_count(0)
    expect(page.locator("#passage-suggestions button.accept")).to_have_count(1)
    page.click("#passage-suggestions button.accept")
    page.wait_for_selector(f"#p-{fourth} .lab.src-human")
    shot(page, "annotate.png")
    page.reload()
    page.wait_for_selector("#article[data-ready='1']")
    assert page.locator(f"#p-{second['id']} .lab.src-human").count() == 1
    assert page.locator(f"#p-{site['content'][3]['id']} .lab.src-human").count() == 1
    assert page.locator(f"#p-{third['id']} .lab.src-human").count() == 0
    kept = {(l["passage_id"], l["label"], l["origin_id"]) for l in labels_in_db(site, site["article"])}
    assert kept == {(second["id"], "sourced_fact", None),
                    (site["content"][3]["id"], "quotation", site["suggestion"]["id"])}
    assert page.problems == []


def test_selected_span_after_an_emoji_is_saved_with_code_point_offsets(page, site):
    page.goto(f"{site['url']}/projects/{site['project']}/articles/{site['hostile']}/annotate")
    page.wait_for_selector("#article[data-ready='1']")
    db = dbmod.connect(site["db"], migrate=False)
    text = corpus_store.get_article(db, site["hostile"])["text"]
    passage = next(p for p in corpus_store.get_passages(db, site["hostile"]) if "😀" in p["text"])
    db.conn.close()
    want = "« Tout va bien »"
    start = text.index(want)
    # Select the words in the DOM (UTF-16 offsets: the emoji before them counts 2 units there).
    page.evaluate("""([pid, needle]) => {
        const node = document.getElementById('p-' + pid).firstChild;
        const at = node.textContent.indexOf(needle);
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + needle.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""", [passage["id"], want])
    page.keyboard.press("2")
    page.wait_for_selector(f"#p-{passage['id']} .lab.src-human")
    saved = [l for l in labels_in_db(site, site["hostile"]) if l["label"] == "quotation"]
    assert [(l["start"], l["end"]) for l in saved] == [(start, start + len(want))]
    assert text[saved[0]["start"]:saved[0]["end"]] == want
    assert page.problems == []


def test_a_span_inside_a_passage_label_shows_its_own_underline_on_the_annotate_page(page, site):
    passage = site["content"][6]
    word = passage["text"].split()[1]
    start = passage["start"] + passage["text"].index(word)
    db = dbmod.connect(site["db"], migrate=False)
    admin = auth_store.get_user_by_name(db, "admin").id
    labels_store.add_label(db, passage["id"], "sourced_fact", annotator_id=admin, project_id=site["project"])
    labels_store.add_label(db, passage["id"], "editorial_framing", annotator_id=admin, project_id=site["project"],
                           start=start, end=start + len(word))
    db.conn.close()
    page.goto(f"{site['url']}/projects/{site['project']}/articles/{site['article']}/annotate")
    page.wait_for_selector("#article[data-ready='1']")
    pieces = page.eval_on_selector_all(f"#p-{passage['id']} .lab", "els => els.map(e => [e.className, e.textContent])")
    slots = {text: cls.split()[1] for cls, text in pieces}
    assert slots[word] == "lb-2"  # the framed word wears the framing slot, not the passage's
    assert {cls for text, cls in slots.items() if text != word} == {"lb-0"}
    assert page.problems == []


def test_hostile_article_renders_inert(page, site):
    page.goto(f"{site['url']}/stories/{site['hostile_story']}?project={site['project']}")
    page.wait_for_selector("#compare-grid")
    page.goto(f"{site['url']}/projects/{site['project']}/articles/{site['hostile']}/annotate")
    page.wait_for_selector("#article[data-ready='1']")
    page.goto(f"{site['url']}/stories/{site['hostile_story']}?project={site['project']}")
    page.wait_for_selector("#compare-grid")
    for passage in page.locator("#compare-grid [data-passage-id]").all()[:12]:
        passage.hover()
        passage.click()
    shot(page, "hostile.png")
    assert page.evaluate("window.__xss") is None
    assert page.locator("#compare-grid img, #compare-grid script, #compare-grid a[href^='javascript']").count() == 0
    assert "<script>window.__xss = 1; alert(1)</script>" in page.locator("#compare-grid").inner_text()
    heads = page.locator("section[data-article-id] header")
    assert "<b>Outlet</b>" in heads.first.inner_text() + heads.last.inner_text()
    assert not [p for p in page.problems if p.startswith("dialog")]


def test_export_downloads_a_file_with_the_labels(page, site):
    db = dbmod.connect(site["db"])  # a human label of its own: the test does not rely on earlier ones
    admin = db.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    labels_store.add_label(db, site["content"][-1]["id"], "sourced_fact", annotator_id=admin,
                           project_id=site["project"])
    db.conn.close()
    page.goto(site["url"] + "/io")
    form = page.locator("#exports form").first
    form.locator("select[name=format]").select_option("jsonl")
    form.locator("select[name=source]").select_option("human")
    with page.expect_download() as info:
        form.locator("button[type=submit]").click()
    download = info.value
    assert download.suggested_filename == "Demo.human.jsonl"  # the source named, one extension
    body = Path(download.path()).read_text(encoding="utf-8")
    assert '"label": "sourced_fact"' in body or '"label":"sourced_fact"' in body
    shot(page, "io.png")


def test_dashboard_and_stories_pages_render_without_script_errors(page, site):
    page.goto(f"{site['url']}/projects/{site['project']}/dashboard")
    page.wait_for_selector("#shares-chart svg")
    shot(page, "dashboard.png")
    page.goto(f"{site['url']}/stories")
    page.wait_for_selector("#stories")
    shot(page, "stories.png")
    page.click("form[action='/locale'] button[value='fr']")
    page.wait_for_selector("h1:text('Sujets')")
    assert page.problems == []
