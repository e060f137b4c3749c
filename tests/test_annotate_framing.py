"""Editorial framing and sourced-fact rules: the outlet's voice, kept apart from quoted speech."""
from __future__ import annotations

from annotate.rules import facts
from annotate.rules import framing
from annotate.rules import quotes


def kinds(text: str, lang: str = "fr") -> list[tuple[str, str]]:
    spans = framing.find_framing(text, lang)
    for s in spans:
        assert text[s.start:s.end] == s.text and s.label == "editorial_framing"
    return [(s.kind, s.text) for s in spans]


def test_rhetorical_question_and_exclamation_are_framing_sentences():
    assert kinds("Vous êtes surpris ? Il n’y a pas de quoi !") == [
        ("question", "Vous êtes surpris ?"), ("exclamation", "Il n’y a pas de quoi !")]


def test_bracketed_aside_outside_a_quote():
    text = "En 2015, [donc avant l’ère Macron !] les forces de l’ordre ont acquis un logiciel."
    assert ("aside", "[donc avant l’ère Macron !]") in kinds(text)


def test_brackets_inside_a_quote_are_marked_as_insertions():
    text = "« [Cet outil] n’étant pas déclaré à la CNIL, il semble préférable de ne pas en parler » déclarait un cadre."
    assert kinds(text) == [("insertion", "[Cet outil]")]


def test_framing_inside_a_quote_belongs_to_the_speaker():
    text = "« C’est un scandale absolu, une honte ! Qui peut accepter ça ? », a déclaré le ministre de l’intérieur."
    qs = quotes.find_quotes(text, "fr")
    assert len(qs) == 1
    assert kinds(text) == []
    minister = "Mais il expliquait : « Je ne préciserai pas mon propos, vous le comprendrez »."
    assert kinds(minister) == []


def test_no_framing_span_falls_inside_a_quotation_except_insertions():
    text = ("Un outil ultra-intrusif. « Nous dénonçons un véritable scandale [sic] en toute impunité », "
            "assure notre interlocuteur. En somme, tout va mal.")
    qs = quotes.find_quotes(text, "fr")
    for span in framing.find_framing(text, "fr", qs):
        inside = any(q.start <= span.start < q.end for q in qs)
        assert not inside or span.kind == "insertion", span


def test_loaded_wording_is_a_span_inside_a_factual_sentence():
    text = "La police utilise en toute impunité un outil ultra-intrusif depuis 2015."
    assert kinds(text) == [("loaded", "en toute impunité"), ("loaded", "ultra-intrusif")]


def test_conclusion_and_nominal_comment_sentences():
    text = "En somme, la police traque la population. Une installation massive qui s’est faite hors du cadre légal."
    assert [k for k, _ in kinds(text)] == ["conclusion", "comment"]


def test_plain_facts_have_no_framing():
    assert kinds("Ce mardi 14 novembre, Gérald Darmanin inaugure le salon Milipol à Villepinte.") == []
    assert kinds("The committee met on Tuesday and approved the budget.", "en") == []


def test_english_framing():
    assert kinds("Obviously, this plan is a disaster.", "en")[0][0] == "conclusion"
    assert kinds("Is anyone surprised?", "en") == [("question", "Is anyone surprised?")]
    assert ("first_person", "I think") in kinds("I think the vote was a farce.", "en")


def test_sourced_facts_carry_their_cue():
    text = "D’après des documents internes au ministère obtenus par Disclose, la police utilise Briefcam depuis 2015."
    [fact] = facts.find_facts(text, "fr")
    assert fact.label == "sourced_fact" and fact.cue.text == "D’après des documents internes au ministère obtenus par Disclose"
    [fact] = facts.find_facts("According to court filings, the firm paid two million dollars.", "en")
    assert fact.cue.text == "According to court filings"
    [fact] = facts.find_facts("En effet, le rapport 2023 sur les exportations montre que 208 millions d’euros ont été vendus.", "fr")
    assert fact.cue.text.endswith("montre")


def test_quoted_sentences_are_not_sourced_facts():
    text = "« Selon le rapport, tout va bien », assure le ministre."
    assert facts.find_facts(text, "fr") == []
