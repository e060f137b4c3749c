"""The loaded-word lexicon's regex, grouped by first letter for speed, finds what the flat list finds.

Why grouping is exact: a match of the flat alternation at a position starts with one alternative
whose first letter matches the character there; grouping keeps every alternative in its list order
inside its letter's group, and no character matches two groups' letters (checked below over every
code point), so the engine tries the same alternatives in the same order at every position.
"""
import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from annotate.rules import lexicon
from annotate.rules.lexicon import EN_LOADED, FR_LOADED, LOADED, compile_words

LISTS = {"en": EN_LOADED, "fr": FR_LOADED}


def _flat(patterns: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE)


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


HAND_WRITTEN = [
    "It's OUTRAGEOUS and Outrage-free, a so-called shame. Of course, the truth is, sadly, unfortunately.",
    "Shameless shamelessly ashamed; un-scandalous scandals. Let’s be honest: it's time, it’s time!",
    "Une démonstration, de plus en plus, comme par hasard — curieusement, étrangement, évasive, intrusifs.",
    "ÉTRANGEMENT Évasif INTRUSIVE. Soi-disant. Hors de tout cadre légal. l'ultra-droite, hyper-violent.",
    "need to, needs to, needing, must-have, ought, mustard, justice, just, ıdiot, ſcandal, Kelvin.",
    "",
]


def test_grouped_regex_is_used_for_both_lists():
    for lang, patterns in LISTS.items():
        assert LOADED[lang].pattern != _flat(patterns).pattern
        assert LOADED[lang].pattern.count("|") == _flat(patterns).pattern.count("|")


def test_grouped_regex_finds_the_flat_lists_matches_in_hand_written_text():
    for lang, patterns in LISTS.items():
        for text in HAND_WRITTEN:
            assert _spans(LOADED[lang], text) == _spans(_flat(patterns), text)


WORDS = [w.replace("\\w*", "").replace("\\w+", "ing").replace("[’']", "'").replace("?", "") for w in EN_LOADED[:60]]


@given(st.lists(st.one_of(st.sampled_from(WORDS + ["É", "é", "ſ", "ı", "-", " ", "'", "ly"]),
                          st.text(alphabet="abeinorstuyADEÉSé -'’", max_size=6)), max_size=12),
       st.sampled_from(["en", "fr"]))
def test_grouped_regex_finds_the_flat_lists_matches_in_generated_text(parts, lang):
    text = "".join(parts)
    assert _spans(LOADED[lang], text) == _spans(_flat(LISTS[lang]), text)
    assert _spans(LOADED[lang], text.upper()) == _spans(_flat(LISTS[lang]), text.upper())


def test_no_character_matches_two_groups_letters():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    firsts = sorted({p[0] for patterns in LISTS.values() for p in patterns})
    matched = {f: set(re.findall(re.escape(f), every, re.IGNORECASE)) for f in firsts}
    for a in firsts:
        for b in firsts:
            assert a == b or not matched[a] & matched[b], (a, b)


def test_patterns_grouping_would_change_keep_the_flat_alternation():
    assert compile_words(["ab|cd", "ax"]).pattern == _flat(["ab|cd", "ax"]).pattern
    assert compile_words([r"\bx", "ay"]).pattern == _flat([r"\bx", "ay"]).pattern
    assert compile_words(["s?x", "ay"]).pattern == _flat(["s?x", "ay"]).pattern
    assert compile_words(["a(b|c)", "a[|]", "ad"]).pattern.startswith(r"(?<![\w-])(?:a(?:(b|c)|[|]|d))")
    assert lexicon._no_top_bar(r"x\|y") and not lexicon._no_top_bar("x|y")
