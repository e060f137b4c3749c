"""Account management pages and the web CLI commands (init-db, users, demo-setup, serve help)."""
from __future__ import annotations

import io
import os
import stat

from click.testing import CliRunner

from corpus import db as dbmod
from tests.web_support import app, appdb, as_user, client, world  # noqa: F401
from web import auth_store
from web.cli import main


def test_admin_creates_a_user_and_sees_the_password_once(client, world, appdb):
    api = as_user(client, "admin")
    response = client.post("/admin/users", data={"username": "zoe", "display_name": "Zoé", "role": "curator",
                                                 "csrf_token": api.token})
    html = response.get_data(as_text=True)
    password = html.split('<code class="password">')[1].split("<")[0]
    assert auth_store.check_password(appdb, "zoe", password).role == "curator"
    assert password not in client.get("/admin/users").get_data(as_text=True)
    assert "Set-Cookie" not in response.headers or password not in response.headers["Set-Cookie"]


def test_curator_enrols_a_class_from_csv_but_cannot_create_admins(client, world, appdb):
    api = as_user(client, "curator")
    csv_text = "username,display_name,role\nstu1,Élève Un,annotator\nstu2,Élève Deux,annotator\n"
    response = client.post("/admin/users/import", data={"csrf_token": api.token, "download": "1",
                                                        "file": (io.BytesIO(csv_text.encode()), "class.csv")},
                           content_type="multipart/form-data")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = response.get_data(as_text=True).splitlines()
    assert rows[0] == "username,display_name,role,password" and len(rows) == 3
    user, name, role, password = rows[1].split(",")
    assert auth_store.check_password(appdb, user, password) is not None
    denied = client.post("/admin/users", data={"username": "boss", "role": "admin", "csrf_token": api.token})
    assert denied.status_code == 403
    evil = client.post("/admin/users/import", data={"csrf_token": api.token,
                                                    "file": (io.BytesIO(b"x1,X,admin\n"), "c.csv")},
                       content_type="multipart/form-data")
    assert evil.status_code == 403 and auth_store.get_user_by_name(appdb, "x1") is None


def test_csv_import_is_all_or_nothing_with_line_numbers(client, world, appdb):
    api = as_user(client, "admin")
    bad = "ok1,Un,annotator\nbad name!,Deux,annotator\nok3,Trois,wizard\n"
    response = client.post("/admin/users/import", data={"csrf_token": api.token,
                                                        "file": (io.BytesIO(bad.encode()), "c.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "line 2" in html and "line 3" in html
    assert auth_store.get_user_by_name(appdb, "ok1") is None


def test_annotators_cannot_manage_users(client, world):
    api = as_user(client, "annotator")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data={"username": "x", "role": "annotator",
                                             "csrf_token": api.token}).status_code == 403


def test_init_db_creates_admin_once_and_never_prints_a_secret_again(tmp_path):
    runner, db = CliRunner(), str(tmp_path / "cli.db")
    first = runner.invoke(main, ["init-db", "--db", db])
    assert first.exit_code == 0
    password = first.output.split("write it down): ")[1].strip()
    assert auth_store.check_password(dbmod.connect(db), "admin", password).is_admin
    second = runner.invoke(main, ["init-db", "--db", db])
    assert second.exit_code == 0 and "already exists" in second.output and "Password" not in second.output


def test_users_commands_add_list_import_and_reset(tmp_path):
    runner, db = CliRunner(), str(tmp_path / "cli.db")
    added = runner.invoke(main, ["users", "add", "prof", "--role", "curator", "--db", db])
    assert added.exit_code == 0 and "password (shown once)" in added.output
    csv_path, out = tmp_path / "class.csv", tmp_path / "pw.csv"
    csv_path.write_text("username,display_name,role\ns1,S Un,annotator\n", encoding="utf-8")
    imported = runner.invoke(main, ["users", "import-csv", str(csv_path), "--out", str(out), "--db", db])
    assert imported.exit_code == 0 and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    listed = runner.invoke(main, ["users", "list", "--db", db])
    assert "prof" in listed.output and "s1" in listed.output
    reset = runner.invoke(main, ["users", "set-password", "s1", "--db", db])
    new = reset.output.rsplit(": ", 1)[1].strip()
    assert auth_store.check_password(dbmod.connect(db), "s1", new) is not None
    dup = runner.invoke(main, ["users", "add", "prof", "--db", db])
    assert dup.exit_code != 0 and "already exists" in dup.output
    again = runner.invoke(main, ["users", "import-csv", str(csv_path), "--db", db])
    assert again.exit_code != 0 and "line 2" in again.output


def test_users_import_csv_reads_columns_by_header_name(tmp_path):
    runner, db = CliRunner(), str(tmp_path / "cli.db")
    csv_path = tmp_path / "class.csv"
    csv_path.write_text("username,role\nt1,viewer\nt2,wizard\n", encoding="utf-8")
    bad = runner.invoke(main, ["users", "import-csv", str(csv_path), "--db", db])
    assert bad.exit_code != 0 and "line 3" in bad.output and "wizard" in bad.output
    assert auth_store.get_user_by_name(dbmod.connect(db), "t1") is None  # all rows or none
    csv_path.write_text("role,username\nviewer,t1\n", encoding="utf-8")
    good = runner.invoke(main, ["users", "import-csv", str(csv_path), "--db", db])
    assert good.exit_code == 0
    user = auth_store.get_user_by_name(dbmod.connect(db), "t1")
    assert user.role == "viewer" and user.display_name in ("", "t1")


def test_demo_setup_needs_an_admin_and_articles(tmp_path):
    runner, db = CliRunner(), str(tmp_path / "cli.db")
    result = runner.invoke(main, ["demo-setup", "--db", db])
    assert result.exit_code != 0 and "init-db" in result.output


def test_every_web_command_has_help():
    runner = CliRunner()
    for args in (["init-db"], ["users"], ["users", "add"], ["users", "list"], ["users", "import-csv"],
                 ["users", "set-password"], ["serve"], ["demo-setup"]):
        result = runner.invoke(main, [*args, "--help"])
        cmd = main
        for name in args:
            cmd = cmd.commands[name]
        shown = " ".join(result.output.split())
        # the command's own first paragraph and every one of its options are on the help page
        assert result.exit_code == 0 and " ".join(cmd.help.split("\n\n")[0].split()) in shown, args
        assert all(p.opts[0] in shown for p in cmd.params if p.opts[0].startswith("-")), args
