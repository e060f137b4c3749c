"""Accounts, sessions and the security baseline of every response."""
from __future__ import annotations

import os
import stat

from tests.web_support import PASSWORD, Api, add_user, app, appdb, as_user, client, csrf, login, world  # noqa: F401
from web import auth_store, create_app


def test_login_with_right_password_opens_session_and_wrong_one_is_refused(client, appdb):
    add_user(appdb, "alice", "annotator")
    assert login(client, "alice", "wrong-password-x").status_code == 401
    assert client.get("/api/me").status_code == 401
    response = login(client, "alice")
    assert response.status_code == 302
    assert client.get("/api/me").get_json()["user"]["username"] == "alice"


def test_passwords_are_hashed_not_stored_in_clear(appdb):
    auth_store.create_user(appdb, "bob", "viewer", password=PASSWORD)
    assert auth_store.check_password(appdb, "bob", PASSWORD).username == "bob"
    stored = appdb.execute("SELECT password_hash FROM users WHERE username = 'bob'").fetchone()[0]
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_login_is_rate_limited_per_username_and_address(client, appdb):
    add_user(appdb, "carol", "annotator")
    for _ in range(5):
        assert login(client, "carol", "bad-password-1").status_code == 401
    throttled = login(client, "carol")  # even the right password waits now
    assert throttled.status_code == 429
    assert client.get("/api/me").status_code == 401


def test_rate_limit_window_counts_only_recent_failures(appdb):
    for i in range(5):
        auth_store.record_attempt(appdb, "dave|1.2.3.4", ok=False, at=1000.0 + i)
    assert auth_store.recent_failures(appdb, "dave|1.2.3.4", 300, at=1100.0) == 5
    assert auth_store.recent_failures(appdb, "dave|1.2.3.4", 300, at=1400.0) == 0


