"""The presslens web application: `create_app(test_config=None)` (Flask app factory).

Configuration is layered so that an install can be tuned without editing code:
built-in defaults → `instance/config.py` → `PRESSLENS_*` environment variables → `test_config`.
The secret key is generated once per install and kept in the instance folder (mode 0600), so
there is no shared default secret anywhere.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from corpus import db as dbmod
from web import people

people.install()  # annotate names users through the web layer's accounts

csrf = CSRFProtect()

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 300,
    "ALLOW_PRIVATE_URLS": False,
    "DEFAULT_LOCALE": "en",
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed.
    # 0 (default): none, so a client cannot pick its own address to dodge the login throttle.
    "TRUSTED_PROXIES": 0,
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; `test_config` (last config layer) is how tests and `serve` override."""
    test_config = dict(test_config or {})
    instance = test_config.pop("INSTANCE_PATH", None) or os.environ.get("PRESSLENS_INSTANCE")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()) if instance else None,
                instance_relative_config=True)
    app.config.update(DEFAULTS)
    app.config["DATABASE"] = dbmod.default_path()
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PRESSLENS")
    if app.config.get("DB"):  # PRESSLENS_DB is the name every other layer uses
        app.config["DATABASE"] = str(app.config["DB"])
    app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(Path(app.instance_path))
    _wire(app)
    return app


def load_or_create_secret(instance_path: Path) -> str:
    """Read the per-install secret key, creating it (0600, never world-readable) on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL + explicit mode: the file is never readable by others, not even for an instant.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client address, scheme and host from the headers the
    last N proxies set (werkzeug's ProxyFix), so login throttling sees real client addresses."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    n = app.config.get("TRUSTED_PROXIES", 0)
    if isinstance(n, str) and n.strip().isdigit():
        n = int(n)
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10:
        raise ValueError(f"PRESSLENS_TRUSTED_PROXIES must be a whole number from 0 to 10, got {n!r}")
    app.config["TRUSTED_PROXIES"] = n
    if n:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _wire(app: Flask) -> None:
    from web import auth, db, errors, i18n, security
    from web.views import BLUEPRINTS

    trust_proxies(app)
    db.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
