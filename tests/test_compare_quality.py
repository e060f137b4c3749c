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


def _align(encoder, texts_a, texts_b, kinds_ab=None) -> set:
    va, vb = encoder.encode(texts_a), encoder.encode(texts_b)
    found = align.align_pair([f"a{i}" for i in range(len(texts_a))], texts_a, va,
                             [f"b{j}" for j in range(len(texts_b))], texts_b, vb,
                             align.params_for(encoder.model_id), kinds_ab=kinds_ab)
    return {(al.a, al.b) for al in found}


# a0 merges b0 and b1; a1/a2 restate one part each, so each part's best match is elsewhere.
MERGE_FR = (
    ["Alors que la municipalité finançait entièrement les cantines scolaires jusqu'en 2023, les familles paient "
     "désormais quatre euros par repas depuis la rentrée.",
     "Jusqu'en 2023, c'est la municipalité qui finançait entièrement les cantines, rappelle l'opposition.",
     "Quatre euros par repas depuis la rentrée : pour les familles, le tarif de la cantine est devenu trop lourd.",
     "De la pluie est attendue sur toute la région pendant le week-end."],
    ["Jusqu'en 2023, la municipalité finançait entièrement les cantines scolaires de la commune.",
     "Depuis la rentrée, les familles paient désormais quatre euros par repas.",
     "Le préfet a inauguré la nouvelle gare routière lundi matin.",
     "Un concert gratuit aura lieu samedi soir sur la place du marché."],
)
MERGE_EN = (
    ["The factory, which had employed 300 people since 1985, closed its doors on Friday after its owner went "
     "bankrupt in March.",
     "Its owner went bankrupt in March, owing millions to suppliers, the court said.",
     "The weather service expects heavy rain over the weekend."],
    ["The owner of the factory went bankrupt in March.",
     "The factory had employed 300 people since 1985 and closed its doors on Friday.",
     "A new bridge over the river will open next spring.",
     "The school board elected a new chair on Tuesday."],
)


@pytest.mark.slow
@pytest.mark.parametrize("texts", [MERGE_FR, MERGE_EN], ids=["fr", "en"])
def test_both_sentences_merged_into_one_passage_align_with_it(use_encoder, texts):
    found = _align(use_encoder, *texts)
    assert {("a0", "b0"), ("a0", "b1")} <= found
    assert not {pair for pair in found if pair[1] in ("b2", "b3")}


@pytest.mark.slow
def test_demo_merged_sentence_aligns_with_both_blog_sentences(scored):
    missed = [e for e in scored["align_gold_demo.json"].errors if "Alors que légalement" in e]
    assert missed == []


@pytest.mark.slow
def test_a_headline_does_not_align_with_the_other_outlet_s_lede(use_encoder):
    texts_a = ["Un violent incendie a détruit un entrepôt de meubles à Vénissieux dans la nuit de lundi à mardi.",
               "Plus de quatre-vingts pompiers ont lutté pendant six heures contre les flammes.",
               "Aucun blessé n'est à déplorer, selon la préfecture du Rhône."]
    texts_b = ["Vénissieux : un entrepôt de meubles ravagé par les flammes",
               "Quatre-vingts sapeurs-pompiers ont combattu le feu toute la nuit.",
               "Le propriétaire de l'entrepôt a annoncé qu'il porterait plainte.",
               "La mairie a ouvert une cellule d'écoute pour les salariés."]
    assert ("a0", "b0") in _align(use_encoder, texts_a, texts_b)  # the embedding alone pairs them
    kinds_ab = (["body"] * 3, ["heading"] + ["body"] * 3)
    assert _align(use_encoder, texts_a, texts_b, kinds_ab) == {("a1", "b1")}
