"""One error base for every layer: a domain failure that knows its HTTP status.

Every layer raises a subclass of `PresslensError`; the web app has one handler that turns it into
a JSON or HTML answer with `status`, and the CLI has one wrapper that turns it into a one-line
message. The mixins (`ValueError`, `LookupError`) keep older `except ValueError` call sites
working while the codebase moves to catching `PresslensError`.
"""
from __future__ import annotations


class PresslensError(Exception):
    """A failure the user can act on; `status` is the HTTP status it maps to.

    `extra` holds machine-readable details the answer carries (e.g. `current` for a stale edit,
    `field` for a form field).
    """

    status = 400
    extra: dict = {}

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.extra = extra

    @property
    def message(self) -> str:
        return str(self)


class Invalid(PresslensError, ValueError):
    """The input is wrong: a bad field, file, id format or option (400)."""

    status = 400


class Forbidden(PresslensError):
    """The user may not do this (403)."""

    status = 403


class NotFound(PresslensError, LookupError):
    """The thing named does not exist, or the user may not know it does (404)."""

    status = 404


class Conflict(PresslensError):
    """The request clashes with the stored state: a stale version, a duplicate (409)."""

    status = 409


class TooLarge(PresslensError, ValueError):
    """An upload or input over a configured size limit (413)."""

    status = 413


class Unavailable(PresslensError):
    """A needed resource (a model, a build step, the database) cannot be used now (503)."""

    status = 503


def with_status(status: int, message: str, **extra) -> PresslensError:
    """A `PresslensError` of the class that matches `status` (for code that only knows a status)."""
    kinds = {400: Invalid, 403: Forbidden, 404: NotFound, 409: Conflict, 413: TooLarge, 503: Unavailable}
    kind = kinds.get(status)
    if kind is None:
        error = PresslensError(message, **extra)
        error.status = status
        return error
    return kind(message, **extra)
