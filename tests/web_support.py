"""Fixtures and helpers of the web tests: a real app on a real temp SQLite file, real users.

Test modules import the fixtures they use (`from tests.web_support import app, client, ...`).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus import db as dbmod
from compare import store as compare_store
from compare.diff import word_diff
from tests.factories import make_article, make_project, make_story, make_user, passages_of
from werkzeug.security import generate_password_hash
from web import auth_store, create_app

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')

ARTICLE_A = ("Le ministère utilise secrètement un logiciel de reconnaissance faciale.\n"
             "« Nous n'avons rien à cacher », a déclaré le ministre.\n"
             "Selon Disclose, le contrat date de 2015.\n")
ARTICLE_B = ("Le ministère utilise illégalement un logiciel de reconnaissance faciale.\n"
             "Une dérive inquiétante pour nos libertés.\n"
             "« Nous n'avons rien à cacher », a déclaré le ministre.\n"
             "# Facebook Twitter\n")


@pytest.fixture
def app(tmp_path: Path):
    application = create_app({
        "TESTING": True, "DATABASE": str(tmp_path / "web.db"), "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret", "MAX_CONTENT_LENGTH": 256 * 1024,
    })
    yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def appdb(app):
    database = dbmod.connect(app.config["DATABASE"])
    yield database
    database.conn.close()


# Cheap hash for test accounts only (checked by the same werkzeug code as real ones): scrypt
# costs ~100 ms per hash on a busy CI core, which would dominate these tests.
TEST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def add_user(db, username: str, role: str) -> int:
    return make_user(db, username, role, password_hash=TEST_HASH)


def csrf(client, path: str = "/login") -> str:
    """The CSRF token a page carries (what a browser would send back)."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


class Api:
    """JSON calls with the CSRF header, like the page's fetch() helper."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = client.get("/api/me").get_json()["csrf_token"]

    def call(self, method: str, url: str, json=None, **kw):
        return self.client.open(url, method=method, json=json, headers={"X-CSRFToken": self.token}, **kw)

    def get(self, url):
        return self.client.get(url)

    def post(self, url, json=None, **kw):
        return self.call("POST", url, json, **kw)

    def patch(self, url, json=None):
        return self.call("PATCH", url, json)

    def delete(self, url, json=None):
        return self.call("DELETE", url, json)


def as_user(client, username: str) -> Api:
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return Api(client)


def align(db, story_id: int, pairs) -> int:
    """Store a complete alignment run through compare.store (as run_compare would)."""
    run = compare_store.start_run(db, story_id, "test", {})
    compare_store.complete_run(db, run, [{"a": a["id"], "b": b["id"], "score": 0.9, "kind": kind,
                                          "diff": word_diff(a["text"], b["text"])} for a, b, kind in pairs])
    return run


@pytest.fixture
def world(appdb):
    """Two articles in a story with alignments, a project holding it, and one user per role."""
    ids = {role: add_user(appdb, role, role) for role in ("admin", "curator", "annotator", "viewer")}
    ids["annotator2"] = add_user(appdb, "annotator2", "annotator")
    ids["outsider"] = add_user(appdb, "outsider", "annotator")
    a = make_article(appdb, ARTICLE_A, "Disclose", title="Reconnaissance faciale", passages="lines")
    b = make_article(appdb, ARTICLE_B, "Révolution Permanente", title="Une dérive", passages="lines")
    pa, pb = passages_of(appdb, a), passages_of(appdb, b)
    story = make_story(appdb, [a, b], title="Reconnaissance faciale")
    align(appdb, story, [(pa[0], pb[0], "paraphrase"), (pa[1], pb[2], "verbatim")])
    project = make_project(appdb, "Classe", created_by=ids["curator"], story_ids=[story],
                           members=[(ids["annotator"], "annotator"), (ids["annotator2"], "annotator"),
                                    (ids["viewer"], "viewer")])
    other = make_project(appdb, "Other", created_by=ids["admin"])
    return {"users": ids, "a": a, "b": b, "pa": pa, "pb": pb, "story": story, "project": project,
            "other_project": other}
