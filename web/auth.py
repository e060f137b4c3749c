"""Who is asking: loads `g.user` from the session and guards views by login and role.

Guards raise HTTP errors (401/403) and leave the response to the one error handler in
`web.errors`, which answers JSON under /api/ and redirects to the login page elsewhere.
"""
from __future__ import annotations

import functools
from typing import Callable

from flask import Flask, abort, g, session

from web import auth_store, session_store
from web.db import get_db


def load_user() -> None:
    """Put the logged-in, still-active user (or None) on `g.user` for this request.

    The user (and so the role) is read from the database on every request, and the session
    must still have its unrevoked row in `web_sessions`: logout, disabling the account, a role
    change or a password reset all take effect on the next request, even for a copied cookie.
    """
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    db = get_db()
    user = auth_store.get_user(db, user_id)
    if (user is None or not user.active or not session_store.is_live(db, session.get("sid"), user_id)
            or session.get("stamp") != auth_store.password_stamp(db, user_id)):
        session.clear()  # logged out, deactivated, deleted, or the password changed since this login
        return
    g.user = user


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            abort(401)
        return view(*args, **kwargs)
    return wrapped


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only users whose role is in `roles` get through (others: 403; anonymous: 401)."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                abort(401)
            if g.user.role not in roles:
                abort(403, description="your role does not allow this")
            return view(*args, **kwargs)
        return wrapped
    return decorator


manager_required = roles_required("admin", "curator")
admin_required = roles_required("admin")


def init_app(app: Flask) -> None:
    app.before_request(load_user)
