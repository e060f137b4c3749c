"""The one error handler: JSON `{"ok": false, "error", "status"}` under /api/, an HTML page elsewhere."""
from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


class ApiError(Exception):
    """A domain failure with an HTTP status and optional extra JSON fields (e.g. `current`)."""

    def __init__(self, status: int, message: str, **extra) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


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


def handle_http(exc: HTTPException):
    if isinstance(exc, CSRFError):
        return error_response(400, f"CSRF check failed: {exc.description}")
    messages = {413: "upload too large", 404: "not found", 405: "method not allowed",
                401: "login required", 429: "too many attempts"}
    message = exc.description if exc.description and exc.description != type(exc).description else None
    return error_response(exc.code or 500, message or messages.get(exc.code, exc.name))


def handle_api_error(exc: ApiError):
    return error_response(exc.status, exc.message, **exc.extra)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    from flask import current_app
    current_app.logger.exception("unhandled error on %s", request.path)
    return error_response(500, InternalServerError.description if not current_app.debug else repr(exc))


def handle_domain(exc: Exception):
    """Core-layer errors keep their message; the status says what kind of failure it was."""
    from annotate.store import NotFound, StaleVersion

    if isinstance(exc, StaleVersion):
        return error_response(409, str(exc), current=exc.current)
    if isinstance(exc, NotFound):
        return error_response(404, str(exc))
    return error_response(400, str(exc))


def init_app(app: Flask) -> None:
    from annotate.labels import LabelError
    from annotate.store import NotFound, StaleVersion
    from web.auth_store import UserError

    for exc_type in (LabelError, NotFound, StaleVersion, UserError):
        app.register_error_handler(exc_type, handle_domain)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(Exception, handle_unexpected)
