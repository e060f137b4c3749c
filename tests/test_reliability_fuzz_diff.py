"""Property tests: word diffs and byte decoding never crash and never lose or shift text."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from compare.diff import equal_chars, tokenize, word_diff
from corpus.decode import DecodeError, decode

FUZZ = settings(max_examples=120, deadline=None)

# Words, punctuation, typographic apostrophes, combining marks, CRLF, NUL/controls, astral chars.
PIECES = st.sampled_from([
    "le", "Macron", "l’ère", "l'ère", "aujourd’hui", "«", "»", "(…)", "[", "]", "-", "—", " ", "  ",
    "\n", "\r\n", "\t", "\x00", "\x1b", "é", "e\u0301", "🇫🇷", "𝔘", "\u200b", "\ufeff", ".", ",", "?",
])
TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=60).map("".join))


@FUZZ
@given(TEXTS)
def test_tokens_are_exact_slices_in_order(text):
    tokens = tokenize(text)
    last = 0
    for tok, start, end in tokens:
        assert text[start:end] == tok and tok.strip() == tok and start >= last
        last = end


def _covered(text: str, ops: list[dict], side: str) -> list[str]:
    """The tokens of `text` the ops cover on one side, in order (inserts cover none of a)."""
    skip = "insert" if side == "a" else "delete"
    out = []
    for op in ops:
        if op["op"] != skip:
            start, end = op[side]
            out.extend(t for t, _, _ in tokenize(text[start:end]))
    return out


@FUZZ
@given(TEXTS, TEXTS)
def test_diff_ops_are_exact_slices_and_cover_both_texts(a, b):
    ops = word_diff(a, b)
    for op in ops:
        assert op["op"] in ("equal", "insert", "delete", "replace")
        for side, text in (("a", a), ("b", b)):
            start, end = op[side]
            assert 0 <= start <= end <= len(text)
            assert op[f"{side}_text"] == text[start:end]
    # nothing of either text is dropped or duplicated by the diff
    assert _covered(a, ops, "a") == [t for t, _, _ in tokenize(a)]
    assert _covered(b, ops, "b") == [t for t, _, _ in tokenize(b)]
    assert 0 <= equal_chars(ops) <= len(a)


@FUZZ
@given(TEXTS)
def test_diff_of_a_text_with_itself_is_all_equal(text):
    assert all(op["op"] == "equal" for op in word_diff(text, text))


@FUZZ
@given(st.binary(max_size=400))
def test_decode_returns_text_or_a_decode_error_for_any_bytes(data):
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and text.strip() and encoding
    assert not text.startswith("\ufeff")


@FUZZ
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_decode_keeps_valid_utf8_exactly(text):
    """Valid UTF-8 is stored as is (only a BOM dropped): no newline or whitespace normalisation."""
    body = text[1:] if text.startswith("\ufeff") else text  # a leading BOM is the one thing dropped
    for data, expected in ((text.encode("utf-8"), body), (b"\xef\xbb\xbf" + text.encode("utf-8"), text)):
        try:
            decoded, encoding = decode(data)
        except DecodeError as exc:
            # only refused for a reason that is really in the input
            assert "\x00" in text or "control" in str(exc) or not expected.strip(), exc
            continue
        # (text that itself starts with U+FEFF after a BOM may lose that one too: either is fine)
        assert decoded == expected or decoded == body
        assert encoding.replace("_", "-").lower().startswith("utf-8")


@FUZZ
@given(st.text(min_size=1, max_size=200), st.integers(min_value=1, max_value=3))
def test_decode_of_truncated_utf8_never_raises_anything_but_decode_error(text, cut):
    data = text.encode("utf-8")[:-cut] or b"\xc3"
    try:
        decoded, _ = decode(data)
    except DecodeError:
        return
    assert isinstance(decoded, str)
