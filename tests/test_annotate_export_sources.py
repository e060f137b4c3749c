"""Exports carry the chosen source: gold marked as such in every format, flat formats (doccano,
spaCy) never mix two people's labels, files read back by spaCy's own DocBin and by presslens."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from annotate.cli.campaign import export_cmd
from annotate.exchange import export, importers, sources
from annotate.labels import store
from corpus import db as dbmod
from tests.factories import make_article, make_project, make_story, make_user, passages_of

TEXT = ("Le ministère a vendu des hélicoptères 🚁 à l’Égypte, selon Disclose.\n"
        "« Scandale », écrit le journal.\n"
        "Une honte absolue, ce gouvernement.\n")


def build(db):
    ids = {name: make_user(db, name) for name in ("alice", "bob", "prof")}
    art = make_article(db, TEXT, "Disclose", passages="lines")
    story = make_story(db, [art])
    pid = make_project(db, "2nde B", story_ids=[story], members=[(ids["alice"], "annotator"),
                       (ids["bob"], "annotator"), (ids["prof"], "curator")])
    return {**ids, "art": art, "pid": pid, "p": passages_of(db, art)}


@pytest.fixture
def src(db):
    w = build(db)
    p = w["p"]
    # two students disagree on "Scandale": framing for alice, sourced fact for bob
    store.add_label(db, p[1]["id"], "editorial_framing", annotator_id=w["alice"], project_id=w["pid"])
    store.add_label(db, p[1]["id"], "sourced_fact", annotator_id=w["bob"], project_id=w["pid"])
    store.add_label(db, p[0]["id"], "sourced_fact", annotator_id=w["alice"], project_id=w["pid"])
    store.add_label(db, p[2]["id"], "editorial_framing", source="rule", prob=0.6, model="framing-rule")
    store.set_gold(db, w["pid"], p[1]["id"], "quotation", decided_by=w["prof"])
    store.set_gold(db, w["pid"], p[2]["id"], "editorial_framing", decided_by=w["prof"])
    return {"db": db, **w}


@pytest.fixture
def dst(tmp_path):
    database = dbmod.connect(tmp_path / "dst.db")
    yield {"db": database, **build(database)}
    database.conn.close()


def gold_of(db, pid):
    return sorted((g["passage_id"][-4:], g["start"], g["end"], g["label"]) for g in store.list_gold(db, pid))


def test_jsonl_and_csv_carry_gold_with_its_source(src):
    rows = [json.loads(l) for l in export.export(src["db"], "jsonl", project_id=src["pid"], source="gold").splitlines()]
    assert [(r["label"], r["source"], r["annotator"]) for r in rows] == [
        ("quotation", "gold", "prof"), ("editorial_framing", "gold", "prof")]
    table = list(csv.DictReader(io.StringIO(export.export(src["db"], "csv", project_id=src["pid"]))))
    assert {t["source"] for t in table} == {"gold", "human", "rule"}


def test_labelstudio_marks_gold_as_ground_truth_in_the_documented_task_shape(src):
    tasks = json.loads(export.export(src["db"], "labelstudio", project_id=src["pid"]))
    assert isinstance(tasks, list) and len(tasks) == 1
    task = tasks[0]
    assert isinstance(task["data"]["text"], str)
    for ann in task["annotations"] + task["predictions"]:
        for r in ann["result"]:
            assert {"from_name", "to_name", "type", "value"} <= set(r) and r["type"] == "labels"
            assert task["data"]["text"][r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    truth = [a for a in task["annotations"] if a["ground_truth"]]
    assert len(truth) == 1 and truth[0]["presslens_annotator"] == "prof"
    assert sorted(r["value"]["labels"][0] for r in truth[0]["result"]) == ["editorial_framing", "quotation"]
    assert sum(not a["ground_truth"] for a in task["annotations"]) == 2  # alice and bob apart


def test_w3c_gold_is_an_assessment_by_the_curator(src):
    items = json.loads(export.export(src["db"], "w3c", project_id=src["pid"], source="gold"))["first"]["items"]
    assert {i["motivation"] for i in items} == {"assessing"}
    assert all(i["creator"] == {"type": "Person", "nickname": "prof"} for i in items)
    assert all({"type": "TextualBody", "purpose": "tagging", "value": "gold"} in i["body"] for i in items)


def test_doccano_and_spacy_never_mix_two_students(src):
    lines = [json.loads(l) for l in export.export(src["db"], "doccano", project_id=src["pid"], source="human").splitlines()]
    assert sorted((l["annotator"], l["source"]) for l in lines) == [("alice", "human"), ("bob", "human")]
    scandal = src["p"][1]
    for line in lines:
        on_scandal = {lab for s, e, lab in line["label"] if scandal["start"] <= s < scandal["end"]}
        assert len(on_scandal) == 1
    with pytest.raises(sources.SourceError, match="one label per span"):
        export.export(src["db"], "spacy", project_id=src["pid"], source="all")
    spacy_lines = [json.loads(l) for l in export.export(src["db"], "spacy", project_id=src["pid"],
                                                        source="annotator:bob").splitlines()]
    assert [(l["meta"]["annotator"], [s[2] for s in l["spans"]["sc"]]) for l in spacy_lines] == [("bob", ["sourced_fact"])]


def test_flat_formats_default_to_gold_and_fall_back_to_suggestions(src, db, tmp_path):
    line = json.loads(export.export(src["db"], "doccano", project_id=src["pid"]))
    assert line["source"] == "gold" and [lab for _, _, lab in line["label"]] == ["quotation", "editorial_framing"]
    demo = dbmod.connect(tmp_path / "demo.db")
    w = build(demo)
    store.add_label(demo, w["p"][2]["id"], "editorial_framing", source="rule", prob=0.89, model="a")
    store.add_label(demo, w["p"][2]["id"], "sourced_fact", source="model", prob=0.6, model="b")
    line = json.loads(export.export(demo, "doccano", project_id=w["pid"]))
    assert line["source"] == "rule" and [lab for _, _, lab in line["label"]] == ["editorial_framing"]
    demo.conn.close()


def test_spacy_docbin_is_read_back_by_spacy_with_gold_spans(src):
    import spacy
    from spacy.tokens import DocBin

    data = export.export(src["db"], "spacy-docbin", project_id=src["pid"], source="gold")
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("fr").vocab))
    assert len(docs) == 1 and docs[0].user_data["source"] == "gold"
    assert [(s.text, s.label_) for s in docs[0].spans["sc"]] == [
        ("« Scandale », écrit le journal.", "quotation"), ("Une honte absolue, ce gouvernement.", "editorial_framing")]


@pytest.mark.parametrize("fmt", ["jsonl", "labelstudio", "doccano"])
def test_gold_round_trips_through_presslens_import(src, dst, fmt):
    raw = export.export(src["db"], fmt, project_id=src["pid"], source="gold")
    report = importers.import_text(dst["db"], raw, fmt, project_id=dst["pid"], user_id=dst["prof"])
    assert report.errors == [] and report.saved == 2
    assert gold_of(dst["db"], dst["pid"]) == gold_of(src["db"], src["pid"])
    assert store.list_labels(dst["db"], project_id=dst["pid"], sources=("human",)) == []
    again = importers.import_text(dst["db"], raw, fmt, project_id=dst["pid"], user_id=dst["prof"])
    assert (again.saved, again.skipped) == (0, 2)


def test_every_file_name_has_one_extension():
    names = {fmt: export.export_filename(fmt, "2nde B Briefcam", "gold") for fmt in export.FORMATS}
    assert names["jsonl"] == "2nde_B_Briefcam.gold.jsonl" and names["csv"] == "2nde_B_Briefcam.gold.csv"
    assert names["doccano"] == "2nde_B_Briefcam.gold.doccano.jsonl"
    for name in names.values():
        parts = name.split(".")
        assert len(parts) == len(set(parts))


def test_cli_source_choices_and_a_clear_error(src, db_path):
    runner = CliRunner()
    ok = runner.invoke(export_cmd, ["--db", str(db_path), "--format", "jsonl", "--project", str(src["pid"]),
                                    "--source", "gold"])
    assert ok.exit_code == 0 and {json.loads(l)["source"] for l in ok.output.splitlines()} == {"gold"}
    bad = runner.invoke(export_cmd, ["--db", str(db_path), "--format", "jsonl", "--source", "teacher"])
    assert bad.exit_code != 0 and "unknown source 'teacher'" in bad.output
    nobody = runner.invoke(export_cmd, ["--db", str(db_path), "--format", "doccano", "--project", str(src["pid"]),
                                        "--source", "annotator:zoe"])
    assert nobody.exit_code != 0 and "no user named 'zoe'" in nobody.output
