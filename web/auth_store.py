"""Accounts and login attempts: the web layer's only SQL (users are a web-only concern).

Passwords are stored as werkzeug hashes; generated passwords are returned to the caller once and
never stored in clear. Functions take the database explicitly so the CLI and the views share them.
"""
from __future__ import annotations

import csv
import hashlib
import io
import secrets
import string
import time
from dataclasses import dataclass

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from corpus.errors import Invalid
from corpus.schema import now

ROLES = ("admin", "curator", "annotator", "viewer")
USERNAME_CHARS = set(string.ascii_letters + string.digits + "._-@")
# No look-alike characters (0/O, 1/l/I) so a teacher can read a password out to a class.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class UserError(Invalid):
    """A bad username, role or password; the message is shown to the user as is."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    display_name: str
    locale: str | None
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_manage(self) -> bool:
        """Admins and curators (teachers, editors) create users, projects and exercises."""
        return self.role in ("admin", "curator")

    def as_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "role": self.role,
                "display_name": self.display_name, "locale": self.locale, "active": self.active}


def generate_password(length: int = 14) -> str:
    """A random password from an unambiguous alphabet (about 81 bits for 14 characters)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _row_to_user(row: dict) -> User:
    return User(id=row["id"], username=row["username"], role=row["role"],
                display_name=row.get("display_name") or row["username"],
                locale=row.get("locale"), active=bool(row.get("active", 1)))


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not 1 <= len(username) <= 64 or not set(username) <= USERNAME_CHARS:
        raise UserError(f"invalid username {username!r}: use 1-64 letters, digits, . _ - @")
    return username


def validate_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise UserError(f"invalid role {role!r}: one of {', '.join(ROLES)}")
    return role


def validate_password(password: str) -> str:
    if len(password or "") < 10:
        raise UserError("password too short: at least 10 characters")
    return password


def create_user(db: sqlite_utils.Database, username: str, role: str, password: str | None = None,
                display_name: str | None = None, locale: str | None = None) -> tuple[User, str]:
    """Create an account; returns (user, password) where password is generated when not given."""
    username, role = validate_username(username), validate_role(role)
    password = validate_password(password) if password else generate_password()
    if get_user_by_name(db, username):
        raise UserError(f"user {username!r} already exists")
    db.table("users").insert({
        "username": username, "password_hash": generate_password_hash(password), "role": role,
        "display_name": (display_name or "").strip() or username, "locale": locale,
        "active": 1, "created_at": now(),
    })
    return get_user_by_name(db, username), password


def get_user(db: sqlite_utils.Database, user_id: int) -> User | None:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    return _row_to_user(rows[0]) if rows else None


def get_user_by_name(db: sqlite_utils.Database, username: str) -> User | None:
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username]))
    return _row_to_user(rows[0]) if rows else None


def list_users(db: sqlite_utils.Database) -> list[User]:
    return [_row_to_user(r) for r in db.query("SELECT * FROM users ORDER BY username")]


