"""The sentence model's optional voice features (annotate/models/framing/features.py) and how a
weights file chooses its input columns (sentence.design reads the feature list from the weights)."""
from __future__ import annotations

import numpy as np
import pytest

from annotate.models.framing import features, sentence, weights


def voice(text: str, lang: str) -> dict[str, float]:
    row = features.sentence_features(text, lang, [], voice=True)
    return dict(zip(features.SENTENCE_FEATURES + features.VOICE_FEATURES, row.tolist()))


def test_voice_features_are_off_unless_asked():
    text = "Une réforme honteuse !"
    assert features.sentence_features(text, "fr", []).shape == (len(features.SENTENCE_FEATURES),)
    base = features.sentence_features(text, "fr", [], voice=True)[:len(features.SENTENCE_FEATURES)]
    assert np.array_equal(base, features.sentence_features(text, "fr", []))


def test_exclamation_inside_a_quote_is_the_speakers_outside_it_the_authors():
    quoted = voice("« C'est une honte absolue ! », a déclaré la porte-parole.", "fr")
    own = voice("C'est une honte absolue !", "fr")
    assert quoted["exclamation"] == own["exclamation"] == 1.0
    assert quoted["exclamation_outside_quotes"] == 0.0 and own["exclamation_outside_quotes"] == 1.0
    assert quoted["quoted_share"] > 0.4 and own["quoted_share"] == 0.0


def test_reported_quote_and_scare_quotes_are_told_apart():
    reported = voice('The minister said: "We will cut taxes for every family next year."', "en")
    scare = voice('The so-called "reform" is a truly absurd idea.', "en")
    assert reported["quote_and_reporting"] == 1.0 and reported["scare_quote"] == 0.0
    assert scare["quote_and_reporting"] == 0.0 and scare["scare_quote"] == 1.0
    assert scare["evaluative"] > 0 and scare["intensifier"] > 0


@pytest.mark.parametrize("lang, text", [
    ("en", "But I think this is not a good idea."),
    ("fr", "Mais je pense que ce n'est pas une bonne idée."),
    ("de", "Aber ich glaube, das ist keine gute Idee."),
    ("it", "Ma penso che non sia una buona idea."),
])
def test_opinion_cues_are_found_in_each_language(lang, text):
    v = voice(text, lang)
    assert v["contrast_start"] == v["opinion_verb"] == v["negation"] == 1.0
    assert v["evaluative"] > 0


def test_weights_that_list_the_voice_features_get_them_as_input(tmp_path, monkeypatch):
    names = list(features.SENTENCE_FEATURES + features.VOICE_FEATURES)
    net = weights.MLP((np.zeros((4 + len(names), 1), dtype=np.float32),), (np.zeros(1, dtype=np.float32),))
    meta = {"dim": 4, "features": names, "feature_scale": 1.0, "encoder_model_id": "test"}
    weights.save(tmp_path / sentence.MODEL_FILE, {"net": net}, meta)
    monkeypatch.setattr(weights, "WEIGHTS_DIR", tmp_path)
    weights.load.cache_clear()
    try:
        x = sentence.design(np.zeros((1, 4), dtype=np.float32), ["Vraiment absurde !"], "fr", [[]])
        assert x.shape == (1, 4 + len(names))
        assert x[0, 4 + names.index("evaluative")] > 0
    finally:
        weights.load.cache_clear()
