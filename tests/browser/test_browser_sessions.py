"""Real headless Chromium, two browser contexts: a session cookie copied into the second one
stops working once the first logs out (server-side session records)."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from corpus import db as dbmod
from tests.browser.conftest import require_chromium
from web import auth_store, create_app

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("sessions")
    db = dbmod.connect(tmp / "site.db")
    auth_store.create_user(db, "teacher", "curator", password=PASSWORD)
    db.conn.close()
    app = create_app({"DATABASE": str(tmp / "site.db"), "SECRET_KEY": "browser", "INSTANCE_PATH": str(tmp / "inst")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_cookie_copied_to_another_browser_is_logged_out_with_the_original(site, browser):
    owner, copy = browser.new_context(), browser.new_context()  # two "devices"
    try:
        page = owner.new_page()
        page.goto(site + "/login")
        page.fill("input[name=username]", "teacher")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button.primary")
        page.wait_for_url("**/stories")
        copy.add_cookies(owner.cookies())
        stolen = copy.new_page()
        stolen.goto(site + "/stories")
        assert stolen.url.endswith("/stories")  # the copy works while the session is open
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login*")
        stolen.goto(site + "/stories")
        assert "/login" in stolen.url
        assert stolen.locator("input[name=password]").count() == 1
    finally:
        owner.close()
        copy.close()
