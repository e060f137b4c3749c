"""Alignment with a real encoder (USE, session-scoped) against the dev gold in tests/data.

The gold names passages by text snippets (compare.quality), so it holds whatever the
segmentation; these tests check real paraphrase detection, which the trigram encoder cannot do.
"""
import pytest

from compare import align, embed
from compare.quality import Score, evaluate, load_cases, prepare, snippet_passages
from tests.conftest import ROOT

GOLD = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def use_encoder():
    return embed.get_encoder("use")


@pytest.fixture(scope="session")
def scored(use_encoder) -> dict[str, Score]:
    out = {}
    for name in ("align_gold_demo.json", "align_gold_en.json"):
        cases = load_cases(GOLD / name, ROOT)
        total, _ = evaluate(cases, [prepare(c, use_encoder) for c in cases], align.params_for(use_encoder.model_id))
        out[name] = total
    return out


@pytest.mark.slow
def test_demo_corpus_alignments_match_the_gold(scored):
    score = scored["align_gold_demo.json"].as_dict()
    assert score["precision"] >= 0.9 and score["recall"] >= 0.9, scored["align_gold_demo.json"].errors
    assert score["kind_accuracy"] == 1.0
    assert score["additions_recall"] == 1.0  # every framing-only sentence is an addition


@pytest.mark.slow
def test_english_set_paraphrases_quotes_and_copies_are_found(scored):
    score = scored["align_gold_en.json"].as_dict()
    assert score["f1"] >= 0.9, scored["align_gold_en.json"].errors
    assert score["kind_accuracy"] >= 0.9


def test_snippets_map_to_every_overlapping_passage():
    text = "One. Two three. Four."
    spans = [(0, 4), (5, 15), (16, 21)]
    assert snippet_passages(text, spans, "Two") == [1]
    assert snippet_passages(text, spans, "One. Two") == [0, 1]
    assert snippet_passages(text, spans, "absent") == []
