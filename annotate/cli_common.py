"""Helpers shared by the label/campaign command modules (only cli modules import click)."""
from __future__ import annotations

import functools
import json

import click

from corpus import db as dbmod


def open_db(db_path: str):
    return dbmod.connect(db_path)


def domain_errors(fn):
    """Turn the core's errors into one-line click errors."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from annotate import store
        from annotate.labels import LabelError

        try:
            return fn(*args, **kwargs)
        except (LabelError, store.NotFound, store.StaleVersion, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    return wrapper


def user_id(db, username: str | None) -> int | None:
    from annotate import store, store_reads

    if username is None:
        return None
    uid = store_reads.user_id_by_name(db, username)
    if uid is None:
        raise store.NotFound(f"no user named {username!r} (create one with `presslens users add`)")
    return uid


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


as_json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
