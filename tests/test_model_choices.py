"""Choosing the model behind each kind of suggestion: options over settings over defaults, one
readable refusal for a bad name, and the choice reaching every process of a run."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from annotate.models import choices
from annotate.models.choices import ModelChoices
from corpus.errors import Invalid

SETTINGS = [spec.setting for spec in choices.KINDS.values()]
ENGLISH = ("City council votes on the new bridge\n\n"
           "The council met on Tuesday to vote on the bridge.\n\n"
           "The mayor said that the bridge would reopen in May.\n")


@pytest.fixture
def no_settings(monkeypatch):
    for setting in SETTINGS:
        monkeypatch.delenv(setting, raising=False)


def test_defaults_are_the_fast_models(no_settings):
    assert choices.current() == ModelChoices(framing="use", loaded="use", speech="crf")


def test_an_option_wins_over_its_setting_and_settings_fill_the_rest(no_settings, monkeypatch):
    monkeypatch.setenv("PRESSLENS_LOADED_MODEL", "e5")
    monkeypatch.setenv("PRESSLENS_SPEECH_MODEL", " CRF-E5 ")
    assert choices.current(loaded="use") == ModelChoices(framing="use", loaded="use", speech="crf-e5")


def test_a_bad_setting_is_refused_naming_the_setting_and_the_choices(no_settings, monkeypatch):
    monkeypatch.setenv("PRESSLENS_SPEECH_MODEL", "bert")
    with pytest.raises(Invalid, match=r"PRESSLENS_SPEECH_MODEL='bert': unknown speech model, choose one of crf, crf-e5") as err:
        choices.current()
    assert err.value.extra["field"] == "PRESSLENS_SPEECH_MODEL"
    with pytest.raises(Invalid, match=r"--loaded-model 'bert'.*use, e5"):
        choices.current(loaded="bert")


def test_applied_sets_every_setting_for_the_run_and_restores_them_after(no_settings, monkeypatch):
    monkeypatch.setenv("PRESSLENS_FRAMING_MODEL", "e5")
    with pytest.raises(RuntimeError), choices.applied(ModelChoices(framing="use", speech="crf-e5")):
        assert [os.environ[s] for s in SETTINGS] == ["use", "use", "crf-e5"]
        raise RuntimeError("a run that fails")
    assert os.environ["PRESSLENS_FRAMING_MODEL"] == "e5"
    assert "PRESSLENS_LOADED_MODEL" not in os.environ and "PRESSLENS_SPEECH_MODEL" not in os.environ


def test_each_command_offers_the_three_options():
    from annotate.cli.analyze import analyze_cmd
    from annotate.cli.suggest import suggest_cmd
    from web.cli import serve_cmd

    for command in (analyze_cmd, suggest_cmd, serve_cmd):
        names = {opt for p in command.params for opt in p.opts}
        assert {"--framing-model", "--loaded-model", "--speech-model"} <= names, command.name


def test_analyze_with_a_bad_setting_stops_before_writing_anything(tmp_path, no_settings, monkeypatch):
    from web.cli import main

    monkeypatch.setenv("PRESSLENS_LOADED_MODEL", "bert")
    article = tmp_path / "story.en.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    db = tmp_path / "out.db"
    result = CliRunner().invoke(main, ["analyze", str(article), "--db", str(db)])
    assert result.exit_code == 1
    assert "PRESSLENS_LOADED_MODEL='bert': unknown loaded model, choose one of use, e5" in result.output
    assert not db.exists()


@pytest.mark.slow
def test_the_speech_option_reaches_the_stored_quotations(tmp_path, no_settings, monkeypatch):
    from web.cli import main

    monkeypatch.setenv("PRESSLENS_MODEL", "use")
    article = tmp_path / "story.en.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    models = {}
    for name in ("crf", "crf-e5"):
        result = CliRunner().invoke(main, ["analyze", str(article), "--speech-model", name, "--json", "-"])
        assert result.exit_code == 0, result.output
        spans = json.loads(result.stdout)["spans"]
        quote = next(s for s in spans if s["label"] == "quotation")
        assert "the bridge would reopen in May" in quote["text"] and quote["speaker"]["text"] == "The mayor"
        models[name] = quote["model"]
    assert models == {"crf": "speech:crf", "crf-e5": "speech:crf-e5"}
    assert "PRESSLENS_SPEECH_MODEL" not in os.environ


@pytest.mark.slow
def test_the_process_beside_the_encoder_finds_quotations_with_the_callers_choice(tmp_path, no_settings):
    # A forkserver child keeps its server's environment, so the choice is handed over explicitly.
    from annotate import pipeline
    from corpus import db as dbmod
    from corpus.ingest import ingest

    article = tmp_path / "story.en.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    db = dbmod.connect(tmp_path / "p.db")
    ids = ingest(db, [str(article)]).article_ids
    db.conn.close()
    spans = pipeline._rule_spans_in_file(str(tmp_path / "p.db"), ids, ModelChoices(speech="crf-e5"))
    quotes = [s for found in spans.values() for s in found if s.label == "quotation"]
    assert [s.meta["model"] for s in quotes] == ["speech:crf-e5"]
    assert "PRESSLENS_SPEECH_MODEL" not in os.environ
