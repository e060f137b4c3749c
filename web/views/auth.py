"""Log in, log out, choose the interface language."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)

from web import auth_store, session_store
from web.db import get_db
from web.i18n import LOCALES, translate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would be a phishing aid.

    Control characters and spaces are refused outright: browsers drop tab/CR/LF from a
    Location, so `/<TAB>/evil.example` would become `//evil.example` (and CR/LF break headers).
    """
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target)):
        return target
    return url_for("stories.index")


def _throttle_key(username: str) -> str:
    return f"{username.strip().lower()}|{request.remote_addr or '-'}"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Password login, throttled per username and client address (login_attempts table)."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    db, cfg = get_db(), current_app.config
    username = request.form.get("username", "")
    key = _throttle_key(username)
    if auth_store.recent_failures(db, key, cfg["LOGIN_WINDOW_SECONDS"]) >= cfg["LOGIN_MAX_FAILURES"]:
        abort(429, description=translate("login.throttled"))
    user = auth_store.check_password(db, username.strip(), request.form.get("password", ""))
    auth_store.record_attempt(db, key, ok=user is not None)
    if user is None:
        flash(translate("login.failed"), "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    session.clear()  # a fresh session on login: no fixation
    session["user_id"] = user.id
    session["stamp"] = auth_store.password_stamp(db, user.id)
    session["sid"] = session_store.open_session(db, user.id, request.headers.get("User-Agent", ""))
    target = request.form.get("next")
    if not target:  # a student with a running exercise goes straight to it
        from web.views.classes import student_landing
        target = student_landing(db, user)
    return redirect(_safe_next(target))


@bp.post("/logout")
def logout():
    """End this session on the server too, so a copy of the cookie is worthless (other devices
    of the same user stay logged in)."""
    session_store.revoke(get_db(), session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale():
    """Switch the interface language; saved on the account when logged in."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        abort(400, description=f"unknown locale {locale!r}")
    session["locale"] = locale
    if g.user is not None:
        auth_store.set_locale(get_db(), g.user.id, locale)
    return redirect(_safe_next(request.form.get("next")))
