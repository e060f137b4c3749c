"""run_suggestions, the passage classifier, retraining from human labels and the uncertainty queue."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from annotate.models import classifier
from annotate.labels import store
from annotate.cli.suggest import annotate_group
from annotate.rules.spans import LABELS
from annotate.suggest import learned_framing, least_sure, run_suggestions
from annotate.models.training import train_model
from tests.factories import make_article, make_project, make_story, make_user

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = "\n".join([
    "Vous êtes surpris ? Il n’y a pas de quoi !",
    "Le ministère de l’intérieur a acquis un logiciel d’analyse d’images en 2015.",
    "« N’importe quel policier peut demander à recourir à Briefcam », assure notre interlocuteur.",
    "D’après des documents internes obtenus par Disclose, la police utilise ce logiciel depuis 2015.",
    "En somme, la police traque la population en toute impunité.",
    "Le logiciel permet de suivre un véhicule à l’aide de sa plaque d’immatriculation.",
    "La licence arrive à échéance à la fin de l’année 2023.",
    "Selon le directeur des ventes, plus d’une centaine de villes ont équipé leur police municipale.",
    "Un outil ultra-intrusif que les services connaissent bien.",
    "Les algorithmes scrutent également les visiteurs du parc d’attraction.",
    "# Facebook Twitter",
])


@pytest.fixture
def article(db) -> str:
    return make_article(db, ARTICLE, passages="lines")


def passage_ids(db, article_id: str) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM passages WHERE article_id = ? ORDER BY seq", [article_id])]


def test_rules_label_passages_with_probabilities_and_spans(db, article):
    out = run_suggestions(db, [article])
    ids = passage_ids(db, article)
    labels = [out["passages"][pid]["label"] for pid in ids]
    assert labels == ["editorial_framing", "sourced_fact", "quotation", "sourced_fact", "editorial_framing",
                      "sourced_fact", "sourced_fact", "quotation", "editorial_framing", "sourced_fact", None]
    for pid in ids[:-1]:
        assert sum(out["passages"][pid]["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert out["passages"][ids[-1]] == {"label": None, "scores": {}}
    assert out["source"] == "model" and out["model"] == "framing:sentence+rules"  # learned framing + rules
    text = db.execute("SELECT text FROM articles WHERE id = ?", [article]).fetchone()[0]
    for span in out["spans"]:
        assert text[span["start"]:span["end"]] == span["text"] and span["article_id"] == article
        for key in ("speaker", "cue"):
            assert span[key] is None or text[span[key]["start"]:span[key]["end"]] == span[key]["text"]
    quote = [s for s in out["spans"] if s["label"] == "quotation" and s["kind"] == "direct"][0]
    assert quote["speaker"]["text"] == "notre interlocuteur" and quote["cue"]["text"] == "assure"


def machine_suggestions(db, article: str) -> list[dict]:
    """Active rule/model suggestions of one article, in text order."""
    return store.list_labels(db, article_id=article, sources=("rule", "model"))


def test_suggestions_are_stored_and_replaced_without_touching_human_labels(db, article):
    run_suggestions(db, [article])
    first = machine_suggestions(db, article)
    assert first and {r["source"] for r in first} == {"rule", "model"} and all(r["project_id"] is None for r in first)
    pid = passage_ids(db, article)[1]
    human = store.add_label(db, pid, "editorial_framing", source="human", annotator_id=make_user(db, "ann"))
    rejected = next(r for r in first if r["passage_id"] == pid)
    store.set_status(db, rejected["id"], "reject", user_id=None)
    run_suggestions(db, [article])
    again = machine_suggestions(db, article)
    assert len(again) == len(first) - 1  # the rejected one is not suggested again
    assert store.get_label(db, human["id"])["status"] == "active"
    assert store.get_label(db, rejected["id"])["status"] == "rejected"
    assert not {r["id"] for r in again} & {r["id"] for r in first}


def test_classifier_trains_and_gives_probabilities_summing_to_one(db, article, fake_encoder):
    result = train_model(db, encoder=fake_encoder)
    assert result["model"] == f"logreg+rules+{fake_encoder.model_id}"
    assert result["metrics"]["weak"] > 0 and result["metrics"]["human"] == 0
    out = run_suggestions(db, [article], encoder=fake_encoder)
    assert out["source"] == "model"
    content = [p for p in out["passages"].values() if p["label"]]
    assert len(content) == 10
    for p in content:
        assert set(p["scores"]) == set(LABELS) and sum(p["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    rows = machine_suggestions(db, article)
    assert {r["source"] for r in rows} == {"model", "rule"}


def test_rules_only_classifier_is_the_fallback_without_embeddings(db, article):
    result = train_model(db, encoder=None)
    assert result["model"] == "logreg+rules"
    assert run_suggestions(db, [article])["source"] == "model"


def test_training_needs_two_classes(db):
    aid = make_article(db, "Le salon ouvre mardi à Villepinte.\nLa licence expire en 2023.", passages="lines")
    with pytest.raises(classifier.TrainError):
        train_model(db, article_ids=[aid])


def test_retraining_from_human_labels_changes_predictions(db, article, fake_encoder):
    train_model(db, encoder=fake_encoder)
    ids = passage_ids(db, article)
    facts = [ids[1], ids[5], ids[6], ids[9]]
    before = run_suggestions(db, [article], encoder=fake_encoder)
    user = make_user(db, "teacher", "curator")
    project = make_project(db, "class", created_by=user, story_ids=[make_story(db, [article])])
    for pid in facts:
        store.add_label(db, pid, "editorial_framing", source="human", annotator_id=user, project_id=project)
    result = train_model(db, project_id=project, encoder=fake_encoder)
    assert result["metrics"]["human"] == 4
    after = run_suggestions(db, [article], encoder=fake_encoder, project_id=project)
    for pid in facts:
        assert after["passages"][pid]["scores"]["editorial_framing"] > before["passages"][pid]["scores"]["editorial_framing"]
    assert any(after["passages"][pid]["label"] == "editorial_framing" for pid in facts)


def test_queue_orders_by_uncertainty_and_skips_labelled_passages(db, article):
    queue = least_sure(db, n=20)
    unc = [q["uncertainty"] for q in queue]
    assert len(queue) == 10 and unc == sorted(unc, reverse=True)
    top = queue[0]["passage_id"]
    store.add_label(db, top, "sourced_fact", source="human", annotator_id=make_user(db, "ann"))
    again = least_sure(db, n=3, method="entropy")
    assert len(again) == 3 and top not in {q["passage_id"] for q in again}
    assert [q["uncertainty"] for q in again] == sorted((q["uncertainty"] for q in again), reverse=True)


def test_uncertainty_measures():
    probs = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [1 / 3, 1 / 3, 1 / 3]])
    for method in ("margin", "entropy"):
        u = classifier.uncertainty(probs, method)
        assert u[0] < u[1] < u[2]
    assert classifier.uncertainty(probs, "entropy")[2] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        classifier.uncertainty(probs, "random")


def test_cli_train_suggest_queue(db_path, db, article):
    runner = CliRunner()
    res = runner.invoke(annotate_group, ["train", "--db", str(db_path), "--no-embeddings", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["model"] == "logreg+rules"
    res = runner.invoke(annotate_group, ["suggest", "--db", str(db_path), article[:8]])
    assert res.exit_code == 0 and "decided by model" in res.output
    res = runner.invoke(annotate_group, ["queue", "--db", str(db_path), "-n", "2", "--json"])
    assert res.exit_code == 0 and len(json.loads(res.output)) == 2
    res = runner.invoke(annotate_group, ["suggest", "--db", str(db_path), "zzzz"])
    assert res.exit_code != 0 and "no article" in res.output
    for cmd in ("train", "suggest", "queue"):
        assert runner.invoke(annotate_group, [cmd, "--help"]).output.count("Usage") == 1


def test_cli_annotate_commands_refuse_an_unknown_project(db_path, db, article):
    runner = CliRunner()
    for args in (["train", "--no-embeddings"], ["suggest", article[:8]], ["queue"]):
        res = runner.invoke(annotate_group, [*args, "--project", "9", "--db", str(db_path)])
        assert res.exit_code == 1 and "project 9 not found" in res.output, args
    assert not list(db.query("SELECT id FROM classifiers"))
    res = runner.invoke(annotate_group, ["suggest", "--db", str(db_path), article[:8]])
    assert "passage labels " in res.output and "{" not in res.output


@pytest.mark.slow
def test_demo_corpus_matches_the_dev_gold(db):
    """The careful-reader gold of the demo corpus (tests/data/demo_gold_annotations.json)."""
    spec = importlib.util.spec_from_file_location("demo_gold", ROOT / "bench" / "demo_gold.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from corpus.ingest import ingest
    from corpus.store import get_article

    report = ingest(db, [str(ROOT / "corpus" / "demo")])
    ids = {Path(get_article(db, a)["source_file"]).name: a for a in report.added}
    gold = json.loads(bench.GOLD.read_text(encoding="utf-8"))
    result = bench.evaluate(db, ids, gold)
    assert result["traps_taken_as_quotes"] == []
    assert result["quotation_overlap"]["recall"] >= 0.9 and result["quotation_overlap"]["precision"] >= 0.9
    assert result["speaker_accuracy"] >= 0.85 and result["cue_accuracy"] >= 0.85
    assert result["framing_overlap"]["recall"] >= 0.8 and result["framing_overlap"]["precision"] >= 0.8
    assert result["insertions_found"] == "2/2"
    assert result["passage_accuracy"] >= 0.85


def test_bundled_models_decide_when_the_trained_classifiers_encoder_cannot_be_loaded(db, article, fake_encoder):
    train_model(db, encoder=fake_encoder)  # the fake encoder has no name get_encoder can load
    out = run_suggestions(db, [article])
    assert out["source"] == "model" and out["model"] == "framing:sentence+rules"
    models = {r["model"] for r in machine_suggestions(db, article)}
    assert not any(m.startswith("logreg") for m in models)  # the unloadable classifier decided nothing
    assert "framing:sentence+rules" in models


def test_annotate_group_is_registered_on_the_root_cli():
    from web.cli import main

    assert {"train", "suggest", "queue"} <= set(main.commands["annotate"].commands)


def test_english_articles_use_the_english_rules(db):
    from corpus.models import ArticleInput
    from corpus.store import save_article
    from tests.factories import line_passages

    text = ("“We will not back down,” said Mayor Jane Doe.\n"
            "According to court filings, the firm paid two million dollars in 2019.\n"
            "Obviously, this is a disaster for the city.")
    aid, _ = save_article(db, ArticleInput(text=text, source_file="en.txt", source_id="en", lang="en"),
                          line_passages(text))
    out = run_suggestions(db, [aid])
    labels = [out["passages"][pid]["label"] for pid in passage_ids(db, aid)]
    assert labels == ["quotation", "sourced_fact", "editorial_framing"]
    quote = next(s for s in out["spans"] if s["label"] == "quotation")
    assert quote["speaker"]["text"] == "Mayor Jane Doe" and quote["cue"]["text"] == "said"


def test_agreeing_rules_become_one_suggestion_with_their_reasons():
    from annotate.suggest import merge_rows

    base = {"passage_id": "a-0001", "article_id": "a", "start": 0, "end": 12, "label": "editorial_framing"}
    rows = [{**base, "source": "rule", "prob": 0.6, "model": "rules"},
            {**base, "source": "rule", "prob": 0.89, "model": "rules:framing"},
            {**base, "label": "quotation", "source": "rule", "prob": 0.7, "model": "rules:direct",
             "speaker_start": 3, "speaker_end": 5, "speaker_text": "X"}]
    merged = merge_rows(rows)
    assert [(r["label"], r["prob"], r["model"]) for r in merged] == [
        ("editorial_framing", 0.89, "rules:framing + rules"), ("quotation", 0.7, "rules:direct")]
    assert merged[1]["speaker_text"] == "X" and rows[0]["model"] == "rules"  # inputs untouched


def test_stored_suggestions_have_one_row_per_passage_label_and_span(db, article):
    run_suggestions(db, [article])
    keys = [(r["passage_id"], r["start"], r["end"], r["label"]) for r in machine_suggestions(db, article)]
    assert len(keys) == len(set(keys))
    assert any(" + " in (r["model"] or "") for r in machine_suggestions(db, article))


def test_english_indirect_speech_becomes_a_quotation_with_its_speaker_from_the_learned_tagger(db):
    from corpus.models import ArticleInput
    from corpus.store import save_article
    from tests.factories import line_passages

    text = ("The finance minister said on Tuesday that taxes would rise next year.\n"
            "According to court filings, the firm paid two million dollars in 2019.\n")
    aid, _ = save_article(db, ArticleInput(text=text, source_file="en.txt", source_id="en2", lang="en"),
                          line_passages(text))
    out = run_suggestions(db, [aid])
    quotes = [s for s in out["spans"] if s["label"] == "quotation"]
    assert [q["text"] for q in quotes] == ["that taxes would rise next year"]  # PolNeAR keeps "that"
    assert quotes[0]["speaker"]["text"] == "The finance minister" and quotes[0]["cue"]["text"] == "said"
    assert text[quotes[0]["start"]:quotes[0]["end"]] == quotes[0]["text"]
    stored = {r["model"] for r in machine_suggestions(db, aid) if r["label"] == "quotation" and r["start"] == quotes[0]["start"]}
    assert any("speech:crf" in m for m in stored)
    labels = [out["passages"][pid]["label"] for pid in passage_ids(db, aid)]
    assert labels[1] == "sourced_fact"  # "according to" a document is a sourced fact, not speech


def test_learned_framing_reads_each_article_in_its_own_language_not_as_english(db, monkeypatch):
    """A German passage reaches the loaded-word tagger as German (its blanked token model), never
    as English, whose word-level training evidence does not apply to it."""
    from annotate.models.framing import loaded

    real, seen = loaded.batch_loaded_spans, []

    def recording(texts, lang, *args, **kwargs):
        seen.append(lang)
        return real(texts, lang, *args, **kwargs)

    monkeypatch.setattr(loaded, "batch_loaded_spans", recording)
    passages = [{"text": "Die Regierung hat das skandalöse Gesetz gestern beschlossen.", "lang": "de"},
                {"text": "The senator called the bill a disgrace on Monday.", "lang": "en"},
                {"text": "Le ministre a présenté la réforme hier.", "lang": None}]
    result = learned_framing(db, passages, [[], [], []])
    assert result is not None and sorted(seen) == ["de", "en", "fr"]
    assert loaded.token_part("de") != loaded.token_part("en")
