"""Property tests: segmentation and cleaning keep offsets exact and lose no text, for any input."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from corpus import clean
from corpus.models import KINDS
from corpus.segment import line_spans, segment

FUZZ = settings(max_examples=120, deadline=None)

# Article-like pieces (quotes, brackets, cuts, boilerplate lines) mixed with hostile characters.
PIECES = st.sampled_from([
    "Le ministre a déclaré", " ", ". ", "! ", "? ", "… ", "« ", " »", "“", "”", '"', "(…)", "[donc avant l’ère Macron !]",
    "\n", "\n\n", "\r\n", "\r", "\u2028", "\u0085", "\x0b", "\x0c", "\t", "\x00", "\x07", "\u00a0", "\u202f",
    "×", "Facebook Twitter", "Lire aussi : ", "Crédit photo : AFP", "Par Jean Dupont", "12 mars 2024",
    "https://example.org/a", "---", "M. Dupont", "Dr. No", "e\u0301", "🇫🇷", "𝔘", "\u200b", "\ufeff", "<b>x</b>",
    "1.5", "U.S.A.", "aujourd'hui", "— a-t-il dit.", "a" * 300,
])
TEXTS = st.one_of(st.text(max_size=400), st.lists(PIECES, max_size=80).map("".join))


def _assert_passages_exact(text: str) -> None:
    passages = segment(text)
    last_end = 0
    covered = set()
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert p.text and p.text.strip() == p.text, repr(p)
        assert p.start >= last_end, "passages overlap or are out of order"
        assert p.kind in KINDS and isinstance(p.content, bool)
        last_end = p.end
        covered.update(range(p.start, p.end))
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered]
    assert not lost, f"characters outside every passage: {[text[i] for i in lost[:10]]}"


@FUZZ
@given(TEXTS)
def test_segment_passages_are_exact_ordered_and_cover_all_text(text):
    _assert_passages_exact(text)


@settings(max_examples=15, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=20), st.integers(min_value=200, max_value=2000))
def test_segment_handles_giant_lines_and_texts(pieces, repeat):
    # Hypothesis caps generated sizes, so a giant input is built by repeating a random one.
    _assert_passages_exact("".join(pieces) * repeat)


def test_segment_of_one_giant_line_without_punctuation_keeps_it_whole():
    text = "mot " * 50_000
    passages = segment(text)
    assert "".join(p.text for p in passages).replace(" ", "") == text.replace(" ", "")
    _assert_passages_exact(text)


@FUZZ
@given(TEXTS)
def test_line_spans_are_stripped_exact_slices(text):
    for start, end in line_spans(text):
        piece = text[start:end]
        assert piece and piece.strip() == piece


@FUZZ
@given(st.lists(st.one_of(PIECES, st.text(max_size=80)).filter(lambda s: s.strip()), max_size=30))
def test_classify_lines_gives_one_known_kind_per_line(lines):
    shapes = ["body"] * len(lines)
    result = clean.classify_lines(lines, shapes)
    assert len(result) == len(lines)
    for kind, content in result:
        assert kind in KINDS
        assert content == (kind in clean.CONTENT_KINDS)
