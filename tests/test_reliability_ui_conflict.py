"""In the browser: the same annotator in two tabs edits one label; the stale tab is told about
the conflict and shows the current value instead of overwriting it (real headless Chromium)."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from annotate.labels import store as labels_store
from tests.web_support import PASSWORD, app, appdb, world  # noqa: F401

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


def _open_tab(browser, base: str, url: str):
    page = browser.new_context().new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "annotator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + url)
    page.wait_for_selector("#article[data-ready='1']", state="attached")
    return page


def _save_as(page, label_id: int, new_label: str) -> None:
    item = page.locator(f"#passage-labels li[data-id='{label_id}']")
    item.locator("select").select_option(new_label)
    item.locator("button", has_text="Save").click()


def _expect_status(page, text: str) -> None:
    # (no wait_for_function: the page's CSP rightly forbids evaluating strings)
    from playwright.sync_api import expect

    expect(page.locator("#status")).to_contain_text(text, timeout=15_000)


def test_stale_tab_shows_the_conflict_and_the_current_label(live_server, browser, world, appdb):
    label = labels_store.add_label(appdb, world["pa"][0]["id"], "sourced_fact", annotator_id=world["users"]["annotator"],
                                   project_id=world["project"])
    url = f"/projects/{world['project']}/articles/{world['a']}/annotate#p-{world['pa'][0]['id']}"
    tab_a = _open_tab(browser, live_server, url)
    tab_b = _open_tab(browser, live_server, url)  # loaded while the label is still at version 1

    _save_as(tab_a, label["id"], "quotation")
    _expect_status(tab_a, "Saved")
    _save_as(tab_b, label["id"], "editorial_framing")
    _expect_status(tab_b, "Someone changed this label")

    shown = tab_b.locator(f"#passage-labels li[data-id='{label['id']}'] select").input_value()
    assert shown == "quotation"  # the stale tab now shows what is stored, not its own lost edit
    row = labels_store.get_label(appdb, label["id"])
    assert (row["label"], row["version"]) == ("quotation", 2)
