"""French and English interface text through Flask-Babel and gettext catalogues.

The catalogues are `web/translations/<locale>/LC_MESSAGES/messages.po`. Their msgids are stable
keys (`classes.reveal`), not English sentences, so rewording the English text never orphans a
translation; `en` holds the English text like any other language. The compiled `.mo` files are
not committed: `compile_catalogues` builds them from the `.po` files when the app starts, into a
cache folder named after the catalogues' content (so an edited `.po` is never served stale).

The locale is the user's saved choice, else the session's, else the browser's Accept-Language,
else DEFAULT_LOCALE. Templates call `_("key", name=...)` (the text's `{name}` placeholders are
filled with str.format); a key missing in French falls back to English so a half-translated
page still reads.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, gettext

LOCALES = ("en", "fr")
CATALOGUES = Path(__file__).resolve().parent / "translations"


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


def compile_catalogues(source: Path = CATALOGUES, cache_root: Path | None = None) -> Path:
    """Compile every `<locale>/LC_MESSAGES/messages.po` under `source` to `.mo` in a cache folder
    keyed by the catalogues' content; returns that folder (Flask-Babel's translation directory).
    A `.po` with a syntax error stops the start with babel's message naming the line."""
    pos = sorted(source.glob("*/LC_MESSAGES/messages.po"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in pos)).hexdigest()[:16]
    target = (cache_root or Path(tempfile.gettempdir())) / f"presslens-translations-{digest}"
    for po in pos:
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name, abort_invalid=True)
        mo.parent.mkdir(parents=True, exist_ok=True)
        partial = mo.with_suffix(f".{os.getpid()}.tmp")  # one per process: two workers may start at once
        with partial.open("wb") as fh:
            write_mo(fh, catalog)
        partial.replace(mo)  # atomic: a second worker never reads half a file
    return target


def _english() -> Translations:
    """The English catalogue, for keys a French catalogue lacks."""
    cached = current_app.extensions.get("presslens_english")
    if cached is None:
        folder = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
        cached = Translations.load(folder, ["en"])
        current_app.extensions["presslens_english"] = cached
    return cached


def translate(key: str, locale: str | None = None, **params) -> str:
    """The message `key` in this request's locale (or `locale`), formatted with `params`."""
    if locale and locale != get_locale():
        folder = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
        text = Translations.load(folder, [locale]).gettext(key)
    else:
        text = gettext(key)
    if text == key:
        text = _english().gettext(key)
    return text.format(**params) if params else text


def moment(iso: str | None) -> str:
    """A stored UTC timestamp ("2026-11-29T18:47:03+00:00") as this locale writes a date and time
    ("29 nov. 2026, 18:47:03"); "—" when there is none or it does not parse."""
    from datetime import datetime

    from flask_babel import format_datetime

    try:
        return format_datetime(datetime.fromisoformat(iso), "medium") if iso else "—"
    except ValueError:
        return "—"


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LOCALE", "en"))
    Babel(app, locale_selector=get_locale)
    app.jinja_env.globals.update(_=translate, get_locale=get_locale, moment=moment)


def localized_scheme(db, project_id: int | None) -> list:
    """The project's scheme with each label's `title` in this request's language."""
    from dataclasses import replace

    from annotate.labels import store as labels_store

    locale = get_locale()
    return [replace(d, title=d.title_in(locale)) for d in labels_store.get_scheme(db, project_id)]
