"""Training rows of the e5 sentence-framing trainer (bench/quality/train_sentence_e5.py).

The loaders are replaced by small hand-written rows (never ../shared/data), to pin which BABE
rows count as opinion and that only BABE's train part is ever asked for.
"""
from __future__ import annotations

import pytest

from bench.quality import _framing_data, train_sentence_e5

CHECKTHAT = {"en": [{"text": "The council voted on Monday.", "label": "OBJ"},
                    {"text": "This shameful vote betrays us all.", "label": "SUBJ"}],
             "de": [{"text": "Der Rat stimmte am Montag ab.", "label": "OBJ"}],
             "it": [{"text": "Una scelta vergognosa.", "label": "SUBJ"}]}
BABE = [{"text": "The bill passed 52-48.", "derived_fact_vs_editorial": "fact"},
        {"text": "A reckless bill nobody wanted.", "derived_fact_vs_editorial": "editorial"},
        {"text": "The bill, a gift to donors, passed.", "derived_fact_vs_editorial": "mixed"},
        {"text": "Senators left early.", "derived_fact_vs_editorial": "no_agreement"}]


@pytest.fixture
def parts_asked(monkeypatch) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(_framing_data, "checkthat", lambda split, lang: CHECKTHAT[lang] if split == "train" else [])

    def babe(part: str) -> list[dict]:
        asked.append(part)
        return BABE
    monkeypatch.setattr(_framing_data, "babe", babe)
    return asked


def test_without_babe_only_checkthat_train_rows_are_used(parts_asked):
    texts, flags = train_sentence_e5.training_rows("none")
    assert len(texts) == 4 and flags == [False, True, False, True] and parts_asked == []


def test_editorial_adds_fact_and_writers_opinion_and_drops_mixed_and_no_agreement(parts_asked):
    texts, flags = train_sentence_e5.training_rows("editorial")
    assert texts[4:] == ["The bill passed 52-48.", "A reckless bill nobody wanted."]
    assert flags[4:] == [False, True]
    assert parts_asked == ["train"]


def test_mixed_counts_as_opinion_when_asked(parts_asked):
    texts, flags = train_sentence_e5.training_rows("mixed")
    assert flags[4:] == [False, True, True] and "Senators left early." not in texts
    assert parts_asked == ["train"]


def test_training_note_counts_the_sentences(parts_asked):
    assert train_sentence_e5.training_note("editorial").endswith("fact vs writer's opinion (6 sentences)")
