"""The one error handler: JSON `{"ok": false, "error", "status"}` under /api/, an HTML page elsewhere.

Every layer raises `corpus.errors.PresslensError` subclasses that carry their own status, so this
module needs no list of exception types: one handler for them, one for werkzeug's HTTP errors
(`abort`, CSRF, 413), and a last one that logs the unexpected and answers 500 without details.
"""
from __future__ import annotations

from flask import Flask, current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from corpus.errors import PresslensError

HTTP_MESSAGES = {413: "upload too large", 404: "not found", 405: "method not allowed",
                 401: "login required", 429: "too many attempts"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, **extra):
    """Build the error response in the right shape for where the request came from."""
    if wants_json():
        body = {"ok": False, "error": message, "status": status, **extra}
        return jsonify(body), status
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    return render_template("error.html", status=status, message=message), status


def handle_domain(exc: PresslensError):
    """A domain error keeps its message; its class says which status it is."""
    return error_response(exc.status, exc.message, **_jsonable(exc.extra))


def handle_http(exc: HTTPException):
    if isinstance(exc, CSRFError):
        return error_response(400, f"CSRF check failed: {exc.description}")
    message = exc.description if exc.description and exc.description != type(exc).description else None
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if exc.code == 413 and not message and limit:
        size = f"{limit / 1e6:.3g} MB" if limit >= 1e6 else f"{limit / 1e3:.3g} kB"
        message = f"upload too large: the limit is {size}"
    return error_response(exc.code or 500, message or HTTP_MESSAGES.get(exc.code, exc.name))


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    current_app.logger.exception("unhandled error on %s", request.path)
    return error_response(500, InternalServerError.description if not current_app.debug else repr(exc))


def _jsonable(extra: dict) -> dict:
    """Only plain values travel in an error answer (a row dict, a field name, a count)."""
    return {k: v for k, v in extra.items() if isinstance(v, (str, int, float, bool, dict, list, type(None)))}


def init_app(app: Flask) -> None:
    app.register_error_handler(PresslensError, handle_domain)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
