"""The e5 variant of the speech tagger (PRESSLENS_SPEECH_MODEL=crf-e5): real e5 inference on
small hand-written texts, its weights loaded without pickle, and the word pooling."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from annotate.models.speech import SpeechModel
from annotate.models.speech import choice as model
from annotate.models.speech.decode import Attribution
from annotate.models.speech.e5 import CRF_FILE, HEAD_FILE, E5SpeechModel, load_head
from compare.encoders.e5_tokens import pool


@pytest.fixture(scope="module")
def e5_model():
    return E5SpeechModel()


def check_offsets(text: str, found: list[Attribution]) -> None:
    for a in found:
        for s in (a.content, a.cue, a.source, a.speaker, *a.pieces):
            assert s is None or text[s.start:s.end] == s.text, s


def one(m: SpeechModel, text: str, lang: str = "en") -> Attribution:
    found = m.find(text, lang)
    check_offsets(text, found)
    assert len(found) == 1, [a.as_dict() for a in found]
    return found[0]


def test_weights_are_crfsuite_and_a_pickle_free_npz(monkeypatch, e5_model):
    # e5_model first: torch's first import binds multiprocessing's pickle.loads, which must not
    # be the refusing stand-in below (it would break process pools in later tests).
    def refuse(*args, **kwargs):
        raise AssertionError("pickle must not be used to load the speech model")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    assert CRF_FILE.read_bytes()[:4] == b"lCRF"
    head = load_head(HEAD_FILE)  # np.load(..., allow_pickle=False) inside
    assert head["w1"].shape == (384, head["b1"].shape[0]) and head["w2"].shape[1] == 7
    assert int(head["layer"]) in range(1, 13)
    text = "The mayor said that the bridge would reopen in May."
    assert E5SpeechModel().find(text, "en")  # e5 folder, head and CRF all loaded with pickle refused


def test_indirect_speech_said_that(e5_model):
    a = one(e5_model, "The minister said that taxes would rise next year.")
    assert "taxes would rise" in a.content.text and not a.direct
    assert a.source.text == "The minister" and a.cue.text == "said"


def test_according_to_names_the_source(e5_model):
    a = one(e5_model, "According to the ministry, unemployment fell by two percent last year.")
    assert "unemployment fell" in a.content.text
    assert "ministry" in a.source.text and "According" in a.cue.text


def test_direct_quote_keeps_its_speaker(e5_model):
    a = one(e5_model, "“We will not back down,” said John Smith, the mayor of the city.")
    assert a.direct and a.content.text.startswith("“We will not back down")
    assert "John Smith" in a.source.text


@pytest.mark.parametrize("text", [
    "The ministry launched the software « Video Synopsis » in ten cities.",
    "The city now runs the software « Video Synopsis » in every police station.",
])
def test_product_name_in_guillemets_is_not_a_quote(e5_model, text):
    found = e5_model.find(text, "en")
    check_offsets(text, found)
    assert found == []


def test_offsets_index_the_whole_text_across_paragraphs(e5_model):
    text = ("Markets were calm on Monday.\n\n"
            "The central bank said that rates would stay unchanged.\n"
            "Officials told reporters that the talks had failed, the agency reported.")
    found = e5_model.find(text, "en")
    check_offsets(text, found)
    assert any("rates would stay unchanged" in a.content.text for a in found)
    assert all(a.content.start >= text.index("The central") for a in found)


@pytest.mark.parametrize("text", [
    "« C'est une erreur », a affirmé la députée.",
    "Selon le ministre de l'Intérieur, la délinquance a baissé de 5 % l'an dernier.",
])
def test_french_goes_to_the_plain_crf(e5_model, text):
    found = e5_model.find(text, "fr")
    check_offsets(text, found)
    assert found == SpeechModel().find(text, "fr") and len(found) == 1
    assert found[0].source.text in ("la députée", "le ministre de l'Intérieur")


def test_setting_chooses_the_model_and_rejects_unknown_names(monkeypatch):
    monkeypatch.setenv("PRESSLENS_SPEECH_MODEL", "crf-e5")
    assert model.model_choice() == "crf-e5"
    monkeypatch.setenv("PRESSLENS_SPEECH_MODEL", "bert")
    with pytest.raises(ValueError, match="PRESSLENS_SPEECH_MODEL='bert'.*crf, crf-e5"):
        model.get_model()
    monkeypatch.delenv("PRESSLENS_SPEECH_MODEL")
    assert model.model_choice() == "crf" and type(model.get_model()) is SpeechModel


def test_pool_averages_the_subwords_of_each_word_and_skips_the_prefix():
    hidden = np.arange(12, dtype=np.float32).reshape(6, 2)
    # <s>, prefix piece, "ab" in two pieces, "c", </s> (offsets already shifted past the prefix)
    offsets = np.array([[0, 0], [-7, -1], [0, 1], [1, 2], [3, 4], [0, 0]])
    out = pool(hidden, offsets, [(0, 2), (3, 4), (5, 9)])
    assert out[0].tolist() == [5.0, 6.0]  # mean of rows 2 and 3
    assert out[1].tolist() == [8.0, 9.0]
    assert out[2].tolist() == [0.0, 0.0]  # past the truncation: no subword, zero vector


def test_pipeline_stores_the_chosen_model_name(monkeypatch, e5_model):
    from annotate.models.speech import apply

    text = "The minister said that taxes would rise next year."
    monkeypatch.setenv("PRESSLENS_SPEECH_MODEL", "crf-e5")
    spans = apply.quotation_spans(text, "en")
    assert spans and {s.meta["model"] for s in spans} == {"speech:crf-e5"}
    assert all(text[s.start:s.end] == s.text for s in spans)
    monkeypatch.delenv("PRESSLENS_SPEECH_MODEL")
    assert {s.meta["model"] for s in apply.quotation_spans(text, "en")} == {"speech:crf"}


def test_the_plain_crfs_confident_attributions_fill_what_e5_missed():
    from annotate.models.speech.decode import Span
    from annotate.models.speech.e5 import with_plain

    text = "The mayor said the plan was vital. Critics argued that it would fail. Some think it is late."

    def att(content: str, cue: str | None, source: str | None, prob: float) -> Attribution:
        span = lambda w: None if w is None else Span(text.index(w), text.index(w) + len(w), w)
        return Attribution(span(content), span(cue), span(source), False, prob)

    rich = [att("the plan was vital", "said", "The mayor", 0.9)]
    plain = [att("the plan was vital", "said", "The mayor", 0.8),  # overlaps e5's: e5's is kept
             att("that it would fail", "argued", "Critics", 0.75),  # missed by e5: added
             att("it is late", None, "Some", 0.95),  # no cue, no quotation marks: not added
             att("Some think", "think", None, 0.5)]  # below the threshold: not added
    merged = with_plain(rich, plain)
    assert [a.content.text for a in merged] == ["the plan was vital", "that it would fail"]
    assert merged[0] is rich[0] and merged[1].source.text == "Critics"
    assert with_plain(rich, []) == rich


def test_the_sequence_heads_numpy_recurrence_gives_torchs_gru_probabilities():
    """e5.head_probs runs the shipped BiGRU head in numpy; it must equal torch's GRU (gates r, z, n)."""
    import torch

    from annotate.models.speech.e5 import head_probs

    torch.manual_seed(0)
    dim, inp, hid = 6, 5, 4
    lin, out = torch.nn.Linear(dim, inp), torch.nn.Linear(2 * hid + inp, 7)
    rnn = torch.nn.GRU(inp, hid, batch_first=True, bidirectional=True)
    x = np.random.default_rng(0).normal(size=(9, dim)).astype(np.float32)
    with torch.no_grad():
        z = torch.relu(lin(torch.from_numpy(x)))[None]
        want = torch.softmax(out(torch.cat([rnn(z)[0], z], -1)), -1)[0].numpy()
    a = lambda t: t.detach().numpy().copy()
    head = {"mean": np.zeros(dim, np.float32), "std": np.ones(dim, np.float32), "w1": a(lin.weight).T,
            "b1": a(lin.bias), "w2": a(out.weight).T, "b2": a(out.bias)}
    for way, suffix in (("f", ""), ("b", "_reverse")):
        for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            head[f"gru_{way}_{k}"] = a(getattr(rnn, f"{k}_l0{suffix}"))
    assert np.allclose(head_probs(head, x), want, atol=1e-5)
    assert not np.allclose(head_probs(head, x[::-1])[::-1], want, atol=1e-3)  # order matters: a sequence model
