"""The quick abbreviation search (corpus.sentences.quick_abbreviations) gives pysbd's own sentences.

Why skipping is safe: pysbd's search substitutes, for each occurrence `am` of an abbreviation, the
pattern `(?<=\\s{am})\\.(?=...)`: it only ever replaces a period that directly follows a case
variant of the abbreviation. For an abbreviation of ASCII letters, a case variant lower-cases to the
abbreviation itself, so no such period exists when `abbreviation + "."` is absent from the
lower-cased line (earlier substitutions only turn periods into "∯", never add one). The one gap,
characters that `re` folds onto an ASCII letter while str.lower() does not, is closed by
FOLDS_TO_ASCII, whose completeness the last test checks over every code point.
"""
import re
import sys

import pysbd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.sentences import FOLDS_TO_ASCII, _cut_after, _inside, quick_abbreviations, quoted_ranges, sentence_spans

TRICKY = [
    "M. Dupont est arrivé. Dr. Smith l’a reçu à 9 h. Le U.S. Army a répondu.",
    "« C’est fini. » L’homme est parti. Puis : « Non ! » dit-il.",
    "“It is over.” She left. Then Mr. Jones said: “No. Not yet…” and walked away.",
    "The U.S. economy grew 2.5 percent in Q3. Gov. Brown and Sen. Warren disagreed, i.e. they argued.",
    "Prices rose 3.14 per cent… Then fell. No. 5 was sold at 4 p.m. on Jan. 3, e.g. last year.",
    "Le n° 3 coûte 12,5 €. Qu’il vienne ! C’est l’heure. Etc. Fin.",
    "He met Prof. Ph.D. holders at St. Mary’s... and the co. Ltd. Inc. was there. Capt. Kirk left.",
    "A. B. Smith arrived. I. e. nothing. The vs. match ended. Fig. 3 shows it. Vol. 2 is out.",
    "Les fr. et ann. sont cités. Art. 4 du code. Cf. la note. Av. J.-C. fin. S.A. et Cie.",
    "ſt. Kilda and İstanbul. Dr. No. ı. ſ. KM. done. Ok.",
    "Mme. Curie (née Skłodowska) a dit : « La vie n’est pas facile. » Puis elle est partie.",
    "",
    "...",
    "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. all abbreviated. Yes.",
]


def _segmenters(lang: str):
    plain = pysbd.Segmenter(language=lang, clean=False)
    quick = pysbd.Segmenter(language=lang, clean=False)
    quick.language_module = quick_abbreviations(quick.language_module)
    return plain, quick


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("text", TRICKY)
def test_quick_abbreviation_search_gives_pysbds_sentences(lang, text):
    plain, quick = _segmenters(lang)
    if not text:
        return
    assert quick.processor(text).process() == plain.processor(text).process()


def test_quick_search_is_used_and_skips_abbreviations_without_a_period():
    _, quick = _segmenters("en")
    replacer = quick.language_module.AbbreviationReplacer("", quick.language_module)
    assert type(replacer).__name__ == "QuickAbbreviations"
    # "no" and "a" occur in the words but never before a period: nothing to replace
    assert replacer.search_for_abbreviations_in_string("nobody saw a dog.") == "nobody saw a dog."
    assert replacer.search_for_abbreviations_in_string("Dr. Who is here.") == "Dr∯ Who is here."


def test_languages_with_their_own_abbreviation_search_keep_it():
    german = pysbd.Segmenter(language="de", clean=False).language_module
    assert quick_abbreviations(german) is german  # Deutsch overrides scan_for_replacements


def test_sentences_of_tricky_text_keep_every_character_in_order():
    for text in TRICKY:
        spans = sentence_spans(text, "fr")
        assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


def test_the_fold_set_holds_every_character_re_folds_onto_an_ascii_letter():
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if re.fullmatch("[a-z]", chr(c), re.IGNORECASE)}
    assert folding  # İ ı ſ K in CPython 3.11
    unsafe = {c for c in folding if not (len(c.lower()) == 1 and c.lower().isascii())}
    assert unsafe <= FOLDS_TO_ASCII


def test_non_space_runs_split_where_str_isspace_does():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert re.findall(r"\s", every) == [c for c in every if c.isspace()]


@given(st.text(alphabet=" \u00a0\n\tab.«»“”\"()[]’", max_size=60), st.lists(st.integers(0, 8), max_size=8))
def test_cuts_from_non_space_counts_match_a_per_character_walk(line, counts):
    position_of = [i for i, ch in enumerate(line) if not ch.isspace()]
    expected, seen = [], 0
    for count in counts:
        seen += count
        if 0 < seen < len(position_of):
            expected.append(position_of[seen - 1] + 1)
    assert _cut_after(line, counts, len(position_of)) == expected


@given(st.text(alphabet=" ab.«»“”‹›\"()[]", max_size=40), st.integers(0, 41))
def test_inside_a_quote_matches_a_per_character_depth(line, cut):
    ranges = quoted_ranges(line)
    depth = sum(1 for open_, close in ranges if open_ < cut <= close)
    assert _inside(ranges)(cut) == (depth > 0)
