"""One database connection per request (flaskr's `get_db`), opened through `corpus.db.connect`."""
from __future__ import annotations

import sqlite_utils
from flask import Flask, current_app, g

from corpus import db as dbmod


def get_db() -> sqlite_utils.Database:
    """The request's connection, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = dbmod.connect(current_app.config["DATABASE"], migrate=False)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    database = g.pop("db", None)
    if database is not None:
        database.conn.close()


def init_app(app: Flask) -> None:
    """Apply pending migrations once at start-up, so requests never pay for the check."""
    database = dbmod.connect(app.config["DATABASE"], migrate=True)
    database.conn.close()
    app.teardown_appcontext(close_db)
