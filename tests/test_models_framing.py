"""The learned framing models (annotate/models/framing) on hand-made English and French cases.

Real inference: the shipped weights and the real USE encoder on small inputs (marked slow).
Fixtures are written for presslens (tests/data/framing_fr_cases.json), never ../shared/data.
"""
from __future__ import annotations

import numpy as np
import pytest

from annotate.models.framing import loaded, sentence, weights
from tests.conftest import ROOT
from tests.framing_support import FR_CASES, assert_plain_npz, french_case_scores


@pytest.fixture(scope="session")
def use_encoder():
    from compare import embed

    return embed.get_encoder("use")


def scores(encoder, texts: list[str], lang: str) -> np.ndarray:
    return sentence.sentence_scores(encoder.encode(texts), texts, lang)


def test_models_package_docstring_is_the_agreed_line():
    text = (ROOT / "annotate" / "models" / "__init__.py").read_text(encoding="utf-8")
    assert text == ('"""Learned models behind suggestions: each subpackage holds its inference code, '
                    'weights and model card."""\n')


@pytest.mark.parametrize("name", [sentence.MODEL_FILE, loaded.MODEL_FILE])
def test_weight_files_are_plain_arrays_loaded_without_pickle(name):
    assert_plain_npz(weights.WEIGHTS_DIR / name)
    model = weights.load(name)
    assert model.meta["encoder"] == "use"
    assert all(0.0 < part.threshold < 1.0 for part in model.parts.values())


def test_sentence_scores_refuse_vectors_of_another_encoder():
    with pytest.raises(sentence.VectorMismatch, match="vectors from"):
        sentence.sentence_scores(np.zeros((1, 384), dtype=np.float32), ["Un texte."], "fr")


def test_sentence_scores_of_nothing_is_empty():
    assert sentence.sentence_scores(np.zeros((0, sentence.model_info()["dim"])), [], "en").shape == (0,)


@pytest.mark.slow
@pytest.mark.parametrize("lang, neutral, opinion", [
    ("en", "The city council approved the 2024 budget on Tuesday by 31 votes to 12.",
     "This shameful budget is a disgrace, and frankly the council should be ashamed of itself."),
    ("fr", "Le conseil municipal a voté mardi le budget 2024 par 31 voix contre 12.",
     "Ce budget honteux est une insulte, et franchement le conseil devrait avoir honte."),
])
def test_opinionated_sentence_scores_above_threshold_and_factual_one_below(use_encoder, lang, neutral, opinion):
    p_neutral, p_opinion = scores(use_encoder, [neutral, opinion], lang)
    threshold = sentence.model_info()["threshold"]
    assert p_opinion >= threshold > p_neutral


@pytest.mark.slow
def test_french_sentences_carry_over_from_english_german_italian_training(use_encoder):
    texts = [c["text"] for c in FR_CASES]
    decided = scores(use_encoder, texts, "fr") >= sentence.model_info()["threshold"]
    gold = np.array([c["subjective"] for c in FR_CASES])
    assert (decided == gold).mean() >= 0.7


# A loaded word in the outlet's voice, and the same word inside someone's quotation (every
# loaded-word model is held to these: tests/test_models_loaded_e5.py too).
QUOTE_CASES = [
    ("en", "The senator pushed a disgraceful bill through the chamber.",
     'The senator\'s rival called the bill "disgraceful" in the chamber.', "disgraceful"),
    ("fr", "Le sénateur a fait passer une loi honteuse devant la chambre.",
     "Son rival a qualifié la loi de « honteuse » devant la chambre.", "honteuse"),
]


@pytest.mark.slow
@pytest.mark.parametrize("lang, outside, quoted, word", QUOTE_CASES)
def test_loaded_word_is_tagged_outside_a_quote_and_left_to_the_speaker_inside(lang, outside, quoted, word):
    assert word in [s.text for s in loaded.loaded_spans(outside, lang)]
    assert word not in [s.text for s in loaded.loaded_spans(quoted, lang)]
    start = quoted.index(word)
    assert word in [s.text for s in loaded.loaded_spans(quoted, lang, quote_spans=[])]  # caller's own quotes
    assert all(not (s.start < start + len(word) and start < s.end) for s in loaded.loaded_spans(quoted, lang))


@pytest.mark.slow
def test_loaded_words_in_french_cases_are_found_with_few_false_alarms():
    recall, precision, pred = french_case_scores(loaded.batch_loaded_spans([c["text"] for c in FR_CASES], "fr"))
    assert recall >= 0.4
    assert precision >= 0.4
    neutral = [p for p, c in zip(pred, FR_CASES) if not c["subjective"] and "«" not in c["text"]]
    assert sum(map(len, neutral)) <= 3


@pytest.mark.slow
def test_span_offsets_index_the_text_exactly():
    text = "🎉 Ein « Zitat ». L’État, scandaleusement absent [donc avant l’ère Macron !], réprime brutalement."
    spans = loaded.framing_spans(text, "fr")
    assert spans and all(text[s.start:s.end] == s.text for s in spans)
    assert any(s.kind == "aside" and s.text == "[donc avant l’ère Macron !]" for s in spans)


@pytest.mark.slow
def test_square_brackets_inside_a_quote_are_insertions_not_asides():
    text = "« [Cet outil] n’étant pas déclaré, il semble préférable de ne pas en parler », écrit un cadre."
    spans = loaded.framing_spans(text, "fr")
    assert [(s.kind, s.text) for s in spans if s.kind != "loaded"] == [("insertion", "[Cet outil]")]


