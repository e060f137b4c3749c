"""Sessions end on the server: logout, disabling an account and role changes reach copied cookies.

Two Flask test clients stand for two browsers; "copying the cookie" moves the signed session
cookie from one to the other, as a thief or a shared computer would.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.web_support import PASSWORD, add_user, app, appdb, as_user, client, csrf, login, world  # noqa: F401
from web import create_app, session_store
from web.cli import main as cli


def copy_cookie(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value, domain="localhost")


def is_logged_out(client) -> bool:
    page = client.get("/stories")
    return page.status_code == 302 and "/login" in page.headers["Location"]


def logout(client) -> None:
    token = client.get("/api/me").get_json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_copied_cookie_is_sent_to_the_login_page_after_logout(app, appdb):
    add_user(appdb, "ada", "annotator")
    laptop, thief = app.test_client(), app.test_client()
    as_user(laptop, "ada")
    copy_cookie(laptop, thief)
    assert thief.get("/stories").status_code == 200  # the copy works while the session is open
    logout(laptop)
    assert is_logged_out(thief)
    assert thief.get("/api/me").status_code == 401


def test_logout_ends_only_this_devices_session(app, appdb):
    add_user(appdb, "ben", "annotator")
    phone, laptop = app.test_client(), app.test_client()
    as_user(phone, "ben")
    as_user(laptop, "ben")
    logout(phone)
    assert is_logged_out(phone)
    assert laptop.get("/stories").status_code == 200


def test_the_database_holds_only_a_hash_of_the_session_token(app, appdb):
    user_id = add_user(appdb, "cyd", "viewer")
    c = app.test_client()
    as_user(c, "cyd")
    with c.session_transaction() as sess:
        token = sess["sid"]
    rows = list(appdb.query("SELECT * FROM web_sessions WHERE user_id = ?", [user_id]))
    assert len(rows) == 1 and rows[0]["revoked_at"] is None
    assert token not in str(rows) and session_store.is_live(appdb, token, user_id)
    assert not session_store.is_live(appdb, token, user_id + 1)


def test_a_forged_session_id_in_a_validly_signed_cookie_is_refused(app, appdb):
    user_id = add_user(appdb, "dee", "admin")
    c = app.test_client()
    login(c, "dee")
    with c.session_transaction() as sess:
        sess["sid"] = "made-up"
    assert is_logged_out(c)
    with c.session_transaction() as sess:  # a cookie from before sessions had records
        sess.update({"user_id": user_id})
        sess.pop("sid", None)
    assert is_logged_out(c)


def test_admin_disabling_an_account_ends_its_live_sessions_and_blocks_login(app, world):
    student = app.test_client()
    as_user(student, "annotator")
    admin = app.test_client()
    as_user(admin, "admin")
    token = csrf(admin, "/admin/users")
    page = admin.post("/admin/users/annotator/active", data={"active": "0", "csrf_token": token})
    assert page.status_code == 200
    assert 'data-username="annotator"' in page.get_data(as_text=True)
    assert is_logged_out(student)
    assert login(student, "annotator").status_code == 401
    admin.post("/admin/users/annotator/active", data={"active": "1", "csrf_token": token})
    assert login(student, "annotator").status_code == 302


def test_curators_manage_only_student_and_reader_accounts_and_nobody_manages_themselves(app, world):
    curator = app.test_client()
    as_user(curator, "curator")
    token = csrf(curator, "/admin/users")
    assert curator.post("/admin/users/admin/active", data={"active": "0", "csrf_token": token}).status_code == 403
    assert curator.post("/admin/users/curator/active", data={"active": "0", "csrf_token": token}).status_code == 403
    assert curator.post("/admin/users/viewer/role", data={"role": "admin", "csrf_token": token}).status_code == 403
    assert curator.post("/admin/users/viewer/role", data={"role": "annotator", "csrf_token": token}).status_code == 200
    annotator = app.test_client()
    as_user(annotator, "annotator")
    token = csrf(annotator, "/stories")
    assert annotator.post("/admin/users/viewer/active", data={"active": "0", "csrf_token": token}).status_code == 403
    admin = app.test_client()
    as_user(admin, "admin")
    token = csrf(admin, "/admin/users")
    assert admin.post("/admin/users/admin/active", data={"active": "0", "csrf_token": token}).status_code == 400
    assert admin.post("/admin/users/admin/role", data={"role": "viewer", "csrf_token": token}).status_code == 400


def test_a_role_change_applies_to_an_open_session_on_its_next_request(app, world):
    student = app.test_client()
    as_user(student, "annotator")
    assert student.get("/admin/users").status_code == 403
    runner = CliRunner()
    db = app.config["DATABASE"]
    res = runner.invoke(cli, ["users", "set-role", "annotator", "curator", "--db", db])
    assert res.exit_code == 0 and "now curator" in res.output
    assert student.get("/admin/users").status_code == 200
    runner.invoke(cli, ["users", "set-role", "annotator", "viewer", "--db", db])
    assert student.get("/admin/users").status_code == 403


def test_cli_disable_ends_sessions_and_enable_restores_login(app, world):
    student = app.test_client()
    as_user(student, "annotator")
    runner, db = CliRunner(), app.config["DATABASE"]
    res = runner.invoke(cli, ["users", "disable", "annotator", "--db", db])
    assert res.exit_code == 0 and "disabled" in res.output
    assert is_logged_out(student)
    assert "(inactive)" in runner.invoke(cli, ["users", "list", "--db", db]).output
    assert login(student, "annotator").status_code == 401
    assert runner.invoke(cli, ["users", "enable", "annotator", "--db", db]).exit_code == 0
    assert login(student, "annotator").status_code == 302
    res = runner.invoke(cli, ["users", "disable", "nobody", "--db", db])
    assert res.exit_code == 1 and "no user 'nobody'" in res.output
    for command in ("disable", "enable", "set-role"):
        assert runner.invoke(cli, ["users", command, "--help"]).output.count("Usage") == 1


def test_the_last_active_admin_cannot_be_disabled_or_demoted(app, world):
    runner, db = CliRunner(), app.config["DATABASE"]
    for args in (["disable", "admin"], ["set-role", "admin", "viewer"]):
        res = runner.invoke(cli, ["users", *args, "--db", db])
        assert res.exit_code == 1 and "last active admin" in res.output
    assert runner.invoke(cli, ["users", "set-role", "curator", "admin", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["users", "disable", "admin", "--db", db]).exit_code == 0


def _throttled_app(tmp_path, proxies):
    return create_app({"TESTING": True, "DATABASE": str(tmp_path / "p.db"), "SECRET_KEY": "k",
                       "INSTANCE_PATH": str(tmp_path / "inst"), "LOGIN_MAX_FAILURES": 2,
                       "TRUSTED_PROXIES": proxies})


def _fail_login(client, forwarded_for: str) -> int:
    token = csrf(client)
    return client.post("/login", data={"username": "eve", "password": "wrong-password!", "csrf_token": token},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_behind_one_trusted_proxy_the_throttle_is_per_client_address(tmp_path):
    c = _throttled_app(tmp_path, 1).test_client()
    assert [_fail_login(c, "203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert _fail_login(c, "198.51.100.9") == 401  # another client behind the same proxy
    # Only the address the trusted proxy appended counts, not what the client wrote before it.
    assert _fail_login(c, "198.51.100.1, 203.0.113.7") == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path):
    c = _throttled_app(tmp_path, 0).test_client()
    assert [_fail_login(c, f"203.0.113.{i}") for i in range(3)] == [401, 401, 429]


def test_trusted_proxies_comes_from_the_environment_and_bad_values_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSLENS_TRUSTED_PROXIES", "1")
    application = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "k",
                              "DATABASE": str(tmp_path / "e.db")})
    assert application.config["TRUSTED_PROXIES"] == 1
    with pytest.raises(ValueError, match="PRESSLENS_TRUSTED_PROXIES"):
        create_app({"INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "k", "TRUSTED_PROXIES": "yes"})
