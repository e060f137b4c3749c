"""Command line of campaigns and exchange: propagate, assign, agreement, adjudicate, export,
import, stats. Registered through annotate.cli.labels.commands."""
from __future__ import annotations

import sys

import click

from annotate.cli.common import as_json_option, domain_errors, echo_json, open_db, user_id
from corpus.cli import db_option, safe


@click.command("propagate")
@db_option
@click.option("--project", "project_id", type=int, help="Propagate every human label of this project.")
@click.option("--label", "annotation_id", type=int, help="Propagate one human label.")
@domain_errors
def propagate_cmd(db_path, project_id, annotation_id) -> None:
    """Suggest human labels on aligned passages of other outlets (latest alignment run)."""
    from annotate.campaign import propagate

    db = open_db(db_path)
    if annotation_id is not None:
        n = len(propagate.propagate_label(db, annotation_id))
    elif project_id is not None:
        from annotate.labels import store

        store.get_project(db, project_id)  # NotFound rather than "0 suggestion(s) created"
        n = propagate.propagate_project(db, project_id)
    else:
        raise click.UsageError("give --project or --label")
    click.echo(f"{n} suggestion(s) created")


@click.command("assign")
@db_option
@click.argument("project_id", type=int)
@click.option("--k", type=int, help="Annotators per passage (default: the project's k).")
@as_json_option
@domain_errors
def assign_cmd(db_path, project_id, k, as_json) -> None:
    """Assign each content passage to k annotators, balanced round-robin (re-run fills gaps)."""
    from annotate.campaign import workflow as campaign
    from annotate.labels import people

    db = open_db(db_path)
    result = campaign.assign(db, project_id, k=k)
    if as_json:
        return echo_json(result)
    names = people.usernames(db)
    click.echo(f"{result['added']} assignment(s) added; {result['passages']} passages x k={result['k']}; "
               + ", ".join(f"{names.get(int(u), u)}: {n}" for u, n in sorted(result["per_user"].items())))


@click.command("agreement")
@db_option
@click.argument("project_id", type=int)
@click.option("--score", "username", help="Also score this annotator against the gold labels.")
@as_json_option
@domain_errors
def agreement_cmd(db_path, project_id, username, as_json) -> None:
    """Inter-annotator agreement: Cohen's kappa per pair, Fleiss' kappa, Krippendorff's alpha, span F1."""
    from annotate.campaign import workflow as campaign
    from annotate.labels import store

    db = open_db(db_path)
    store.get_project(db, project_id)  # NotFound: a typo must not read as "no agreement yet"
    report = campaign.project_agreement(db, project_id)
    if username:
        report["score"] = campaign.score_annotator(db, project_id, user_id(db, username))
    if as_json:
        return echo_json(report)
    o = report["overall"]
    click.echo(f"{report['items_shared']} passages labelled by >= 2 annotators; percent={_f(o['percent'])} "
               f"fleiss={_f(o['fleiss_kappa'])} alpha={_f(o['krippendorff_alpha'])}")
    for p in report["pairs"]:
        click.echo(f"  {p['a']} / {p['b']}: n={p['n']} kappa={_f(p['cohen_kappa'])}")
    if username:
        click.echo(f"  {username} vs gold: accuracy={_f(report['score']['accuracy'])} "
                   f"macro_f1={_f(report['score']['macro_f1'])} (n={report['score']['n']})")


