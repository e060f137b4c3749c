"""French and English interface text: a small message catalogue, no Babel.

The locale is the user's saved choice, else the session's, else the browser's Accept-Language,
else DEFAULT_LOCALE. Templates call `_("key", name=...)`; a key missing in French falls back to
English so a half-translated page still reads.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request, session

from web.messages import MESSAGES

LOCALES = ("en", "fr")


def get_locale() -> str:
    """The interface language for this request (resolved once, then cached on `g`)."""
    cached = g.get("locale")
    if cached:
        return cached
    g.locale = _resolve_locale()
    return g.locale


def _resolve_locale() -> str:
    user = g.get("user")
    if user is not None and user.locale in LOCALES:
        return user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    best = request.accept_languages.best_match(LOCALES) if request else None
    return best or current_app.config.get("DEFAULT_LOCALE", "en")


def translate(key: str, locale: str | None = None, **params) -> str:
    """The message `key` in `locale` (default: this request's), formatted with `params`."""
    locale = locale or get_locale()
    text = MESSAGES.get(locale, {}).get(key) or MESSAGES["en"].get(key) or key
    return text.format(**params) if params else text


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(_=translate, get_locale=get_locale)
