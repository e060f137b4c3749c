"""Command line of the corpus layer: each command parses, calls the core, prints."""
from __future__ import annotations

import json
import sys

import click

from corpus import db as dbmod

db_option = click.option(
    "--db", "db_path", envvar="PRESSLENS_DB", default=dbmod.DEFAULT_DB, show_default=True,
    type=click.Path(dir_okay=False), help="SQLite database file (env PRESSLENS_DB).",
)
json_flag = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def open_db(db_path: str):
    """Open the database or fail with a one-line message (no traceback)."""
    import sqlite3

    try:
        return dbmod.connect(db_path)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"{db_path}: cannot open database: {exc}") from None


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("migrate")
@db_option
def migrate_cmd(db_path: str) -> None:
    """Create or upgrade the database schema (no users are created; see init-db)."""
    db = dbmod.connect(db_path, migrate=False)
    from corpus import schema

    applied = schema.migrate(db)
    click.echo(f"{db_path}: applied {len(applied)} migration(s)" if applied else f"{db_path}: schema up to date")


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--outlet", help="Outlet name for inputs whose metadata and URL name none.")
@db_option
@click.option("--allow-private", is_flag=True, help="Allow URLs on private, loopback and link-local addresses.")
@click.option("--max-size", type=click.FloatRange(min=0.001), default=None,
              help="Largest file or page accepted, in MB (default 20, env PRESSLENS_MAX_BYTES in bytes).")
@json_flag
def ingest_cmd(inputs, outlet, db_path, allow_private, max_size, as_json) -> None:
    """Ingest files (.txt .md .html .jsonl .json .csv), directories and http(s) URLs.

    Bad files and rows are reported as FILE:LINE: MESSAGE and skipped; every valid article is
    stored. Exit status 1 when anything failed.
    """
    from corpus import ingest as ingestmod

    max_bytes = int(max_size * 1_000_000) if max_size else ingestmod.DEFAULT_MAX_BYTES
    report = ingestmod.ingest(open_db(db_path), list(inputs), outlet=outlet, allow_private=allow_private,
                              progress=not as_json, max_bytes=max_bytes)
    if as_json:
        echo_json(report.as_dict())
    else:
        print_report(report)
    if report.errors:
        sys.exit(1)


def print_report(report) -> None:
    """One line per article and per error, then the totals."""
    for item in report.items:
        where = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
        click.echo(safe(f"{item['status']}: {where} -> {item['id']} ({item['outlet']}, {item['lang']}, "
                        f"{item['passages']} passages)"))
    for error in report.errors:
        click.echo(f"error: {safe(str(error))}", err=True)
    click.echo(f"{len(report.added)} added, {len(report.skipped)} already present, "
               f"{len(report.errors)} error(s)")


@click.command("articles")
@db_option
@json_flag
def articles_cmd(db_path: str, as_json: bool) -> None:
    """List the stored articles: id, outlet, language, passages, title."""
    from corpus import store

    rows = store.list_articles(open_db(db_path))
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}  {safe(row['outlet'] or '-'):<24.24}  {row['lang'] or '-':<3} "
                   f"{row['content_count']:>4}/{row['passage_count']:<4}  {safe(row['title'] or '')}")
    click.echo(f"{len(rows)} article(s)")


@click.command("show")
@click.argument("article")
@db_option
@click.option("--content-only", is_flag=True, help="Only passages marked as content.")
@json_flag
def show_cmd(article: str, db_path: str, content_only: bool, as_json: bool) -> None:
    """Show an article's passages with kind, content flag and offsets (ARTICLE: id or id prefix)."""
    from corpus import store

    db = open_db(db_path)
    row = store.get_article(db, resolve_article_arg(db, article), with_text=False)
    passages = store.get_passages(db, row["id"], content_only=content_only)
    if as_json:
        echo_json({"article": row, "passages": passages})
        return
    click.echo(f"{row['id']}  {safe(row['outlet'] or '-')}  {row['lang']}  {safe(row['title'] or '')}")
    for p in passages:
        flag = "+" if p["content"] else "-"
        click.echo(f"{p['seq']:>4} {flag} {p['kind']:<11} {p['start']:>6}-{p['end']:<6} {safe(p['text'])}")


def resolve_article_arg(db, prefix: str) -> str:
    """An article id from a full id or unique prefix, or a one-line ClickException."""
    from corpus import store

    try:
        found = store.resolve_article(db, prefix)
    except store.AmbiguousArticle as exc:
        raise click.ClickException(str(exc)) from None
    if not found:
        raise click.ClickException(f"no article with id {prefix!r} (see `presslens articles`)")
    return found


@click.command("search")
@click.argument("query")
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@json_flag
def search_cmd(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over passages (all words required, accents ignored)."""
    from corpus import store

    hits = store.search(open_db(db_path), query, limit=limit)
    if as_json:
        echo_json(hits)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for hit in hits:
        console.print(Text(f"{hit['id']}  {safe(hit['outlet'] or '-')}  {safe(hit['title'] or '')}", style="dim"))
        line = Text(safe(hit["text"]))  # safe() keeps length, so highlight offsets still apply
        for start, end in hit["highlights"]:
            line.stylize("bold yellow", start, end)
        console.print(line)
    console.print(f"{len(hits)} passage(s)")


def safe(text: str) -> str:
    """Article text for a terminal: control characters (escape sequences) shown as U+FFFD, same length."""
    return "".join("\ufffd" if (ord(ch) < 32 and ch != "\t") or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)


commands: list[click.Command] = [migrate_cmd, ingest_cmd, articles_cmd, show_cmd, search_cmd]