def test_login_form_without_csrf_token_is_rejected(client, appdb):
    add_user(appdb, "erin", "annotator")
    response = client.post("/login", data={"username": "erin", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_api_write_without_csrf_header_gets_json_400(client, world):
    as_user(client, "annotator")
    response = client.post(f"/api/projects/{world['project']}/labels",
                           json={"passage_id": world["pa"][0]["id"], "label": "sourced_fact"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 400 and "CSRF" in body["error"]


def test_session_cookie_is_httponly_and_samesite_lax(client, appdb):
    add_user(appdb, "frank", "annotator")
    response = login(client, "frank")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(tmp_path):
    application = create_app({"TESTING": True, "DATABASE": str(tmp_path / "s.db"), "SECRET_KEY": "k",
                              "SESSION_COOKIE_SECURE": True})
    with application.app_context():
        from corpus import db as dbmod
        auth_store.create_user(dbmod.connect(application.config["DATABASE"]), "gina", "viewer", password=PASSWORD)
    c = application.test_client()
    assert "Secure" in login(c, "gina").headers["Set-Cookie"]


def test_every_page_sends_csp_without_inline_script_and_nosniff(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "onclick" not in html and "<script>" not in html


def test_secret_key_is_generated_per_install_with_private_permissions(tmp_path):
    instance = tmp_path / "inst"
    first = create_app({"DATABASE": str(tmp_path / "a.db"), "INSTANCE_PATH": str(instance)})
    key_file = instance / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    again = create_app({"DATABASE": str(tmp_path / "a.db"), "INSTANCE_PATH": str(instance)})
    other = create_app({"DATABASE": str(tmp_path / "b.db"), "INSTANCE_PATH": str(tmp_path / "other")})
    assert first.config["SECRET_KEY"] == again.config["SECRET_KEY"] != other.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64


def test_config_layers_instance_file_then_env_then_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("LOGIN_MAX_FAILURES = 7\nDEFAULT_LOCALE = 'fr'\n")
    monkeypatch.setenv("PRESSLENS_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("PRESSLENS_DB", str(tmp_path / "env.db"))
    application = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "k"})
    assert application.config["LOGIN_MAX_FAILURES"] == 7          # instance/config.py
    assert application.config["DEFAULT_LOCALE"] == "en"           # env beats the instance file
    assert application.config["DATABASE"] == str(tmp_path / "env.db")
    overridden = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "k", "LOGIN_MAX_FAILURES": 2})
    assert overridden.config["LOGIN_MAX_FAILURES"] == 2           # test_config is last


def test_anonymous_html_page_redirects_to_login_and_api_answers_json_401(client):
    page = client.get("/stories")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    api = client.get("/api/stories")
    assert api.status_code == 401 and api.get_json() == {"ok": False, "error": "login required", "status": 401}


def test_unknown_url_gives_json_under_api_and_html_elsewhere(client, appdb):
    add_user(appdb, "hal", "viewer")
    login(client, "hal")
    assert client.get("/api/nope").get_json()["status"] == 404
    page = client.get("/nope")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_login_next_parameter_cannot_redirect_off_site(client, appdb):
    add_user(appdb, "ivy", "viewer")
    token = csrf(client)
    response = client.post("/login", data={"username": "ivy", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/x"})
    assert response.headers["Location"].endswith("/stories")


def test_logout_requires_post_and_ends_session(client, appdb):
    add_user(appdb, "jack", "viewer")
    api = as_user(client, "jack")
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": api.token})
    assert client.get("/api/me").status_code == 401


def test_interface_language_follows_accept_language_then_user_choice(client, appdb):
    assert "Connexion" in client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    add_user(appdb, "kim", "viewer")
    api = as_user(client, "kim")
    client.post("/locale", data={"locale": "fr", "csrf_token": api.token, "next": "/stories"})
    html = client.get("/stories", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sujets" in html


def test_an_error_page_explains_the_status_in_the_readers_language(client, appdb):
    add_user(appdb, "kim", "viewer")
    as_user(client, "kim")
    french = client.get("/stories/999999", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.status_code == 404
    assert "n'existe pas" in french.get_data(as_text=True).replace("&#39;", "'")
    english = client.get("/stories/999999", headers={"Accept-Language": "en"})
    assert "does not exist" in english.get_data(as_text=True)


def test_french_and_english_catalogues_have_the_same_keys_and_placeholders():
    import re

    from babel.messages.pofile import read_po
    from web.i18n import CATALOGUES

    def load(loc):
        with (CATALOGUES / loc / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            return {m.id: m.string for m in read_po(fh) if m.id}

    en, fr = load("en"), load("fr")
    assert set(en) == set(fr) and all(fr.values())
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", fr[key])), key


def test_static_js_never_builds_html_from_strings():
    from pathlib import Path
    static = Path(__file__).resolve().parent.parent / "web" / "static"
    for js in static.glob("*.js"):
        source = js.read_text(encoding="utf-8")
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert banned not in source, (js.name, banned)


def test_templates_have_no_inline_handlers_or_executable_inline_script():
    import re
    from pathlib import Path
    templates = Path(__file__).resolve().parent.parent / "web" / "templates"
    for html in templates.glob("*.html"):
        source = html.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", source), html.name
        for tag in re.findall(r"<script[^>]*>", source):
            assert 'src="' in tag or 'type="application/json"' in tag, (html.name, tag)
        assert "|safe" not in source.replace(" ", ""), html.name


def test_merge_keys_adds_a_legacy_tables_new_keys_to_both_catalogues(tmp_path):
    import importlib.util
    import shutil

    from babel.messages.pofile import read_po
    from web.i18n import CATALOGUES

    spec = importlib.util.spec_from_file_location("merge_keys", CATALOGUES / "merge_keys.py")
    merge_keys = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(merge_keys)
    root = tmp_path / "translations"
    shutil.copytree(CATALOGUES, root)
    legacy = tmp_path / "messages.py"
    legacy.write_text('EN: dict[str, str] = {"zz.new": "New {n}", "nav.main": "Changed"}\n'
                      'FR: dict[str, str] = {"zz.new": "Nouveau {n}"}\nMESSAGES = {"en": EN, "fr": FR}\n')
    assert merge_keys.merge(merge_keys.from_messages_module(legacy), root) == ["zz.new"]
    with (root / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        fr = {m.id: m.string for m in read_po(fh) if m.id}
    assert fr["zz.new"] == "Nouveau {n}" and fr["nav.main"] == "Principal"  # existing entries kept


def test_catalogues_compile_at_start_and_an_edited_po_is_never_served_stale(tmp_path):
    import shutil

    from babel.support import Translations
    from web.i18n import CATALOGUES, compile_catalogues

    source = tmp_path / "po"
    shutil.copytree(CATALOGUES, source, ignore=shutil.ignore_patterns("*.py"))
    first = compile_catalogues(source, tmp_path / "cache")
    assert Translations.load(str(first), ["fr"]).gettext("nav.stories") == "Sujets"
    po = source / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Sujets"', 'msgstr "Affaires"'), encoding="utf-8")
    second = compile_catalogues(source, tmp_path / "cache")
    assert second != first and Translations.load(str(second), ["fr"]).gettext("nav.stories") == "Affaires"
    assert not list(CATALOGUES.rglob("*.mo"))  # nothing compiled into the source tree
