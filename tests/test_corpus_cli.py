"""CLI of the corpus layer (and `analyze`) through click's CliRunner on a temp database."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import DEMO_DIR
from tests.test_corpus_segment import RP_BOILERPLATE, norm
from web.cli import main

COMMANDS = ["ingest", "articles", "show", "search", "analyze", "migrate"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner, command):
    result = run(runner, command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--db" in result.output


def test_ingest_reports_added_then_already_present(runner, db_path):
    first = run(runner, "ingest", DEMO_DIR, "--db", db_path)
    assert first.exit_code == 0 and first.output.count("added:") == 2
    second = run(runner, "ingest", DEMO_DIR, "--db", db_path)
    assert second.exit_code == 0 and second.output.count("already present:") == 2
    assert "0 added, 2 already present, 0 error(s)" in second.output


def test_ingest_errors_name_file_and_line_and_exit_1(runner, db_path, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "Une phrase. Deux."}\n{oops\n', encoding="utf-8")
    result = run(runner, "ingest", rows, tmp_path / "missing.txt", "--db", db_path)
    assert result.exit_code == 1
    assert f"error: {rows}:2: invalid JSON" in result.output
    assert f"error: {tmp_path / 'missing.txt'}: no such file or directory" in result.output
    assert "Traceback" not in result.output
    listed = json.loads(run(runner, "articles", "--json", "--db", db_path).output)
    assert len(listed) == 1


def test_ingest_json_summary(runner, db_path):
    result = run(runner, "ingest", DEMO_DIR, "--db", db_path, "--json")
    summary = json.loads(result.output)
    assert summary["counts"]["added"] == 2 and summary["errors"] == [] and len(summary["added"]) == 2


def test_articles_show_by_prefix_and_unknown_id(runner, db_path):
    run(runner, "ingest", DEMO_DIR, "--db", db_path)
    articles = json.loads(run(runner, "articles", "--json", "--db", db_path).output)
    rp = next(a for a in articles if a["outlet"] == "Révolution Permanente")
    shown = json.loads(run(runner, "show", rp["id"][:6], "--json", "--db", db_path).output)
    assert shown["article"]["id"] == rp["id"]
    assert [p["kind"] for p in shown["passages"][:3]] == ["boilerplate", "heading", "heading"]
    text = run(runner, "show", rp["id"], "--db", db_path).output
    assert "- byline" in text and "Roxane Sinigaglia" in text and "360-377" in text
    missing = run(runner, "show", "ffffffffff", "--db", db_path)
    assert missing.exit_code == 1 and missing.output.strip() == \
        "Error: no article with id 'ffffffffff' (see `presslens articles`)"


def test_search_prints_matches_without_interpreting_markup_or_escapes(runner, db_path, tmp_path):
    (tmp_path / "evil.txt").write_text("Le [bold red]logiciel[/] \x1b[31m Briefcam \x1b[0m espionne. Fin.",
                                       encoding="utf-8")
    run(runner, "ingest", tmp_path / "evil.txt", "--db", db_path)
    result = run(runner, "search", "briefcam", "--db", db_path)
    assert result.exit_code == 0 and "\x1b" not in result.output
    assert "[bold red]logiciel[/]" in result.output and "1 passage(s)" in result.output
    hits = json.loads(run(runner, "search", "briefcam", "--json", "--db", db_path).output)
    assert hits[0]["highlights"] and hits[0]["text"].startswith("Le [bold red]")


@pytest.mark.slow
def test_analyze_demo_writes_the_document(runner, monkeypatch):
    monkeypatch.setenv("PRESSLENS_MODEL", "use")  # the fastest real encoder, when compare is installed
    result = run(runner, "analyze", DEMO_DIR, "--json", "-")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) >= {"articles", "passages", "alignments", "stories", "spans"}
    assert {a["source_file"] for a in doc["articles"]} == {"disclose-repost-blog.fr.txt", "revolution-permanente.fr.txt"}
    assert set(doc["articles"][0]) >= {"id", "source_file", "source_id", "outlet", "title", "lang", "chars"}
    texts = {a["id"]: (DEMO_DIR / a["source_file"]).read_text(encoding="utf-8") for a in doc["articles"]}
    for p in doc["passages"]:
        assert texts[p["article_id"]][p["start"]:p["end"]] == p["text"]
    rp = next(a["id"] for a in doc["articles"] if a["source_file"].startswith("revolution"))
    rp_non_content = [p for p in doc["passages"] if p["article_id"] == rp and not p["content"]]
    assert [norm(p["text"]) for p in rp_non_content if p["kind"] != "related"] == [norm(t) for t in RP_BOILERPLATE]
    assert sum(p["kind"] == "related" for p in rp_non_content) == 16
    content = {p["text"] for p in doc["passages"] if p["content"]}
    assert {"Vous êtes surpris ?", "Il n’y a pas de quoi !", "C’est devenu une habitude."} <= content


@pytest.fixture
def one_row(tmp_path, monkeypatch):
    """A JSONL file of one two-sentence article, analysed with the default encoder."""
    monkeypatch.setenv("PRESSLENS_MODEL", "use")
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "art-1", "text": "Une phrase. Une autre."}\n', encoding="utf-8")
    return rows


@pytest.mark.slow
def test_analyze_jsonl_uses_row_ids_and_writes_a_file(runner, tmp_path, one_row):
    rows = one_row
    out = tmp_path / "out.json"
    result = run(runner, "analyze", rows, "--json", out)
    assert result.exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(a["source_file"], a["source_id"]) for a in doc["articles"]] == [("rows.jsonl", "art-1")]


def test_analyze_into_a_missing_folder_fails_before_analysing(runner, tmp_path):
    (tmp_path / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    result = run(runner, "analyze", tmp_path / "a.txt", "--json", tmp_path / "no" / "out.json")
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not isinstance(result.exception, FileNotFoundError)


def test_analyze_without_db_or_json_refuses_before_analysing(runner, tmp_path):
    (tmp_path / "a.txt").write_text("Une phrase.\n", encoding="utf-8")
    result = run(runner, "analyze", tmp_path / "a.txt")
    assert result.exit_code == 1 and "give --db FILE" in result.output


@pytest.mark.slow
def test_analyze_into_a_database_without_json_stores_and_prints_a_summary(runner, tmp_path, one_row):
    rows = one_row
    db = tmp_path / "kept.db"
    result = run(runner, "analyze", rows, "--db", db)
    assert result.exit_code == 0, result.output
    assert f"{db}: 1 article(s), 2 passage(s), 0 stories" in result.output  # one article makes no story
    listed = run(runner, "articles", "--db", db)
    assert "Une phrase. Une autre." in listed.output and "1 article(s)" in listed.output


def test_export_into_a_missing_folder_is_a_one_line_error(runner, tmp_path):
    db = tmp_path / "x.db"
    result = run(runner, "export", "--format", "jsonl", "--out", tmp_path / "no" / "x.jsonl", "--db", db)
    assert result.exit_code == 1 and "cannot write" in result.output
    assert not isinstance(result.exception, FileNotFoundError)


def test_analyze_with_nothing_valid_is_a_one_line_error(runner, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run(runner, "analyze", tmp_path / "empty.txt", "--json", "-")
    assert result.exit_code == 1 and "empty file" in result.output
    assert "Error: nothing to analyze" in result.output