def _f(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


@click.command("adjudicate")
@db_option
@click.argument("project_id", type=int)
@click.option("--passage", "passage_id", help="Passage to decide (without it: list the open queue).")
@click.option("--annotation", "annotation_id", type=int, help="Pick this annotator label as gold.")
@click.option("--label", help="Or set this label as gold.")
@click.option("--by", "username", help="Who decides.")
@as_json_option
@domain_errors
def adjudicate_cmd(db_path, project_id, passage_id, annotation_id, label, username, as_json) -> None:
    """Decide gold labels where annotators disagree."""
    from annotate.campaign import workflow as campaign
    from annotate.labels import store

    db = open_db(db_path)
    store.get_project(db, project_id)  # NotFound rather than an empty queue
    if passage_id is None:
        queue = campaign.disagreements(db, project_id, only_open=True)
        if as_json:
            return echo_json(queue)
        for q in queue:
            click.echo(f"{q['passage_id']}  " + ", ".join(f"{u}={l}" for u, l in q["labels"].items()))
        return click.echo(f"{len(queue)} passage(s) to adjudicate")
    gold = campaign.adjudicate(db, project_id, passage_id, decided_by=user_id(db, username),
                               annotation_id=annotation_id, label=label)
    echo_json(gold) if as_json else click.echo(f"gold {gold['id']} v{gold['version']}: {gold['label']}")


@click.command("export")
@db_option
@click.option("--format", "fmt", required=True,
              type=click.Choice(["jsonl", "csv", "labelstudio", "doccano", "spacy", "spacy-docbin", "w3c"]),
              help="Output format.")
@click.option("--project", "project_id", type=int, help="Only this project's articles and labels.")
@click.option("--article", "article_ids", multiple=True, help="Only these articles (repeatable).")
@click.option("--source", "source", default=None, metavar="SOURCE",
              help="gold, human (every annotator), annotator:USERNAME, suggestions, all, or auto "
                   "(gold, else human, else suggestions). Default: all; auto for doccano/spaCy.")
@click.option("--utf16", is_flag=True, help="Label Studio offsets in UTF-16 code units (old frontends).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@domain_errors
def export_cmd(db_path, fmt, project_id, article_ids, source, utf16, out_path) -> None:
    """Export labels (see annotate/exchange/export.py for each format's offsets)."""
    from annotate.exchange import export
    from annotate.labels import store

    db = open_db(db_path)
    if project_id is not None:
        store.get_project(db, project_id)  # NotFound rather than an empty file
    data = export.export(db, fmt, project_id=project_id, article_ids=article_ids or None,
                         source=source, utf16=utf16)
    if out_path:
        mode, kw = ("wb", {}) if isinstance(data, bytes) else ("w", {"encoding": "utf-8"})
        try:
            with open(out_path, mode, **kw) as fh:
                fh.write(data)
        except OSError as exc:
            raise click.ClickException(f"{out_path}: cannot write: {exc.strerror}") from None
        click.echo(f"wrote {out_path}", err=True)
    elif isinstance(data, bytes):
        raise click.UsageError("spacy-docbin is binary: give --out FILE.spacy")
    else:
        sys.stdout.write(data)


@click.command("import")
@db_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", required=True, type=click.Choice(["labelstudio", "doccano", "jsonl"]),
              help="Input format.")
@click.option("--project", "project_id", type=int, help="Project the labels go to.")
@click.option("--user", "username", help="Annotator of labels that name none.")
@as_json_option
@domain_errors
def import_cmd(db_path, path, fmt, project_id, username, as_json) -> None:
    """Import labels from Label Studio, doccano or presslens JSONL; bad items are reported file:line."""
    from annotate.exchange import importers
    from annotate.labels import store

    db = open_db(db_path)
    if project_id is not None:
        store.get_project(db, project_id)  # NotFound rather than a foreign-key traceback
    report = importers.import_file(db, path, fmt, project_id=project_id, user_id=user_id(db, username))
    if as_json:
        echo_json(report.as_dict())
    else:
        click.echo(f"{report.saved} label(s) saved, {report.skipped} already present, {len(report.errors)} error(s)")
        for e in report.errors:
            click.echo(str(e), err=True)
    if report.errors:
        sys.exit(1)


@click.command("stats")
@db_option
@click.option("--story", "story_id", type=int, help="Only this story.")
@click.option("--project", "project_id", type=int, help="Only this project's stories and labels.")
@as_json_option
@domain_errors
def stats_cmd(db_path, story_id, project_id, as_json) -> None:
    """Label shares per outlet, additions, who is quoted, quotes that change between outlets."""
    from annotate.campaign import stats

    result = stats.stats(open_db(db_path), story_id, project_id=project_id)
    if as_json:
        return echo_json(result)
    for story in result["stories"]:
        click.echo(f"story {story['story_id']} (alignment run {story['run_id']})")
        for o in story["outlets"]:
            shares = ", ".join(f"{k} {v:.0%}" for k, v in o["by_passages"].items()) or "no labels"
            adds = len(o["additions"]) if o["additions"] is not None else "n/a"
            click.echo(f"  {o['outlet'] or '?':<28} {shares}; additions: {adds}")
        q = story["quoted"]
        who = ", ".join(f"{safe(s['speaker'])} {s['count']}" for s in q["speakers"]) or "nobody named"
        click.echo(f"  quoted ({q['quotations']} quotation(s), {q['unattributed']} unattributed; "
                   f"entropy {q['entropy_bits']} bits): {who}")
        click.echo(f"  changed quotes: {len(story['changed_quotes'])}")
        for c in story["changed_quotes"]:
            click.echo(f"    {safe(c['a_outlet'] or '?')} → {safe(c['b_outlet'] or '?')} ({', '.join(c['changes'])}): "
                       f"{safe(c['a_quote'])} → {safe(c['b_quote'])}")


commands: list[click.Command] = [propagate_cmd, assign_cmd, agreement_cmd, adjudicate_cmd, export_cmd,
                                 import_cmd, stats_cmd]