def count_admins(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """A real hash (default method) to check unknown names against, built once per process."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_hex(16)))
    return _DUMMY_HASH[0]


def check_password(db: sqlite_utils.Database, username: str, password: str) -> User | None:
    """The active user when the password matches, else None (same answer for unknown users).

    Every call does exactly one hash check (against a dummy hash for unknown names, and also
    for inactive accounts) so response time does not tell which usernames exist.
    """
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username]))
    stored = rows[0]["password_hash"] if rows else _dummy_hash()
    matches = check_password_hash(stored, password or "")
    if not rows or not matches or not rows[0].get("active", 1):
        return None
    return _row_to_user(rows[0])


def password_stamp(db: sqlite_utils.Database, user_id: int) -> str | None:
    """A short fingerprint of the user's password hash, kept in the session at login: a new
    password changes it, which ends every session opened with the old one (sessions live in
    signed cookies, so this is how a reset reaches a stolen or forgotten session)."""
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    return hashlib.sha256(row[0].encode("utf-8")).hexdigest()[:32] if row else None


def set_password(db: sqlite_utils.Database, username: str, password: str | None = None) -> str:
    """Replace a user's password (generated when not given); returns the new password."""
    user = get_user_by_name(db, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    password = validate_password(password) if password else generate_password()
    db.table("users").update(user.id, {"password_hash": generate_password_hash(password)})
    return password


def _check_not_last_admin(db: sqlite_utils.Database, user: User) -> None:
    if user.role == "admin" and user.active and count_admins(db) <= 1:
        raise UserError(f"{user.username!r} is the last active admin; make another admin first")


def set_active(db: sqlite_utils.Database, username: str, active: bool) -> User:
    """Enable or disable an account; disabling ends all its sessions at their next request."""
    from web import session_store

    user = get_user_by_name(db, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    if not active:
        _check_not_last_admin(db, user)
    with db.atomic():
        db.table("users").update(user.id, {"active": int(active)})
        if not active:
            session_store.revoke_user(db, user.id)
    return get_user(db, user.id)


def set_role(db: sqlite_utils.Database, username: str, role: str) -> User:
    """Change an account's role; it applies from the user's next request (roles are read per request)."""
    role = validate_role(role)
    user = get_user_by_name(db, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    if role != "admin":
        _check_not_last_admin(db, user)
    db.table("users").update(user.id, {"role": role})
    return get_user(db, user.id)


def set_locale(db: sqlite_utils.Database, user_id: int, locale: str) -> None:
    db.table("users").update(user_id, {"locale": locale})


def parse_users_csv(text: str) -> list[dict]:
    """Rows of a class list CSV (username,display_name,role; header optional), validated up front.

    Every row is checked before anything is written, so a bad line 7 loses nothing and is reported
    as `line 7: ...`.
    """
    rows, errors = [], []
    columns = {"username": 0, "display_name": 1, "role": 2}
    for lineno, fields in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not fields or not any(f.strip() for f in fields):
            continue
        if lineno == 1 and "username" in (names := [f.strip().lower() for f in fields]):
            # A header names the columns, so `username,role` works as well as the full order.
            columns = {key: names.index(key) if key in names else None for key in columns}
            continue
        get = lambda key: fields[i].strip() if (i := columns[key]) is not None and i < len(fields) else ""  # noqa: E731
        try:
            username = validate_username(get("username"))
            role = validate_role(get("role") or "annotator")
        except UserError as exc:
            errors.append(f"line {lineno}: {exc}")
            continue
        rows.append({"username": username, "display_name": get("display_name"), "role": role, "line": lineno})
    if errors:
        raise UserError("; ".join(errors))
    return rows


def import_users(db: sqlite_utils.Database, text: str) -> list[dict]:
    """Create every account of a CSV in one transaction; returns [{username, role, password}]."""
    rows = parse_users_csv(text)
    seen: set[str] = set()
    for row in rows:
        if row["username"] in seen or get_user_by_name(db, row["username"]):
            raise UserError(f"line {row['line']}: user {row['username']!r} already exists")
        seen.add(row["username"])
    created = []
    with db.atomic():
        for row in rows:
            user, password = create_user(db, row["username"], row["role"], display_name=row["display_name"])
            created.append({"username": user.username, "display_name": user.display_name,
                            "role": user.role, "password": password})
    return created


def record_attempt(db: sqlite_utils.Database, key: str, ok: bool, at: float | None = None) -> None:
    db.table("login_attempts").insert({"key": key, "at": at if at is not None else time.time(), "ok": int(ok)})


def recent_failures(db: sqlite_utils.Database, key: str, window_s: float, at: float | None = None) -> int:
    """Failed logins for `key` in the last `window_s` seconds since its last success."""
    at = at if at is not None else time.time()
    last_ok = db.execute("SELECT max(at) FROM login_attempts WHERE key = ? AND ok = 1", [key]).fetchone()[0]
    since = max(at - window_s, last_ok or 0)
    return db.execute("SELECT count(*) FROM login_attempts WHERE key = ? AND ok = 0 AND at > ?",
                      [key, since]).fetchone()[0]
