"""Command line of labels, projects and campaigns: each command parses, calls the core, prints.

Users are named by username; domain errors (LabelError, NotFound, StaleVersion) become
click errors with the core's message.
"""
from __future__ import annotations

import click

from annotate.cli import campaign as cli_campaign
from annotate.cli.common import as_json_option, domain_errors, echo_json, open_db, user_id
from corpus.cli import db_option


@click.group("project")
def project_group() -> None:
    """Annotation projects: create, list, attach stories, add members."""


@project_group.command("create")
@db_option
@click.argument("name")
@click.option("--description", default="", help="What the project is for.")
@click.option("--blind", is_flag=True, help="Annotators see only their own labels (and suggestions).")
@click.option("--k", default=1, show_default=True, type=int, help="Annotators per passage.")
@click.option("--scheme", help="Custom labels: 'name:#rrggbb:key,...' (default: sourced_fact, quotation, "
                               "editorial_framing).")
@click.option("--by", "username", help="Creator (becomes curator).")
@as_json_option
@domain_errors
def project_create(db_path, name, description, blind, k, scheme, username, as_json) -> None:
    """Create a project with the default or a custom label scheme."""
    from annotate.labels import store
    from annotate.labels.schemes import parse_scheme_spec

    db = open_db(db_path)
    project = store.create_project(db, name, created_by=user_id(db, username), description=description,
                                   scheme=parse_scheme_spec(scheme) if scheme else None, blind=blind, k=k)
    echo_json(project) if as_json else click.echo(f"created project {project['id']}: {project['name']}")


@project_group.command("list")
@db_option
@click.option("--user", "username", help="Only projects this user is a member of.")
@as_json_option
@domain_errors
def project_list(db_path, username, as_json) -> None:
    """List projects."""
    from annotate.labels import store

    db = open_db(db_path)
    projects = store.list_projects(db, user_id(db, username))
    if as_json:
        return echo_json(projects)
    for p in projects:
        click.echo(f"{p['id']:>4}  {p['name']:<30} k={p['k']} {'blind' if p['blind'] else ''}")


@project_group.command("add-story")
@db_option
@click.argument("project_id", type=int)
@click.argument("story_id", type=int)
@domain_errors
def project_add_story(db_path, project_id, story_id) -> None:
    """Attach a story (see `presslens stories`) to a project."""
    from annotate.labels import store

    store.add_story(open_db(db_path), project_id, story_id)
    click.echo(f"story {story_id} added to project {project_id}")


@project_group.command("add-member")
@db_option
@click.argument("project_id", type=int)
@click.argument("username")
@click.option("--role", type=click.Choice(["curator", "annotator", "viewer"]), default="annotator",
              show_default=True, help="Role in this project.")
@domain_errors
def project_add_member(db_path, project_id, username, role) -> None:
    """Add a user to a project (or change their role)."""
    from annotate.labels import store

    db = open_db(db_path)
    store.add_member(db, project_id, user_id(db, username), role)
    click.echo(f"{username} is {role} of project {project_id}")


@click.group("label")
def label_group() -> None:
    """Labels: add, list, history, accept or reject suggestions."""


@label_group.command("add")
@db_option
@click.argument("passage_id")
@click.argument("label")
@click.option("--project", "project_id", type=int, required=True, help="Project of the label.")
@click.option("--user", "username", required=True, help="Annotator (a member of the project).")
@click.option("--start", type=int, help="Span start (code points; default: whole passage).")
@click.option("--end", type=int, help="Span end (code points).")
@click.option("--speaker-start", type=int, help="Speaker span start in the article.")
@click.option("--speaker-end", type=int, help="Speaker span end in the article.")
@click.option("--speaker", "speaker_text", help="Speaker as text (when not a span of the article).")
@as_json_option
@domain_errors
def label_add(db_path, passage_id, label, project_id, username, start, end, speaker_start, speaker_end,
              speaker_text, as_json) -> None:
    """Label a passage (or a span of it)."""
    from annotate.labels import people, store
    from annotate.labels.projects import member_role

    db = open_db(db_path)
    uid = user_id(db, username)
    store.get_project(db, project_id)  # NotFound for an unknown project
    if people.user_role(db, uid) != "admin" and member_role(db, project_id, uid) in (None, "viewer"):
        # Same rule as the web: only the project's annotators and curators (and admins) label in it.
        raise store.NotFound(f"{username!r} is not an annotator or curator of project {project_id} "
                             f"(see `presslens project add-member {project_id} {username}`)")
    row = store.add_label(db, passage_id, label, annotator_id=uid, project_id=project_id,
                          start=start, end=end, speaker_start=speaker_start, speaker_end=speaker_end,
                          speaker_text=speaker_text)
    echo_json(row) if as_json else click.echo(f"label {row['id']}: {label} [{row['start']}, {row['end']})")


