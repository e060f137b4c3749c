"""annotate.labels.people: user names reach annotate through the web layer's directory."""
from __future__ import annotations

import pytest

from annotate.labels import people, store
from tests.factories import make_user


def test_names_and_roles_come_from_the_web_accounts(db):
    uid = make_user(db, "ana", "curator")
    assert people.usernames(db) == {uid: "ana"}
    assert people.user_id_by_name(db, "ana") == uid and people.user_id_by_name(db, "nobody") is None
    assert people.user_role(db, uid) == "curator" and people.exists(db, uid) and not people.exists(db, uid + 1)


def test_members_and_history_carry_usernames(db):
    uid = make_user(db, "ana", "curator")
    pid = store.create_project(db, "p", created_by=uid)["id"]
    assert [(m["username"], m["role"]) for m in store.list_members(db, pid)] == [("ana", "curator")]


def test_without_a_directory_ids_stay_and_names_are_unknown(db, monkeypatch):
    uid = make_user(db, "ana", "curator")
    pid = store.create_project(db, "p", created_by=uid)["id"]
    monkeypatch.setattr(people, "_directory", people._NOBODY)
    assert people.usernames(db) == {} and people.user_role(db, uid) is None
    [member] = store.list_members(db, pid)
    assert member["user_id"] == uid and member["username"] is None


def test_adding_an_unknown_user_is_refused_by_the_foreign_key(db):
    uid = make_user(db, "ana", "curator")
    pid = store.create_project(db, "p", created_by=uid)["id"]
    with pytest.raises(store.NotFound, match=f"user {uid + 99} not found"):
        store.add_member(db, pid, uid + 99)
    assert [m["user_id"] for m in store.list_members(db, pid)] == [uid]
