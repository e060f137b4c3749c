"""Command line of the corpus layer: each command parses, calls the core, prints."""
from __future__ import annotations

import click

from corpus import db as dbmod

db_option = click.option(
    "--db", "db_path", envvar="PRESSLENS_DB", default=dbmod.DEFAULT_DB, show_default=True,
    type=click.Path(dir_okay=False), help="SQLite database file (env PRESSLENS_DB).",
)


@click.command("migrate")
@db_option
def migrate_cmd(db_path: str) -> None:
    """Create or upgrade the database schema (no users are created; see init-db)."""
    db = dbmod.connect(db_path, migrate=False)
    from corpus import schema

    applied = schema.migrate(db)
    click.echo(f"{db_path}: applied {len(applied)} migration(s)" if applied else f"{db_path}: schema up to date")


commands: list[click.Command] = [migrate_cmd]
