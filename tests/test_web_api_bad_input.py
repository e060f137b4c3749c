"""No API route answers 500 to bad input: unknown ids, wrong types, missing fields, junk bodies.

The routes are enumerated from the URL map, so a new route is covered the day it is added.
"""
from __future__ import annotations

import re

import pytest

from tests.web_support import app, appdb, as_user, world  # noqa: F401

UNKNOWN = {"project_id": 987654, "annotation_id": 987654, "story_id": 987654, "exercise_id": 987654,
           "user_id": 987654, "username": "no-such-user", "flag": "no-such-flag", "action": "no-such-action",
           "fmt": "no-such-format", "article_id": "ffffffffffffffff", "filename": "nope", "job_id": "nope"}

BODIES = [
    None,                                           # no body at all
    {},                                             # every field missing
    {"article_ids": ["ffffffffffffffff"], "ids": ["ffffffffffffffff"], "passage_id": 987654,
     "story_id": 987654, "project_id": 987654, "user_id": 987654, "label": "quotation"},  # unknown ids
    {"article_ids": "not-a-list", "ids": 5, "passage_id": "x", "story_id": [1], "label": 7,
     "start": "a", "end": None, "version": "v", "k": "many", "users": "x", "text": 12},  # wrong types
    [1, 2, 3],                                      # a JSON value that is not an object
]


def _fill(rule: str, world, unknown: bool) -> str:
    known = {"project_id": world["project"], "annotation_id": 1, "story_id": world["story"], "exercise_id": 1,
             "user_id": world["users"]["annotator"], "username": "annotator", "flag": "publish",
             "action": "accept", "fmt": "jsonl", "article_id": world["a"], "filename": "x", "job_id": "x"}
    values = UNKNOWN if unknown else known
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


@pytest.mark.parametrize("username", ["admin", "annotator"])
def test_no_api_route_answers_500_to_unknown_ids_wrong_types_or_missing_fields(app, world, username):
    api = as_user(app.test_client(), username)
    routes = list(_api_routes(app))
    assert len(routes) >= 20, "the URL map enumeration found the API"
    failures = []
    for method, rule in routes:
        for unknown in (False, True):
            url = _fill(rule, world, unknown)
            for body in BODIES if method != "GET" else [None]:
                response = api.call(method, url, body)
                if response.status_code >= 500:
                    failures.append((method, url, body, response.status_code, response.get_data(as_text=True)[:200]))
                elif response.status_code >= 400:
                    payload = response.get_json(silent=True)
                    assert payload and payload["ok"] is False and payload["error"], (method, url, body)
    assert failures == []


def test_a_raw_non_json_body_gets_a_clear_400_not_a_500(app, world):
    api = as_user(app.test_client(), "admin")
    response = api.client.post("/api/analyze", data=b"\xff\xfe not json", content_type="application/json",
                               headers={"X-CSRFToken": api.token})
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


def test_analyze_with_an_unknown_article_id_is_a_404_naming_the_id(app, world):
    api = as_user(app.test_client(), "admin")
    response = api.post("/api/analyze", {"article_ids": ["ffffffffffffffff"]})
    assert response.status_code == 404
    assert "ffffffffffffffff" in response.get_json()["error"]
