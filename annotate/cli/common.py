"""Helpers shared by the label/campaign command modules (only cli modules import click)."""
from __future__ import annotations

import functools
import json

import click

from corpus import db as dbmod
from corpus.errors import PresslensError


def open_db(db_path: str):
    return dbmod.connect(db_path)


def domain_errors(fn):
    """Turn the core's errors into one-line click errors (also when a command runs outside `main`)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PresslensError as exc:
            raise click.ClickException(exc.message) from exc
    return wrapper


def user_id(db, username: str | None) -> int | None:
    from annotate.labels import people, store

    if username is None:
        return None
    uid = people.user_id_by_name(db, username)
    if uid is None:
        raise store.NotFound(f"no user named {username!r} (create one with `presslens users add`)")
    return uid


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


as_json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def model_options(fn):
    """--framing-model, --loaded-model and --speech-model (annotate.models.choices.KINDS): each
    defaults to its environment setting, else the fast model."""
    from annotate.models.choices import KINDS

    for kind, spec in reversed(KINDS.items()):
        fn = click.option(spec.option, f"{kind}_model", type=click.Choice(spec.names), default=None,
                          help=f"{spec.help} Default: ${spec.setting}, else {spec.names[0]}.")(fn)
    return fn


def chosen_models(framing: str | None, loaded: str | None, speech: str | None):
    """The run's ModelChoices from the options over the settings; a bad setting is one line."""
    from annotate.models import choices

    try:
        return choices.current(framing=framing, loaded=loaded, speech=speech)
    except PresslensError as exc:
        raise click.ClickException(exc.message) from None
