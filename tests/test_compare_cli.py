"""The compare commands: stories, align, compare (help text, real database, fake encoder)."""
import json

import pytest
from click.testing import CliRunner

from compare import embed
from compare import store as cstore
from corpus.ingest import ingest
from tests.conftest import DEMO_DIR, FakeEncoder
from web.cli import main


@pytest.fixture(scope="module", autouse=True)
def fake_model():
    """Make `--model fake-test` load the trigram encoder through the real registry."""
    embed.register_encoder(embed.ModelInfo("fake-test", "test", FakeEncoder.model_id, FakeEncoder.dim,
                                           "trigram encoder for tests"), FakeEncoder)
    yield
    # Unregister, so later modules see a registry without the fake (a classifier trained on it
    # must count as "encoder cannot be loaded" there).
    for registry in (embed.MODELS, embed._FACTORIES, embed._ENCODERS):
        for key in ("fake-test", FakeEncoder.model_id):
            registry.pop(key, None)


@pytest.fixture
def demo_db(db, db_path):
    ingest(db, [str(DEMO_DIR)])
    ids = {r["source_file"]: r["id"] for r in db.query("SELECT id, source_file FROM articles")}
    return str(db_path), sorted(ids.values())


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.mark.parametrize("command", ["stories", "align", "compare"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--db" in result.output


def test_stories_clusters_the_corpus_and_prints_json(demo_db):
    path, ids = demo_db
    result = invoke("stories", "--db", path, "--model", "fake-test", "--json")
    assert result.exit_code == 0, result.output
    [story] = json.loads(result.output)
    assert sorted(story["article_ids"]) == ids and story["method"] == "auto"
    again = json.loads(invoke("stories", "--db", path, "--model", "fake-test", "--json").output)
    assert again[0]["id"] == story["id"]  # unchanged membership keeps its id


def test_stories_create_by_prefix_with_title(demo_db):
    path, ids = demo_db
    result = invoke("stories", "--create", ids[0][:6], ids[1][:6], "--title", "Briefcam", "--db", path)
    assert result.exit_code == 0 and "Briefcam" in result.output
    line = [ln for ln in result.output.splitlines() if "Briefcam" in ln][0]
    assert ids[0][:8] in line and ids[1][:8] in line  # the table says which articles a story holds
    assert invoke("stories", "--create", ids[0], "--db", path).exit_code != 0  # one article is no story
    bad = invoke("stories", "--create", ids[0], "ffffffffffff", "--db", path)
    assert bad.exit_code != 0 and "no article" in bad.output


def test_align_story_stores_a_run_and_reports_kinds(demo_db, db):
    path, ids = demo_db
    sid = cstore.create_story(db, ids)
    result = invoke("align", "--story", str(sid), "--db", path, "--model", "fake-test", "--json")
    [run] = json.loads(result.output)
    assert run["story_id"] == sid and run["kinds"].get("quoted", 0) >= 3
    assert cstore.latest_run(db, sid)["id"] == run["run_id"]
    text = invoke("align", "--all", "--db", path, "--model", "fake-test").output
    assert f"story {sid}: run " in text and "quoted" in text


def test_align_needs_exactly_one_target(demo_db):
    path, _ = demo_db
    result = invoke("align", "--db", path)
    assert result.exit_code != 0 and "either --story ID or --all" in result.output
    assert "no story 99" in invoke("align", "--story", "99", "--db", path, "--model", "fake-test").output


def test_compare_prints_side_by_side_with_kinds_and_additions(demo_db):
    path, ids = demo_db
    result = invoke("compare", ids[1], ids[0], "--db", path, "--model", "fake-test")
    assert result.exit_code == 0, result.output
    assert "quoted" in result.output and "addition" in result.output
    data = json.loads(invoke("compare", ids[1], ids[0], "--db", path, "--model", "fake-test", "--json").output)
    assert data["alignments"] and set(data["additions"]) == set(ids)


def test_unknown_model_is_a_one_line_error(demo_db):
    path, ids = demo_db
    result = invoke("compare", ids[0], ids[1], "--db", path, "--model", "/no/such/model")
    assert result.exit_code != 0 and "cannot load encoder" in result.output
