"""annotate.exchange.export / importers: every format round-trips labels and offsets, emoji and « » included."""
from __future__ import annotations

import csv
import io
import json

import pytest

from annotate.exchange import export
from annotate.exchange import importers
from annotate.labels import store
from annotate.exchange.export_ls import labelstudio_config
from annotate.labels.schemes import DEFAULT_SCHEME
from annotate.exchange.offsets import from_utf16, to_utf16
from corpus import db as dbmod
from tests.factories import make_alignment_run, make_article, make_project, make_story, make_user, passages_of

TEXT_A = ("🇫🇷 Le ministère 🎉 a vendu des 🚁 à l’Égypte.\n"
          "« C’est un scandale 😡 », déclare Anne Dupont.\n"
          "Une honte absolue, ce gouvernement.\n")
TEXT_B = "Selon Disclose 📰, « le ministère a vendu des hélicoptères ».\n"


def build(db):
    """Two articles, a project, labels of two kinds; returns ids."""
    ann = make_user(db, "ann")
    a = make_article(db, TEXT_A, "Disclose", passages="lines")
    b = make_article(db, TEXT_B, "RP", passages="lines")
    story = make_story(db, [a, b])
    pid = make_project(db, "exp", story_ids=[story], members=[(ann, "annotator")])
    return {"ann": ann, "a": a, "b": b, "story": story, "pid": pid}


@pytest.fixture
def src(db):
    ids = build(db)
    pa = passages_of(db, ids["a"])
    q_start = TEXT_A.index("« C’est")
    q_end = TEXT_A.index("»") + 1
    spk = TEXT_A.index("Anne Dupont")
    store.add_label(db, pa[0]["id"], "sourced_fact", annotator_id=ids["ann"], project_id=ids["pid"])
    store.add_label(db, pa[1]["id"], "quotation", start=q_start, end=q_end, speaker_start=spk,
                    speaker_end=spk + 11, annotator_id=ids["ann"], project_id=ids["pid"])
    store.add_label(db, pa[2]["id"], "editorial_framing", source="model", prob=0.75, model="clf-1")
    pb = passages_of(db, ids["b"])
    store.add_label(db, pb[0]["id"], "quotation", speaker_text="Disclose", annotator_id=ids["ann"],
                    project_id=ids["pid"])
    make_alignment_run(db, ids["story"], [(pa[0]["id"], pb[0]["id"], "quoted")])
    return {"db": db, **ids}


@pytest.fixture
def dst(tmp_path):
    """A second database holding the same articles and project, without labels."""
    database = dbmod.connect(tmp_path / "other.db")
    ids = build(database)
    yield {"db": database, **ids}
    database.conn.close()


def snapshot(db, pid, sources=None):
    users = {r["id"]: r["username"] for r in db.query("SELECT id, username FROM users")}
    return sorted((r["article_id"], r["start"], r["end"], r["label"], r["source"], users.get(r["annotator_id"]),
                   r["speaker_start"], r["speaker_end"], r["speaker_text"], r["prob"])
                  for r in store.list_labels(db, project_id=pid, sources=sources))


def test_offsets_convert_between_code_points_and_utf16():
    text = "a🎉b«c»"
    assert to_utf16(text, 2) == 3 and from_utf16(text, 3) == 2
    assert to_utf16(text, len(text)) == 7 and from_utf16(text, 7) == len(text)
    with pytest.raises(ValueError):
        from_utf16(text, 2)  # inside the surrogate pair of 🎉


def test_labelstudio_round_trip_keeps_labels_speakers_and_predictions(src, dst):
    raw = export.export(src["db"], "labelstudio", project_id=src["pid"])
    task = {t["data"]["article_id"]: t for t in json.loads(raw)}[src["a"]]
    assert task["data"]["text"] == TEXT_A
    region = task["annotations"][0]["result"][0]["value"]
    assert TEXT_A[region["start"]:region["end"]] == region["text"]
    assert task["predictions"][0]["model_version"] == "clf-1"
    report = importers.import_text(dst["db"], raw, "labelstudio", project_id=dst["pid"], user_id=None)
    assert report.errors == [] and report.saved == 4
    assert snapshot(dst["db"], dst["pid"]) == snapshot(src["db"], src["pid"])
    again = importers.import_text(dst["db"], raw, "labelstudio", project_id=dst["pid"], user_id=None)
    assert (again.saved, again.skipped) == (0, 4)


