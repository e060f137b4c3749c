"""annotate.labels.schemes (pure validation, schemes) and the label/campaign CLI commands end to end."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotate.cli import labels as cli_labels
from annotate.labels.schemes import (DEFAULT_SCHEME, LabelError, parse_scheme, parse_scheme_spec, validate_label,
                             validate_source, validate_span, validate_speaker)
from tests.factories import make_alignment_run, make_article, make_story, make_user, passages_of

PASSAGE = {"id": "x-0001", "start": 10, "end": 20, "content": 1, "kind": "body"}


def test_default_scheme_has_three_labels_with_keys_1_2_3():
    assert [(d.name, d.key) for d in DEFAULT_SCHEME] == [
        ("sourced_fact", "1"), ("quotation", "2"), ("editorial_framing", "3")]


def test_validate_label_names_the_allowed_labels():
    assert validate_label(DEFAULT_SCHEME, "quotation").key == "2"
    with pytest.raises(LabelError, match="unknown label 'Quotation'; this scheme allows: sourced_fact, quotation"):
        validate_label(DEFAULT_SCHEME, "Quotation")


@pytest.mark.parametrize("start,end,ok", [(10, 20, True), (12, 13, True), (9, 20, False), (10, 21, False),
                                          (15, 15, False), (16, 12, False)])
def test_validate_span_bounds(start, end, ok):
    if ok:
        validate_span(PASSAGE, start, end)
    else:
        with pytest.raises(LabelError):
            validate_span(PASSAGE, start, end)


def test_speaker_validation_takes_text_from_article():
    text = "« Oui », dit Anne."
    assert validate_speaker(text, 13, 17, None) == "Anne"
    assert validate_speaker(text, None, None, "  Disclose ") == "Disclose"
    with pytest.raises(LabelError, match="both"):
        validate_speaker(text, 13, None, None)


def test_source_and_probability_checked():
    validate_source("model", 0.4)
    with pytest.raises(LabelError, match="unknown source"):
        validate_source("oracle", None)


def test_custom_scheme_rules():
    defs = parse_scheme([{"name": "claim", "color": "#aabbcc", "key": "c"}, {"name": "opinion"}])
    assert defs[1].title == "Opinion" and defs[1].color == "#868e96"
    for bad, msg in ([{"name": "Bad Name"}], "lower-case"), ([{"name": "a"}, {"name": "a"}], "duplicate label"), \
            ([{"name": "a", "key": "1"}, {"name": "b", "key": "1"}], "duplicate keyboard"), \
            ([{"name": "a", "color": "red"}], "colour"), ([], "at least one"):
        with pytest.raises(LabelError, match=msg):
            parse_scheme(bad)
    assert [d.name for d in parse_scheme_spec("claim:#112233:c, quote::q")] == ["claim", "quote"]


def test_every_command_has_help():
    runner = CliRunner()
    for command in cli_labels.commands:
        result = runner.invoke(command, ["--help"])
        assert result.exit_code == 0 and len(command.help or "") > 10
        for sub in getattr(command, "commands", {}).values():
            assert runner.invoke(sub, ["--help"]).exit_code == 0 and sub.help


def run(args, db_path):
    from web.cli import main

    result = CliRunner().invoke(main, [*args, "--db", str(db_path)], catch_exceptions=False)
    return result


def test_cli_campaign_end_to_end(db, db_path, tmp_path):
    make_user(db, "prof", "curator")
    for name in ("ann", "ben"):
        make_user(db, name)
    text = "Le ministre a signé 🎉.\n« Non », dit-il.\nQuelle honte.\n"
    aid = make_article(db, text, "Outlet A", passages="lines")
    other = make_article(db, "Le ministre a signé.\nAjout.\n", "Outlet B", passages="lines")
    story = make_story(db, [aid, other])
    ps, po = passages_of(db, aid), passages_of(db, other)
    make_alignment_run(db, story, [(ps[0]["id"], po[0]["id"], "verbatim")])
    assert "created project 1" in run(["project", "create", "Classe", "--k", "2", "--blind", "--by", "prof"],
                                      db_path).output
    assert run(["project", "add-story", "1", str(story)], db_path).exit_code == 0
    for name in ("ann", "ben"):
        assert run(["project", "add-member", "1", name], db_path).exit_code == 0
    assigned = json.loads(run(["assign", "1", "--json"], db_path).output)
    assert assigned["added"] == 10 and assigned["k"] == 2
    for name, labels in (("ann", ["sourced_fact", "quotation", "editorial_framing"]),
                         ("ben", ["sourced_fact", "quotation", "sourced_fact"])):
        for p, label in zip(ps, labels):
            assert run(["label", "add", p["id"], label, "--project", "1", "--user", name], db_path).exit_code == 0
    bad = run(["label", "add", ps[0]["id"], "opinion", "--project", "1", "--user", "ann"], db_path)
    assert bad.exit_code == 1 and "unknown label 'opinion'" in bad.output
    report = json.loads(run(["agreement", "1", "--json"], db_path).output)
    assert report["overall"]["percent"] == pytest.approx(2 / 3)
    assert "1 passage(s) to adjudicate" in run(["adjudicate", "1"], db_path).output
    assert run(["adjudicate", "1", "--passage", ps[2]["id"], "--label", "editorial_framing", "--by", "prof"],
               db_path).exit_code == 0
    assert "2 suggestion(s) created" in run(["propagate", "--project", "1"], db_path).output
    out = tmp_path / "ls.json"
    assert run(["export", "--format", "labelstudio", "--project", "1", "--out", str(out)], db_path).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))
    stats = json.loads(run(["stats", "--story", str(story), "--json"], db_path).output)
    assert {o["outlet"] for o in stats["stories"][0]["outlets"]} == {"Outlet A", "Outlet B"}
    history = json.loads(run(["label", "history", "--project", "1", "--json"], db_path).output)
    assert len([h for h in history if h["action"] == "create"]) >= 6


def test_cli_import_reports_file_line_and_exit_code(db, db_path, tmp_path):
    make_user(db, "ann")
    text = "Un fait.\nUne citation.\n"
    make_article(db, text, "Outlet A", passages="lines")
    src = tmp_path / "doccano.jsonl"
    src.write_text(json.dumps({"text": text, "label": [[0, 8, "sourced_fact"], [3, 400, "quotation"]]}) + "\n",
                   encoding="utf-8")
    result = run(["import", str(src), "--format", "doccano", "--user", "ann"], db_path)
    assert result.exit_code == 1
    assert "1 label(s) saved" in result.output and f"{src}:1: span [3, 400)" in result.output


def test_cli_decide_in_a_project_then_reopen(db, db_path):
    from annotate.labels import store

    make_user(db, "ann")
    aid = make_article(db, "Un fait.\nUne citation.\n", "Outlet A", passages="lines")
    story = make_story(db, [aid])
    assert run(["project", "create", "Classe"], db_path).exit_code == 0
    assert run(["project", "add-story", "1", str(story)], db_path).exit_code == 0
    sugg = store.add_label(db, passages_of(db, aid)[0]["id"], "sourced_fact", source="rule", prob=0.6)
    out = run(["label", "decide", str(sugg["id"]), "accept", "--user", "ann", "--project", "1"], db_path)
    assert out.exit_code == 0 and "accepted suggestion" in out.output
    assert store.get_label(db, sugg["id"])["status"] == "active"  # other projects still see it
    twice = run(["label", "decide", str(sugg["id"]), "reject", "--user", "ann", "--project", "1"], db_path)
    assert twice.exit_code == 1 and "already accepted" in twice.output
    back = run(["label", "decide", str(sugg["id"]), "reopen", "--user", "ann", "--project", "1"], db_path)
    assert back.exit_code == 0 and "reopened" in back.output and "deleted" in back.output


def test_cli_label_add_needs_a_project_and_a_member(db, db_path):
    make_user(db, "ann")
    make_user(db, "boss", "admin")
    aid = make_article(db, "Un fait.\nUne citation.\n", "Outlet A", passages="lines")
    pid = passages_of(db, aid)[0]["id"]
    assert run(["project", "create", "Classe"], db_path).exit_code == 0
    no_project = run(["label", "add", pid, "sourced_fact", "--user", "ann"], db_path)
    assert no_project.exit_code == 2 and "--project" in no_project.output
    outsider = run(["label", "add", pid, "sourced_fact", "--project", "1", "--user", "ann"], db_path)
    assert outsider.exit_code == 1 and "not an annotator or curator of project 1" in outsider.output
    assert run(["label", "add", pid, "sourced_fact", "--project", "9", "--user", "ann"], db_path).exit_code == 1
    assert not list(db.query("SELECT id FROM annotations"))
    assert run(["project", "add-member", "1", "ann"], db_path).exit_code == 0
    assert run(["label", "add", pid, "sourced_fact", "--project", "1", "--user", "ann"], db_path).exit_code == 0
    assert run(["label", "add", pid, "quotation", "--project", "1", "--user", "boss"], db_path).exit_code == 0


def test_cli_label_list_names_annotators_and_history_of_unknown_label_fails(db, db_path):
    make_user(db, "ann")
    make_user(db, "ben")
    aid = make_article(db, "Un fait.\nUne citation.\n", "Outlet A", passages="lines")
    pid = passages_of(db, aid)[0]["id"]
    assert run(["project", "create", "Classe"], db_path).exit_code == 0
    for name in ("ann", "ben"):
        assert run(["project", "add-member", "1", name], db_path).exit_code == 0
        assert run(["label", "add", pid, "sourced_fact", "--project", "1", "--user", name], db_path).exit_code == 0
    listed = run(["label", "list", "--project", "1"], db_path).output.splitlines()
    assert [line.split()[6] for line in listed] == ["ann", "ben"]
    assert "- -> sourced_fact" in run(["label", "history", "1"], db_path).output
    missing = run(["label", "history", "999"], db_path)
    assert missing.exit_code == 1 and "no label 999" in missing.output


def test_cli_campaign_commands_refuse_an_unknown_project(db, db_path, tmp_path):
    jsonl = tmp_path / "labels.jsonl"
    jsonl.write_text('{"text": "x", "start": 0, "end": 1, "label": "quotation"}\n', encoding="utf-8")
    for args in (["agreement", "9"], ["adjudicate", "9"], ["propagate", "--project", "9"], ["export", "--format", "jsonl", "--project", "9"],
                 ["import", str(jsonl), "--format", "jsonl", "--project", "9"]):
        result = CliRunner().invoke(__import__("web.cli", fromlist=["main"]).main, [*args, "--db", str(db_path)])
        assert result.exit_code == 1 and "project 9 not found" in result.output, args
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_assign_names_annotators(db, db_path):
    for name in ("ann", "ben"):
        make_user(db, name)
    aid = make_article(db, "Un fait.\nUne citation.\n", "Outlet A", passages="lines")
    story = make_story(db, [aid])
    assert run(["project", "create", "Classe", "--k", "2"], db_path).exit_code == 0
    assert run(["project", "add-story", "1", str(story)], db_path).exit_code == 0
    for name in ("ann", "ben"):
        assert run(["project", "add-member", "1", name], db_path).exit_code == 0
    out = run(["assign", "1"], db_path).output
    assert "ann: 2" in out and "ben: 2" in out
