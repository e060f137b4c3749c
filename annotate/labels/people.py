"""Who people are, for labels: annotate stores user ids only; the accounts (`users`) belong to the
web layer, which annotate never queries.

The web layer installs its directory of accounts when the `web` package is imported
(web/people.py); annotate asks it for names and roles. Without one (annotate used on its own)
every lookup answers "unknown": labels keep their user ids, only the names are missing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Directory:
    """Lookups over the accounts, each taking the open database."""
    accounts: Callable[[sqlite_utils.Database, list[int] | None], dict[int, dict]]  # id -> username, display_name, role
    id_of: Callable[[sqlite_utils.Database, str], int | None]


_NOBODY = Directory(accounts=lambda db, ids: {}, id_of=lambda db, name: None)
_directory: Directory = _NOBODY


def install(directory: Directory) -> None:
    """Make `directory` the source of user names and roles (called by the web layer)."""
    global _directory
    _directory = directory


def accounts(db: sqlite_utils.Database, user_ids: list[int] | None = None) -> dict[int, dict]:
    """{user_id: {"username", "display_name", "role"}} of the given users (all when None)."""
    return _directory.accounts(db, None if user_ids is None else list(user_ids))


def usernames(db: sqlite_utils.Database) -> dict[int, str]:
    """{user_id: username} of every user."""
    return {uid: a["username"] for uid, a in accounts(db).items()}


def user_id_by_name(db: sqlite_utils.Database, username: str) -> int | None:
    """The id of `username`, or None."""
    return _directory.id_of(db, username)


def user_role(db: sqlite_utils.Database, user_id: int) -> str | None:
    """The account-wide role of a user (admin, curator, annotator, viewer), or None."""
    found = accounts(db, [user_id]).get(user_id)
    return found["role"] if found else None


def exists(db: sqlite_utils.Database, user_id: int) -> bool:
    """True when `user_id` names an account."""
    return user_id in accounts(db, [user_id])
