"""Accounts: admins create any account; curators (teachers) create annotators and viewers.

Generated passwords are shown once in the response to the POST that created them (or sent as
a CSV download) and never stored in clear, nor put in the session cookie.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, g, render_template, request, session

from web import auth_store
from web.auth import manager_required
from web.db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def creatable_roles(user) -> tuple[str, ...]:
    """Curators may enrol students and readers, never create admins or other curators."""
    return auth_store.ROLES if user.is_admin else ("annotator", "viewer")


def check_role_allowed(role: str) -> None:
    if role not in creatable_roles(g.user):
        abort(403, description=f"your role cannot create {role} accounts")


def passwords_csv(created: list[dict]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["username", "display_name", "role", "password"])
    for c in created:
        writer.writerow([c["username"], c["display_name"], c["role"], c["password"]])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="presslens-passwords.csv"', "Cache-Control": "no-store"})


def _page(created=None, status=200, error=None):
    users = auth_store.list_users(get_db())
    return render_template("users.html", users=users, roles=creatable_roles(g.user), created=created,
                           error=error), status


@bp.get("/users")
@manager_required
def users():
    return _page()


@bp.post("/users")
@manager_required
def add_user():
    role = request.form.get("role", "annotator")
    check_role_allowed(role)
    try:
        user, password = auth_store.create_user(get_db(), request.form.get("username", ""), role,
                                                display_name=request.form.get("display_name"))
    except auth_store.UserError as exc:
        return _page(status=400, error=str(exc))
    created = [{"username": user.username, "display_name": user.display_name, "role": user.role,
                "password": password}]
    return _page(created=created)


@bp.post("/users/import")
@manager_required
def import_users():
    upload = request.files.get("file")
    text = upload.read().decode("utf-8", errors="replace") if upload else request.form.get("csv", "")
    try:
        for row in auth_store.parse_users_csv(text):
            check_role_allowed(row["role"])
        created = auth_store.import_users(get_db(), text)
    except auth_store.UserError as exc:
        return _page(status=400, error=str(exc))
    if request.form.get("download"):
        return passwords_csv(created)
    return _page(created=created)


@bp.post("/users/<username>/password")
@manager_required
def reset_password(username: str):
    target = auth_store.get_user_by_name(get_db(), username)
    if target is None:
        abort(404, description=f"no user {username!r}")
    check_role_allowed(target.role)
    password = auth_store.set_password(get_db(), username)
    if target.id == g.user.id:  # a new password ends other sessions, not the one that set it
        session["stamp"] = auth_store.password_stamp(get_db(), target.id)
    return _page(created=[{"username": target.username, "display_name": target.display_name,
                           "role": target.role, "password": password}])


def _managed_target(username: str):
    """The account named in the URL, if the caller's role may manage accounts of its role."""
    target = auth_store.get_user_by_name(get_db(), username)
    if target is None:
        abort(404, description=f"no user {username!r}")
    check_role_allowed(target.role)
    if target.id == g.user.id:
        abort(400, description="you cannot disable yourself or change your own role")
    return target


@bp.post("/users/<username>/active")
@manager_required
def set_active(username: str):
    """Disable (active=0) or enable (active=1) an account; disabling ends its sessions at once."""
    target = _managed_target(username)
    try:
        auth_store.set_active(get_db(), target.username, request.form.get("active") == "1")
    except auth_store.UserError as exc:
        return _page(status=400, error=str(exc))
    return _page()


@bp.post("/users/<username>/role")
@manager_required
def set_role(username: str):
    """Change an account's role (curators only between annotator and viewer); applies next request."""
    target = _managed_target(username)
    role = request.form.get("role", "")
    check_role_allowed(role)
    try:
        auth_store.set_role(get_db(), target.username, role)
    except auth_store.UserError as exc:
        return _page(status=400, error=str(exc))
    return _page()