@pytest.mark.slow
def test_batch_and_single_calls_agree():
    texts = ["A shameful and reckless decision.", "Une décision absurde et désastreuse."]
    batch = loaded.batch_loaded_spans(texts, "en")
    assert batch[0] == loaded.loaded_spans(texts[0], "en")


def test_rule_spans_passed_in_give_the_same_features_as_running_the_rules():
    from annotate.models.framing import features

    text = "Une réforme honteuse ! Le ministre a menti, évidemment."
    given = features.sentence_features(text, "fr", features.find_rule_spans(text, "fr"))
    assert np.array_equal(given, features.sentence_features(text, "fr"))
    assert given[features.SENTENCE_FEATURES.index("rule_framing")] == 1.0


def test_scored_vocabulary_is_plain_arrays_of_words_and_scores():
    from annotate.models.framing import wordscores

    path = weights.WEIGHTS_DIR / wordscores.VOCAB_FILE
    assert path.stat().st_size < 5_000_000
    with np.load(path, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    vocab = wordscores.vocabulary()
    assert {"the", "shameful", "honteuse", "scandaleux"} <= set(vocab.index)
    assert len(vocab.logit) == len(vocab.ctx_a) == len(vocab.ctx_code) == len(vocab.index)


@pytest.mark.slow
def test_vocabulary_scores_are_the_scores_computed_from_word_vectors(use_encoder):
    from annotate.models.framing import wordscores

    words = ["shameful", "council", "honteuse", "mardi"]
    model, vocab = weights.load(loaded.MODEL_FILE), wordscores.vocabulary()
    fresh = wordscores.from_vectors(model, words, use_encoder.encode(words))
    rows = [vocab.index[w] for w in words]
    assert np.allclose(vocab.logit[rows], fresh.logit, atol=1e-3)
    assert np.allclose(vocab.ctx_code[rows], fresh.ctx_code, atol=0.02 * np.abs(fresh.ctx_code).max())


class CountingWords(loaded.WordVectors):
    """Word vectors from the real encoder, remembering which words it was asked for."""

    def __init__(self, encoder) -> None:
        self.asked: list[str] = []
        super().__init__(lambda ws: self.asked.extend(ws) or encoder.encode(ws))


@pytest.mark.slow
def test_only_words_outside_the_vocabulary_reach_the_encoder(use_encoder):
    words = CountingWords(use_encoder)
    text = "The senator pushed a shameful bill through the chamber, zorblaxian style."
    found = loaded.loaded_spans(text, "en", vector=use_encoder.encode([text])[0], words=words)
    assert words.asked == ["zorblaxian"]
    assert "shameful" in [s.text for s in found]


@pytest.mark.slow
def test_a_sentence_below_the_gate_costs_no_word_lookup_and_tags_nothing(use_encoder):
    words = CountingWords(use_encoder)
    model = weights.load(loaded.MODEL_FILE)
    vec = -model["sentence"].coefs[0][:, 0] / np.linalg.norm(model["sentence"].coefs[0][:, 0])  # least loaded direction
    assert model["sentence"].logit(vec[None, :])[0] < model.meta["gate"]
    assert loaded.loaded_spans("A zorblaxian and shameful bill.", "en", vector=vec, words=words) == []
    assert words.asked == []


@pytest.mark.slow
def test_shortcuts_keep_the_tags_of_the_french_cases(use_encoder):
    texts = [c["text"] for c in FR_CASES]
    vecs = use_encoder.encode(texts)
    fast = loaded.batch_loaded_spans(texts, "fr", vectors=vecs)
    full = loaded.batch_loaded_spans(texts, "fr", vectors=vecs, shortcuts=False)
    assert [[s.text for s in f] for f in fast] == [[s.text for s in f] for f in full]


def test_other_languages_never_read_the_english_annotators_word_rates():
    model = weights.load(loaded.MODEL_FILE)
    known = loaded._known(model)
    text = "Une politique radicale et une décision radical."
    toks = loaded.tokens(text)
    zeros = np.zeros(len(toks))
    cols = [loaded.TOKEN_FEATURES.index(f) for f in ("known", "log_count", "stem_known")] + \
        [i for i, f in enumerate(loaded.TOKEN_FEATURES) if f.startswith("suffix_")]
    fr = loaded.token_matrix(text, toks, "fr", zeros, zeros, 0.0, known)
    en = loaded.token_matrix(text, toks, "en", zeros, zeros, 0.0, known)
    assert not fr[:, cols].any() and en[:, cols].any()  # "radical", "une", "et" are known English-side
    assert loaded.token_part("fr") == "token_blank" and loaded.token_part("en") == "token"


def test_a_french_elision_is_split_from_its_word():
    text = "Les associations d'usagers dénoncent un recul ; l’État s'est tu jusqu'à hier."
    words = [t.text for t in loaded.tokens(text)]
    assert words[:4] == ["Les", "associations", "usagers", "dénoncent"]
    assert "État" in words and "est" in words and "à" in words and "don't" in [t.text for t in loaded.tokens("I don't")]
    assert all(text[t.start:t.end] == t.text for t in loaded.tokens(text))
    # the joined "d'usagers" was an unseen string, tagged loaded where "des usagers" was not
    assert "usagers" not in [w.text for w in loaded.loaded_spans("Les associations d'usagers dénoncent un recul historique.", "fr")]