def test_labelstudio_utf16_offsets_are_converted_back(src, dst):
    raw = export.export(src["db"], "labelstudio", project_id=src["pid"], utf16=True)
    task = {t["data"]["article_id"]: t for t in json.loads(raw)}[src["a"]]
    quote = [r for r in task["annotations"][0]["result"] if r.get("value", {}).get("labels") == ["quotation"]][0]
    cp_start = TEXT_A.index("« C’est")
    assert quote["value"]["start"] == cp_start + 4  # 🇫🇷 (2 astral code points) 🎉 🚁 before it
    importers.import_text(dst["db"], raw, "labelstudio", project_id=dst["pid"], user_id=None)
    assert snapshot(dst["db"], dst["pid"]) == snapshot(src["db"], src["pid"])


def test_doccano_round_trip_uses_code_points(src, dst):
    raw = export.export(src["db"], "doccano", project_id=src["pid"])
    lines = [json.loads(l) for l in raw.splitlines()]
    assert {l["text"] for l in lines} == {TEXT_A, TEXT_B}
    first = [l for l in lines if l["text"] == TEXT_A][0]
    assert [first["text"][s:e] for s, e, _ in first["label"]][1] == "« C’est un scandale 😡 »"
    user = dst["ann"]
    report = importers.import_text(dst["db"], raw, "doccano", project_id=dst["pid"], user_id=user)
    assert report.errors == [] and report.saved == 3
    want = {(r[0], r[1], r[2], r[3]) for r in snapshot(src["db"], src["pid"], sources=("human",))}
    assert {(r[0], r[1], r[2], r[3]) for r in snapshot(dst["db"], dst["pid"])} == want


def test_presslens_jsonl_round_trip_and_csv_columns(src, dst):
    raw = export.export(src["db"], "jsonl", project_id=src["pid"])
    rows = [json.loads(l) for l in raw.splitlines()]
    assert all(TEXT_A[r["start"]:r["end"]] == r["text"] for r in rows if r["outlet"] == "Disclose")
    report = importers.import_text(dst["db"], raw, "jsonl", project_id=dst["pid"], user_id=None)
    assert report.errors == [] and report.saved == 4
    assert snapshot(dst["db"], dst["pid"]) == snapshot(src["db"], src["pid"])
    table = list(csv.DictReader(io.StringIO(export.export(src["db"], "csv", project_id=src["pid"]))))
    assert tuple(table[0]) == export.JSONL_FIELDS and len(table) == 4
    assert {t["text"] for t in table} >= {"« C’est un scandale 😡 »"}


def test_bad_offsets_are_reported_with_file_and_line_and_valid_ones_saved(dst):
    good = json.dumps({"text": TEXT_A, "label": [[0, 10, "sourced_fact"], [5, 999, "quotation"]]})
    unknown = json.dumps({"text": TEXT_A, "label": [[0, 10, "opinion"]]})
    stranger = json.dumps({"text": "not stored", "label": [[0, 3, "quotation"]]})
    raw = "\n".join([good, "{broken", unknown, stranger]) + "\n"
    report = importers.import_text(dst["db"], raw, "doccano", project_id=dst["pid"], user_id=dst["ann"],
                                   filename="in.jsonl")
    assert report.saved == 1
    messages = [str(e) for e in report.errors]
    assert messages[0].startswith("in.jsonl:1: span [5, 999) is outside the text")
    assert messages[1].startswith("in.jsonl:2: invalid JSON")
    assert messages[2].startswith("in.jsonl:3: unknown label 'opinion'")
    assert messages[3].startswith("in.jsonl:4: no stored article")


