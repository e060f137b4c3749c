"""The root `presslens` command group: flattens every layer's commands into one CLI.

The web layer's own commands live here too (only cli.py modules import click): `init-db`,
`users ...`, `serve` and `demo-setup`. Each parses, calls the core, prints.
"""
from __future__ import annotations

import json
import os

import click

from annotate.cli import analyze as annotate_cli
from annotate.cli import labels as cli_labels
from annotate.cli import suggest as cli_suggest
from annotate.cli.common import chosen_models, model_options
from compare import cli as compare_cli
from corpus import cli as corpus_cli
from corpus import cli_backup
from corpus.errors import PresslensError


class PresslensGroup(click.Group):
    """The one CLI wrapper: a domain error from any layer becomes one `Error: message` line, exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PresslensError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=PresslensGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="presslens")
def main() -> None:
    """presslens: line up how outlets cover the same story, and annotate it."""


def _register(commands: list[click.Command]) -> None:
    for command in commands:
        main.add_command(command)


_register(corpus_cli.commands)
_register(cli_backup.commands)
_register(compare_cli.commands)
_register(annotate_cli.commands)
_register(cli_labels.commands)
_register(cli_suggest.commands)


# -- web commands ---------------------------------------------------------------------------------

def _open(db_path: str):
    from corpus import db as dbmod

    return dbmod.connect(db_path)


@click.command("init-db")
@corpus_cli.db_option
@click.option("--username", default="admin", show_default=True, help="Name of the first admin account.")
def init_db_cmd(db_path: str, username: str) -> None:
    """Create or upgrade the database and the first admin (password printed once, never stored)."""
    from web import auth_store

    db = _open(db_path)
    if auth_store.count_admins(db):
        click.echo(f"{db_path}: schema up to date; an admin account already exists (no password shown).")
        return
    try:
        user, password = auth_store.create_user(db, username, "admin", display_name="Administrator")
    except auth_store.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{db_path}: created admin account {user.username!r}.")
    click.echo(f"Password (shown only this once, write it down): {password}")


@click.group("users")
def users_group() -> None:
    """Manage accounts: add, list, import a class from CSV, reset a password, disable, change a role."""


@users_group.command("add")
@corpus_cli.db_option
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "curator", "annotator", "viewer"]), default="annotator",
              show_default=True, help="admin, curator (teacher/editor), annotator (student) or viewer.")
@click.option("--display-name", default="", help="Name shown in the interface.")
def users_add(db_path: str, username: str, role: str, display_name: str) -> None:
    """Create an account with a generated password (printed once)."""
    from web import auth_store

    try:
        user, password = auth_store.create_user(_open(db_path), username, role, display_name=display_name)
    except auth_store.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.role} {user.username!r}; password (shown once): {password}")


@users_group.command("list")
@corpus_cli.db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def users_list(db_path: str, as_json: bool) -> None:
    """List accounts (never passwords)."""
    from web import auth_store

    users = [u.as_dict() for u in auth_store.list_users(_open(db_path))]
    if as_json:
        click.echo(json.dumps(users, ensure_ascii=False, indent=2))
        return
    for u in users:
        click.echo(f"{u['id']:>4}  {u['username']:<24} {u['role']:<10} {u['display_name']}"
                   + ("" if u["active"] else "  (inactive)"))


@users_group.command("import-csv")
@corpus_cli.db_option
@click.argument("csv_file", type=click.File("r", encoding="utf-8"))
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Write username,display_name,role,password here (mode 0600) instead of printing.")
def users_import(db_path: str, csv_file, out_path: str | None) -> None:
    """Create a class from a CSV (username,display_name,role); all rows or none are created."""
    from web import auth_store

    try:
        created = auth_store.import_users(_open(db_path), csv_file.read())
    except auth_store.UserError as exc:
        raise click.ClickException(f"{csv_file.name}: {exc}") from exc
    lines = ["username,display_name,role,password"] + [
        ",".join([c["username"], c["display_name"].replace(",", " "), c["role"], c["password"]]) for c in created]
    if out_path:
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        click.echo(f"created {len(created)} account(s); passwords written to {out_path}")
    else:
        click.echo("\n".join(lines))


@users_group.command("set-password")
@corpus_cli.db_option
@click.argument("username")
@click.option("--prompt", "ask", is_flag=True, help="Type the new password instead of generating one.")
def users_set_password(db_path: str, username: str, ask: bool) -> None:
    """Reset a password: generated and printed once, or typed with --prompt."""
    from web import auth_store

    password = click.prompt("New password", hide_input=True, confirmation_prompt=True) if ask else None
    try:
        new = auth_store.set_password(_open(db_path), username, password)
    except auth_store.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password of {username!r} changed" + ("" if ask else f"; new password (shown once): {new}"))


def _set_active(db_path: str, username: str, active: bool) -> None:
    from web import auth_store

    try:
        user = auth_store.set_active(_open(db_path), username, active)
    except auth_store.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.username!r} " + ("enabled" if active else "disabled; its sessions are ended"))


@users_group.command("disable")
@corpus_cli.db_option
@click.argument("username")
def users_disable(db_path: str, username: str) -> None:
    """Disable an account: it cannot log in and its open sessions end at their next request."""
    _set_active(db_path, username, False)


@users_group.command("enable")
@corpus_cli.db_option
@click.argument("username")
def users_enable(db_path: str, username: str) -> None:
    """Enable a disabled account again (its password is unchanged)."""
    _set_active(db_path, username, True)


@users_group.command("set-role")
@corpus_cli.db_option
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "curator", "annotator", "viewer"]))
def users_set_role(db_path: str, username: str, role: str) -> None:
    """Change an account's role; it applies from the user's next request."""
    from web import auth_store

    try:
        user = auth_store.set_role(_open(db_path), username, role)
    except auth_store.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.username!r} is now {user.role}")


@click.command("serve")
@corpus_cli.db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads (waitress).")
@model_options
def serve_cmd(db_path: str, host: str, port: int, threads: int, framing_model: str | None,
              loaded_model: str | None, speech_model: str | None) -> None:
    """Serve the web interface with waitress (a production WSGI server).

    The model options choose what the background analyses of uploads suggest with."""
    import logging

    import waitress

    from annotate.models import choices
    from web import create_app

    # waitress logs one warning per queued request under load; a full pipe would block the server.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from web.jobs import start_worker

    models = chosen_models(framing_model, loaded_model, speech_model)  # a bad setting stops here, not in a job
    app = create_app({"DATABASE": db_path})
    with choices.applied(models):
        # Background analyses run in this process (huey consumer threads, queue file beside the
        # database): one command serves the site and works through uploads.
        queue = start_worker(app)
        click.echo(f"presslens on http://{host}:{port}/  (database {db_path}; Ctrl-C stops); suggestions: "
                   + ", ".join(f"{kind} {name}" for kind, name in models.as_dict().items()))
        try:
            waitress.serve(app, host=host, port=port, threads=threads, ident="presslens")
        finally:
            queue.stop()


@click.command("demo-setup")
@corpus_cli.db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Host the printed URL points at.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port the printed URL points at.")
def demo_setup_cmd(db_path: str, host: str, port: int) -> None:
    """Analyse all stored articles and create the "Demo" project (after init-db and ingest)."""
    from web.demo import setup_demo

    try:
        result = setup_demo(_open(db_path))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"analysed {result['articles']} article(s): {result['alignments']} alignment(s), "
               f"{result['spans']} suggested span(s)")
    click.echo(f"demo story: http://{host}:{port}/stories/{result['story_id']}?project={result['project_id']}")
    click.echo(f"log in as {result['admin']!r} with the password init-db printed "
               f"(lost it? ./presslens users set-password {result['admin']} --db {db_path})")


_register([init_db_cmd, users_group, serve_cmd, demo_setup_cmd])