@label_group.command("list")
@db_option
@click.option("--project", "project_id", type=int, help="Only this project's labels (and suggestions).")
@click.option("--article", "article_id", help="Only this article.")
@click.option("--user", "username", help="Only this annotator.")
@click.option("--source", "sources", multiple=True, type=click.Choice(["human", "model", "rule", "propagated"]),
              help="Only these sources (repeatable).")
@as_json_option
@domain_errors
def label_list(db_path, project_id, article_id, username, sources, as_json) -> None:
    """List active labels and undecided suggestions."""
    from annotate.labels import store

    db = open_db(db_path)
    rows = store.list_labels(db, project_id=project_id, article_id=article_id, annotator_id=user_id(db, username),
                             sources=sources or None)
    if as_json:
        return echo_json(rows)
    from annotate.labels import people

    names = people.usernames(db)  # two annotators' identical labels must be told apart
    for r in rows:
        who = names.get(r["annotator_id"], "-") if r["annotator_id"] is not None else "-"
        click.echo(f"{r['id']:>5}  {r['passage_id']}  [{r['start']}, {r['end']})  {r['label']:<18} "
                   f"{r['source']:<10} {who:<12} v{r['version']}"
                   + (f"  speaker={r['speaker_text']}" if r["speaker_text"] else ""))


@label_group.command("history")
@db_option
@click.argument("annotation_id", type=int, required=False)
@click.option("--project", "project_id", type=int, help="All changes in this project.")
@as_json_option
@domain_errors
def label_history(db_path, annotation_id, project_id, as_json) -> None:
    """Who changed which label, when, from what to what."""
    from annotate.labels import store

    rows = store.history(open_db(db_path), annotation_id, project_id=project_id)
    if annotation_id is not None and not rows:  # every label has at least its 'create' row
        raise store.NotFound(f"no label {annotation_id} (see `presslens label list`)")
    if as_json:
        return echo_json(rows)
    for h in rows:
        before = (h["before"] or {}).get("label") or "-"
        after = (h["after"] or {}).get("label") or "-"
        click.echo(f"{h['at']}  {h['username'] or '-':<12} {h['action']:<7} #{h['annotation_id']}  {before} -> {after}")


@label_group.command("decide")
@db_option
@click.argument("annotation_id", type=int)
@click.argument("action", type=click.Choice(["accept", "reject", "reopen"]))
@click.option("--user", "username", required=True, help="Who decides.")
@click.option("--project", "project_id", type=int,
              help="Project the decision belongs to (other projects still see the suggestion). "
                   "Without it a project-less suggestion is decided for everyone.")
@domain_errors
def label_decide(db_path, annotation_id, action, username, project_id) -> None:
    """Accept (becomes a human label), reject, or reopen (undo your decision on) a suggestion."""
    from annotate.labels import store

    db = open_db(db_path)
    if action == "reopen":
        out = store.reopen_suggestion(db, annotation_id, user_id=user_id(db, username), project_id=project_id)
        removed = f" (label {out['label']['id']} deleted)" if out["label"] else ""
        click.echo(f"reopened suggestion {annotation_id}{removed}")
        return
    row = store.set_status(db, annotation_id, action, user_id=user_id(db, username), project_id=project_id)
    click.echo(f"{action}ed suggestion {annotation_id}" + (f" -> label {row['id']}" if action == "accept" else ""))


commands: list[click.Command] = [project_group, label_group, *cli_campaign.commands]