def test_labelstudio_error_lines_point_at_the_task(dst):
    tasks = [{"data": {"text": TEXT_A}, "annotations": [{"result": [
        {"id": "x", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 2, "end": 4, "text": "wrong", "labels": ["sourced_fact"]}}]}]}]
    raw = "[\n" + json.dumps(tasks[0], indent=1) + "\n]"
    report = importers.import_text(dst["db"], raw, "labelstudio", project_id=dst["pid"], user_id=dst["ann"],
                                   filename="ls.json")
    assert report.saved == 0 and str(report.errors[0]).startswith("ls.json:2: region [2, 4) does not match")


def test_w3c_export_has_selectors_in_code_points_and_linking_annotations(src):
    doc = json.loads(export.export(src["db"], "w3c", project_id=src["pid"]))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = doc["first"]["items"]
    classifying = [i for i in items if i["motivation"] == "classifying"]
    assert len(classifying) == 4 and doc["total"] == 5
    texts = {"urn:presslens:article:" + src["a"]: TEXT_A, "urn:presslens:article:" + src["b"]: TEXT_B}
    for anno in classifying:
        quote, pos = anno["target"]["selector"]
        assert texts[anno["target"]["source"]][pos["start"]:pos["end"]] == quote["exact"]
        assert anno["body"][0]["purpose"] == "classifying"
    link = [i for i in items if i["motivation"] == "linking"][0]
    assert len(link["target"]) == 2 and link["body"]["value"] == "quoted"


def test_spacy_json_and_docbin(src):
    lines = [json.loads(l) for l in export.export(src["db"], "spacy", project_id=src["pid"]).splitlines()]
    line = [l for l in lines if l["text"] == TEXT_A][0]
    assert [s[2] for s in line["spans"]["sc"]] == ["sourced_fact", "quotation"]
    import spacy
    from spacy.tokens import DocBin

    data = export.export(src["db"], "spacy-docbin", project_id=src["pid"])
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("fr").vocab))
    doc = [d for d in docs if d.text == TEXT_A][0]
    quote = [s for s in doc.spans["sc"] if s.label_ == "quotation"][0]
    assert quote.text == "« C’est un scandale 😡 »"


def test_safe_filename_blocks_traversal_and_odd_characters():
    assert export.safe_filename("../../etc/passwd") == "etc_passwd"
    assert export.safe_filename("Classe de 3ᵉ « médias »") == "Classe_de_3e_medias"
    assert export.safe_filename("...") == "export"
    assert export.export_filename("labelstudio", "a/b") == "a_b.labelstudio.json"


def test_labelstudio_config_lists_the_scheme():
    xml = labelstudio_config(DEFAULT_SCHEME)
    assert '<Label value="quotation" background="#1864ab" hotkey="2"/>' in xml
    assert '<Text name="text" value="$text"/>' in xml


def test_rule_source_survives_and_propagated_suggestions_are_skipped(src, dst):
    from annotate.campaign import propagate

    db = src["db"]
    pa = passages_of(db, src["a"])
    store.add_label(db, pa[1]["id"], "quotation", source="rule", prob=0.9, model="quotes-rule")
    origin = store.list_labels(db, project_id=src["pid"], passage_id=pa[0]["id"], sources=("human",))[0]
    assert len(propagate.propagate_label(db, origin["id"])) == 1
    for fmt in ("labelstudio", "jsonl"):
        raw = export.export(db, fmt, project_id=src["pid"])
        report = importers.import_text(dst["db"], raw, fmt, project_id=dst["pid"], user_id=None)
        assert report.errors == [] and report.skipped >= 1
    rows = store.list_labels(dst["db"], project_id=dst["pid"])
    assert {r["source"] for r in rows} == {"human", "model", "rule"}
    assert [r["model"] for r in rows if r["source"] == "rule"] == ["quotes-rule"]


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert export.csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert export.csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert export.csv_cell("-2+3") == "'-2+3"
    assert export.csv_cell("La CNIL") == "La CNIL"
    assert export.csv_cell(12) == 12
