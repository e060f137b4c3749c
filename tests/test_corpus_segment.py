"""Segmentation: exact offsets for any text, sentences and headings, the demo's boilerplate pinned."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from corpus import clean
from corpus.segment import segment
from tests.conftest import DEMO_DIR

RP = (DEMO_DIR / "revolution-permanente.fr.txt").read_text(encoding="utf-8")
BLOG = (DEMO_DIR / "disclose-repost-blog.fr.txt").read_text(encoding="utf-8")


def assert_exact_cover(text: str, passages) -> None:
    """Ordered, non-overlapping, inside the text, stripped, and covering every non-space character."""
    covered = [False] * len(text)
    last_end = 0
    for p in passages:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start:p.end] == p.text
        assert p.text == p.text.strip()
        assert p.start >= last_end
        last_end = p.end
        for i in range(p.start, p.end):
            covered[i] = True
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missing, [text[i] for i in missing[:10]]


def texts_of(passages, content: bool | None = None) -> list[str]:
    return [p.text for p in passages if content is None or p.content == content]


def norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).split())


# -- property ----------------------------------------------------------------------------------

ALPHABET = st.one_of(
    st.characters(codec="utf-8"),  # anything, astral planes and controls included
    st.sampled_from(["«", "»", "“", "”", '"', "\u00a0", "\u202f", "\r\n", "\n", "\r", "\u0301", "😀", "👩‍👩‍👧",
                     "C’", "l’", ". ", "! ", "? ", "…", "(", ")", "[", "]", "\x00", "\x1b", "\u2028"]),
)
WORDS = st.sampled_from(["Le", "ministre", "a", "dit", "Vous", "êtes", "surpris", "Facebook Twitter", "×",
                         "17 novembre 2023", "Lire aussi :", "https://ex.org/a", "** **", "Roxane Sinigaglia"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(ALPHABET, WORDS), max_size=120).map("".join), st.sampled_from(["fr", "en"]))
def test_passages_are_exact_ordered_disjoint_and_cover_all_non_space_text(text, lang):
    assert_exact_cover(text, segment(text, lang))


# -- explicit cases -----------------------------------------------------------------------------

def test_emoji_and_astral_characters_keep_code_point_offsets():
    text = "Le 😀 est là. 👩‍👩‍👧 Une famille 𝔘 ici !\nFin."
    passages = segment(text)
    assert_exact_cover(text, passages)
    assert texts_of(passages) == ["Le 😀 est là.", "👩‍👩‍👧 Une famille 𝔘 ici !", "Fin."]


def test_combining_marks_stay_with_their_letter():
    text = "Le cafe\u0301 est fort. La re\u0301ponse est non."
    passages = segment(text)
    assert texts_of(passages) == ["Le cafe\u0301 est fort.", "La re\u0301ponse est non."]
    assert_exact_cover(text, passages)


def test_crlf_input_keeps_offsets_and_lines():
    text = "Titre court\r\n\r\nPremière phrase. Deuxième phrase.\r\nAutre ligne ici.\r\n"
    passages = segment(text)
    assert_exact_cover(text, passages)
    assert [(p.text, p.kind) for p in passages] == [
        ("Titre court", "heading"), ("Première phrase.", "body"), ("Deuxième phrase.", "body"),
        ("Autre ligne ici.", "body")]


def test_no_split_inside_guillemets_english_quotes_or_straight_quotes():
    text = ('Il a dit « Non. Jamais ! » puis il est parti. Elle écrit “Oui. Bien sûr.” Enfin. '
            'On lit "Stop. Assez." Fin.')
    assert texts_of(segment(text)) == [
        "Il a dit « Non. Jamais ! » puis il est parti.", "Elle écrit “Oui. Bien sûr.”", "Enfin.",
        'On lit "Stop. Assez."', "Fin."]


def test_sentence_ending_inside_a_closing_guillemet_is_split_after_it():
    text = "La CNIL dit qu’elle « ne sait pas. » La DGPN n’a pas répondu."
    assert texts_of(segment(text)) == ["La CNIL dit qu’elle « ne sait pas. »", "La DGPN n’a pas répondu."]


def test_short_line_without_final_punctuation_is_a_content_heading():
    passages = segment("Un logiciel déployé au niveau national\nLa police l’utilise. Depuis 2015.")
    assert (passages[0].kind, passages[0].content) == ("heading", True)
    assert [p.kind for p in passages[1:]] == ["body", "body"]


def test_pull_quote_with_attribution_is_one_passage():
    line = "« Il semble préférable de ne pas en parler » ; Un haut-fonctionnaire de la police nationale"
    passages = segment("Une phrase avant.\n" + line + "\nUne phrase après.")
    assert [(p.text, p.kind, p.content) for p in passages][1] == (line, "pull_quote", True)


def test_english_text_is_split_with_english_rules():
    text = "Mr. Smith went to Washington. He met Dr. Jones at 5 p.m. today. It rained."
    assert texts_of(segment(text, "en")) == [
        "Mr. Smith went to Washington.", "He met Dr. Jones at 5 p.m. today.", "It rained."]


# -- the demo corpus ----------------------------------------------------------------------------

RP_BOILERPLATE = [
    "×", "Roxane Sinigaglia", "17 novembre 2023", "Facebook Twitter",
    "La police utilise secrètement un logiciel de reconnaissance faciale israélien révèle Disclose",
    "Crédit photo : Mark Yeomans, Creative Commons Attribution 4.0",
    "Lire aussi : Ventes d’armes : l’Etat et les entreprises françaises ont du sang sur les mains en Palestine",
    "Facebook Twitter",
]


def test_revolution_permanente_boilerplate_is_marked_and_nothing_else():
    passages = segment(RP, "fr")
    assert_exact_cover(RP, passages)
    non_content = [p for p in passages if not p.content]
    header = [norm(p.text) for p in non_content if p.kind != "related"]
    assert header == [norm(t) for t in RP_BOILERPLATE]
    kinds = {norm(p.text): p.kind for p in non_content if p.kind != "related"}
    assert kinds["Roxane Sinigaglia"] == "byline" and kinds["17 novembre 2023"] == "date"
    assert kinds[norm(RP_BOILERPLATE[5])] == "credit"
    # The related-headline list: every line after the last share buttons, each headline twice.
    tail = RP[RP.rindex("Facebook Twitter") + len("Facebook Twitter"):]
    tail_lines = [line.strip() for line in tail.splitlines() if line.strip()]
    related = [p.text for p in non_content if p.kind == "related"]
    assert related == tail_lines and len(related) == 16
    assert len({clean.normal_form(t) for t in related}) == 8


def test_revolution_permanente_title_first_occurrence_and_body_are_content():
    passages = segment(RP, "fr")
    content = texts_of(passages, content=True)
    assert content[0] == "Scandale"
    assert norm(content[1]) == norm(RP_BOILERPLATE[4]) and passages[2].kind == "heading"
    assert any(t.startswith("Un article paru sur le média Disclose") for t in content)
    assert any(t.startswith("Les révélations de Disclose montrent ainsi") for t in content)
    body_lines = [line for line in RP.splitlines() if len(line) > 200 and not line.startswith("Lire aussi")]
    joined = " ".join(content)
    for line in body_lines:
        assert all(word in joined for word in line.split()[:5])


def test_blog_repost_sentences_are_separate_content_passages():
    passages = segment(BLOG, "fr")
    assert_exact_cover(BLOG, passages)
    content = texts_of(passages, content=True)
    assert content[:2] == ["Vous êtes surpris ?", "Il n’y a pas de quoi !"]
    assert any(t.startswith("En 2015, [donc avant l’ère Macron !] les forces de l’ordre ont acquis")
               and t.endswith("Briefcam.") for t in content)
    assert ("Celle-ci permet « de détecter, de suivre, d’extraire, de classer, de cataloguer » une personne en "
            "fonction de son visage, explique l’entreprise sur son site Internet.") in content
    assert "C’est devenu une habitude." in content


def test_blog_repost_keeps_every_body_line_as_content_and_drops_the_link_tail():
    passages = segment(BLOG, "fr")
    non_content = [(p.kind, p.text) for p in passages if not p.content]
    assert non_content == [
        ("link", "https://disclose.ngo/fr"), ("boilerplate", "** **"),
        ("related", "Des armes de maintien de l’ordre illégales promues au salon Milipol de Paris"),
        ("link", "https://www.amnesty.fr/actualites/salon-milipol-armes-de-maintien-de-l-ordre")]
    pull = [p for p in passages if p.kind == "pull_quote"]
    assert [p.text for p in pull] == [
        "« Il semble préférable de ne pas en parler » ; Un haut-fonctionnaire de la police nationale"]


@pytest.mark.parametrize("text", [RP, BLOG])
def test_demo_segmentation_is_deterministic(text):
    assert segment(text) == segment(text)


def test_offsets_survive_whitespace_that_pysbd_alters():
    text = "Une phrase.\u00a0\u00a0 Deux\tphrases  ici.\u202f\u2003Trois !   Quatre ?"
    passages = segment(text)
    assert texts_of(passages) == ["Une phrase.", "Deux\tphrases  ici.", "Trois !", "Quatre ?"]
    assert_exact_cover(text, passages)


def test_giant_line_falls_back_to_the_linear_splitter_with_the_same_guarantees():
    from corpus.sentences import MAX_PYSBD_CHARS

    text = "Il a dit « Non. Jamais. » Puis rien. " * (MAX_PYSBD_CHARS // 30)
    passages = segment(text)
    assert_exact_cover(text, passages)
    assert texts_of(passages)[:2] == ["Il a dit « Non. Jamais. »", "Puis rien."]

