"""`presslens backup` and `presslens restore`: thin click wrappers over corpus.backup."""
from __future__ import annotations

import json

import click

from corpus import backup as backupmod
from corpus.cli import db_option


def _print(report: backupmod.BackupReport, as_json: bool, verb: str) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    counts = ", ".join(f"{n} {t}" for t, n in report.counts.items())
    click.echo(f"{verb} {report.source} -> {report.target} ({report.bytes} bytes; {counts})")
    if report.previous:
        click.echo(f"previous database kept as {report.previous}")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False))
@db_option
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def backup_cmd(out: str, db_path: str, force: bool, as_json: bool) -> None:
    """Write a consistent snapshot of the database to OUT (safe while the server runs)."""
    try:
        report = backupmod.backup(db_path, out, overwrite=force)
    except backupmod.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _print(report, as_json, "backed up")


@click.command("restore")
@click.argument("backup_file", metavar="IN", type=click.Path(dir_okay=False))
@db_option
@click.option("--force", is_flag=True, help="Replace an existing database (kept as TARGET.bak).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def restore_cmd(backup_file: str, db_path: str, force: bool, as_json: bool) -> None:
    """Restore the backup IN into the database (--db TARGET); stop the server first.

    IN must be an intact presslens database (integrity check); the copy is atomic and the
    database it replaces is kept as TARGET.bak.
    """
    try:
        report = backupmod.restore(backup_file, db_path, force=force)
    except backupmod.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _print(report, as_json, "restored")


commands: list[click.Command] = [backup_cmd, restore_cmd]
