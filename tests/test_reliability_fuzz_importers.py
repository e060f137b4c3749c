"""Property tests: label importers (Label Studio, doccano, presslens JSONL) take any file, save
every valid label, report every bad one as `file:line: message`, and never raise."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotate.exchange import importers
from annotate.labels import store as labels_store
from corpus import db as dbmod
from corpus.store import content_hash, get_passages
from tests.factories import make_article, make_user

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# An astral character (🇫🇷: 2 code points, 4 UTF-16 units) makes code points and UTF-16 differ.
TEXT = ("Le ministère utilise un logiciel 🇫🇷 de reconnaissance faciale.\n"
        "« Nous n'avons rien à cacher », a déclaré le ministre.\n"
        "Selon Disclose, le contrat date de 2015.\n")
LABELS = ("sourced_fact", "quotation", "editorial_framing")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20)
    | st.floats(allow_infinity=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    db = dbmod.connect(tmp_path_factory.mktemp("imp") / "imp.db")
    user = make_user(db, "ann")
    article = make_article(db, TEXT, "Disclose", passages="lines")
    project = labels_store.create_project(db, "import fuzz")
    spans = [(p["start"], p["end"]) for p in get_passages(db, article, content_only=True)]
    yield {"db": db, "user": user, "article": article, "project": project["id"], "spans": spans}
    db.conn.close()


@st.composite
def valid_spans(draw, spans):
    start, end = draw(st.sampled_from(spans))
    a = draw(st.integers(min_value=start, max_value=end - 1))
    b = draw(st.integers(min_value=a + 1, max_value=end))
    return a, b, draw(st.sampled_from(LABELS))


def _import(world, raw: str, fmt: str):
    report = importers.import_text(world["db"], raw, fmt, project_id=world["project"], user_id=world["user"],
                                   filename="upload.json")
    for error in report.errors:
        assert error.filename == "upload.json" and error.message
        assert error.line is None or error.line >= 1
    return report


def _saved(world, start: int, end: int, label: str) -> bool:
    return any((l["start"], l["end"], l["label"]) == (start, end, label)
               for l in labels_store.list_labels(world["db"], project_id=world["project"], with_suggestions=False))


def _mutate(draw, obj, junk):
    """Replace one randomly chosen field (at any depth) of a JSON object by junk."""
    obj = copy.deepcopy(obj)
    paths, stack = [], [((), obj)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            paths.append(path + (key,))
            stack.append((path + (key,), child))
    if not paths:
        return junk
    path = draw(st.sampled_from(paths))
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = junk
    return obj


# ------------------------------------------------------------------------------------- doccano

@FUZZ
@given(st.data())
def test_doccano_saves_valid_lines_and_reports_bad_ones_without_raising(world, data):
    lines, valid = [], []
    for _ in range(data.draw(st.integers(min_value=1, max_value=6))):
        start, end, label = data.draw(valid_spans(world["spans"]))
        good = {"text": TEXT, "label": [[start, end, label]]}
        if data.draw(st.booleans()):
            lines.append(json.dumps(good, ensure_ascii=False))
            valid.append((start, end, label))
        else:
            lines.append(json.dumps(_mutate(data.draw, good, data.draw(JSON)), ensure_ascii=False))
    _import(world, "\n".join(lines), "doccano")  # (a line without labels is simply nothing to import)
    assert all(_saved(world, *v) for v in valid)


@pytest.mark.parametrize("span", [
    [-1, 5], [5, 5], [9, 3], [0, 10**9], [10**30, 10**30 + 1], ["0", "5"], [0.5, 3], [True, 3], [None, 4],
    [0], "0-5", {"start": 0},
])
def test_doccano_offsets_out_of_range_or_of_the_wrong_type_are_line_errors(world, span):
    start, end = world["spans"][0]
    lines = [json.dumps({"text": TEXT, "label": [[start, end, "quotation"]]}),
             json.dumps({"text": TEXT, "label": [span + ["sourced_fact"] if isinstance(span, list) else span]})]
    report = _import(world, "\n".join(lines), "doccano")
    assert [e.line for e in report.errors] == [2]
    assert _saved(world, start, end, "quotation")


# ------------------------------------------------------------------------------------- Label Studio

def _ls_task(start: int, end: int, label: str) -> dict:
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}}
    return {"data": {"text": TEXT}, "annotations": [{"result": [region]}],
            "predictions": [{"result": [dict(region, id="p1", score=0.4)], "model_version": "m"}]}


@FUZZ
@given(st.data())
def test_label_studio_saves_valid_tasks_and_reports_bad_ones_without_raising(world, data):
    tasks, valid = [], []
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        start, end, label = data.draw(valid_spans(world["spans"]))
        task = _ls_task(start, end, label)
        if data.draw(st.booleans()):
            tasks.append(task)
            valid.append((start, end, label))
        else:
            tasks.append(_mutate(data.draw, task, data.draw(JSON)))
    _import(world, json.dumps(tasks, ensure_ascii=False, indent=1), "labelstudio")
    assert all(_saved(world, *v) for v in valid)


@pytest.mark.parametrize("value", [
    {"start": -3, "end": 2, "labels": ["quotation"]},
    {"start": 0, "end": 10**6, "labels": ["quotation"]},
    {"start": 0, "end": 5, "text": 5, "labels": ["quotation"]},
    {"start": 0, "end": 5, "text": "not the text", "labels": ["quotation"]},
    {"start": "a", "end": 5, "labels": ["quotation"]},
    {"start": 0, "end": 5, "labels": "quotation"},
    {"start": 0, "end": 5, "labels": [["nested"]]},
])
def test_label_studio_regions_out_of_range_are_errors_and_valid_tasks_still_import(world, value):
    start, end = world["spans"][1]
    good = _ls_task(start, end, "quotation")
    bad = _ls_task(start, end, "quotation")
    bad["annotations"][0]["result"][0]["value"] = value
    bad["predictions"] = []
    report = _import(world, json.dumps([bad, good], indent=1), "labelstudio")
    assert report.errors, "a bad region must be reported"
    assert _saved(world, start, end, "quotation")


def test_label_studio_file_that_is_not_json_is_one_error(world):
    report = _import(world, '[{"data": {"text": "x"}}, {broken', "labelstudio")
    assert len(report.errors) == 1 and report.errors[0].line == 1


# ------------------------------------------------------------------------------------- presslens JSONL

@FUZZ
@given(st.data())
def test_presslens_jsonl_with_wrong_types_never_raises(world, data):
    start, end, label = data.draw(valid_spans(world["spans"]))
    good = {"article_id": world["article"], "content_hash": content_hash(TEXT), "start": start, "end": end,
            "text": TEXT[start:end], "label": label, "source": "human", "annotator": "ann",
            "prob": None, "speaker_start": None, "speaker_end": None, "speaker_text": None}
    bad = _mutate(data.draw, good, data.draw(JSON))
    report = _import(world, json.dumps(bad, ensure_ascii=False) + "\n" + json.dumps(good, ensure_ascii=False), "jsonl")
    assert _saved(world, start, end, label)
    assert all(e.line in (1, 2) for e in report.errors)


def test_presslens_jsonl_line_with_unicode_line_separator_in_its_text_is_not_split(world):
    """JSON allows raw U+2028/U+0085 inside strings; a JSONL reader must split on \\n only."""
    start, end = world["spans"][2]
    row = {"article_id": world["article"], "start": start, "end": end, "text": TEXT[start:end],
           "label": "sourced_fact", "comment": "a\u2028b\u0085c\x1cd"}
    report = _import(world, json.dumps(row, ensure_ascii=False) + "\n", "jsonl")
    assert report.errors == []
    assert _saved(world, start, end, "sourced_fact")


# ------------------------------------------------------------------------------------- offsets

ASTRAL_TEXT = st.text(st.sampled_from("aé «»\n\u200b🇫🇷𝔘😀\u0301"), max_size=60)


@FUZZ
@given(ASTRAL_TEXT, st.data())
def test_utf16_offsets_round_trip_and_match_javascript_lengths(text, data):
    from annotate.exchange.offsets import from_utf16, to_utf16

    i = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert from_utf16(text, to_utf16(text, i)) == i
    assert to_utf16(text, i) == len(text[:i].encode("utf-16-le")) // 2
    assert to_utf16(text, len(text)) == len(text.encode("utf-16-le")) // 2


@FUZZ
@given(ASTRAL_TEXT, st.integers(min_value=-5, max_value=200))
def test_utf16_offsets_inside_a_pair_or_out_of_range_are_value_errors(text, units):
    from annotate.exchange.offsets import from_utf16

    try:
        i = from_utf16(text, units)
    except ValueError:
        return
    assert len(text[:i].encode("utf-16-le")) // 2 == units
