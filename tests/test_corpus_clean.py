"""Boilerplate rules: each kind of page furniture is recognised, ordinary sentences are not."""
from __future__ import annotations

import pytest

from corpus import clean
from corpus.segment import line_shape


def classify(lines: list[str]) -> list[tuple[str, bool]]:
    return clean.classify_lines(lines, [line_shape(line) for line in lines])


@pytest.mark.parametrize("line, kind", [
    ("×", "boilerplate"),
    ("Facebook Twitter", "boilerplate"),
    ("Partager sur Facebook | LinkedIn | E-mail", "boilerplate"),
    ("** **", "boilerplate"),
    ("https://disclose.ngo/fr", "link"),
    ("Crédit photo\u00a0: Mark Yeomans, Creative Commons", "credit"),
    ("© AFP / Jean Dupont", "credit"),
    ("Lire aussi\u00a0: Ventes d’armes", "link"),
    ("Read more: Police adopt new software", "link"),
    ("17 novembre 2023", "date"),
    ("Publié le 3 mars 2024 à 10h32", "date"),
    ("November 17, 2023", "date"),
    ("2023-11-17", "date"),
])
def test_page_furniture_lines_are_marked_non_content(line, kind):
    [(got_kind, content)] = classify([line])
    assert (got_kind, content) == (kind, False)


@pytest.mark.parametrize("line", [
    "Le 17 novembre 2023, la police a reconnu les faits.",
    "Crédit et dette sont au cœur du rapport publié hier.",
    "Lire entre les lignes du rapport est un exercice utile.",
    "Facebook a annoncé mardi de nouvelles règles de modération.",
    "Xavier Dupont, maire de la ville, a répondu à nos questions.",
])
def test_ordinary_sentences_mentioning_the_same_words_stay_content(line):
    [(kind, content)] = classify([line])
    assert content and kind == "body"


def test_lone_name_near_the_top_next_to_a_date_is_a_byline():
    lines = ["Un titre assez long pour être un titre", "Roxane Sinigaglia", "17 novembre 2023", "Le corps."]
    assert [k for k, _ in classify(lines)] == ["heading", "byline", "date", "body"]


def test_title_case_headline_without_date_or_prefix_is_not_a_byline():
    lines = ["Police Adopt Secret Software", "The police adopted the software in 2015."]
    assert classify(lines)[0] == ("heading", True)


def test_by_prefix_marks_a_byline():
    assert classify(["By Jane Doe", "Body text here."])[0] == ("byline", False)


def test_title_repeated_by_a_share_widget_is_boilerplate_first_copy_stays():
    lines = ["La police utilise un logiciel", "Facebook Twitter", "La police utilise un\u00a0logiciel", "Le texte."]
    assert [k for k, _ in classify(lines)] == ["heading", "boilerplate", "boilerplate", "body"]


def test_short_paragraph_after_share_buttons_stays_body():
    lines = ["Un long paragraphe du corps de l’article.", "Facebook Twitter", "Une dernière phrase courte."]
    assert classify(lines)[2] == ("body", True)


def test_list_of_headlines_after_final_share_buttons_is_related():
    lines = ["Le corps de l’article.", "Facebook Twitter", "Titre un", "Titre deux", "Tribune. Stop !"]
    assert [k for k, _ in classify(lines)][2:] == ["related"] * 3


def test_normal_form_ignores_nbsp_case_and_apostrophe_style():
    assert clean.normal_form("L’Etat\u00a0 dit") == clean.normal_form("l'etat dit")


@pytest.mark.parametrize("line, kind", [
    ("Par Jean Dupont, publié le 12 mai 2024 à 10h32", "byline"),
    ("Par Marie-Claire Martin et Paul Durand, publié le 31/05/2024", "byline"),
    ("By Jane Doe | Updated March 3, 2024, 10:04 AM", "byline"),
    ("By John Smith · Published 2 hours ago", "byline"),
    ("Jeanne Martin — mis à jour le 1er juin 2024", "byline"),
    ("Photo: Ludovic Marin / AFP", "credit"),
    ("Photo : Reuters", "credit"),
    ("PARIS (AFP) —", "dateline"),
    ("WASHINGTON —", "dateline"),
    ("Paris (Reuters) -", "dateline"),
    ("Paris, le 12 mai 2024", "dateline"),
])
def test_bylines_with_dates_credits_and_datelines_are_page_furniture(line, kind):
    [(got_kind, content)] = classify([line])
    assert (got_kind, content) == (kind, False)


@pytest.mark.parametrize("line", [
    "By the end of the year, updated rules will apply to every police force in the country.",
    "Par ailleurs, le ministère a publié un communiqué le 3 mai.",
    "Le Monde, publié hier, affirme que le logiciel est illégal.",
    "Paris a publié le 12 mai un décret sur la vidéosurveillance algorithmique.",
])
def test_sentences_that_mention_publishing_stay_content(line):
    [(kind, content)] = classify([line])
    assert content, kind


def test_an_uploaded_byline_is_kept_in_the_text_but_not_aligned():
    from corpus.segment import segment

    text = "Briefcam : la police utilise le logiciel\nPar Jean Dupont, publié le 12 mai 2024\n\nLe ministère a acheté le logiciel en 2015.\n"
    passages = segment(text, "fr")
    byline = next(p for p in passages if p.text.startswith("Par Jean"))
    assert (byline.kind, byline.content) == ("byline", False)
    assert text[byline.start:byline.end] == byline.text  # offsets untouched
