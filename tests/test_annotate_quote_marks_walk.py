"""quote_marks jumps from mark to mark (a regex) where it walked every character: same pairs.

The reference below is the per-character walk it replaced (annotate/rules/quotes.py before the
speed-up); every character other than a quotation mark, an apostrophe or a line end was a no-op
step of that walk, so skipping them changes nothing. Hypothesis checks it on mark-heavy text.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.rules.quotes import PAIRS, _opens, _quote_marks


def _walk_every_character(text: str) -> tuple[tuple[int, int], ...]:
    out, stack, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if stack and ch == PAIRS.get(stack[-1][0]) and not (ch == "“" and stack[-1][0] != "„"):
            _, start = stack.pop()
            if not stack:
                out.append((start, i + 1))
        elif ch in PAIRS:
            stack.append((ch, i))
        elif ch == '"' or text.startswith("''", i):
            width = 1 if ch == '"' else 2
            if stack and stack[-1][0] == '"':
                _, start = stack.pop()
                if not stack:
                    out.append((start, i + width))
            elif _opens(text, i):
                stack.append(('"', i))
            i += width - 1
        elif ch == "\n" and stack:
            out.append((stack[0][1], i))
            stack = []
        i += 1
    if stack:
        out.append((stack[0][1], len(text)))
    return tuple(out)


MARKS = "«»“”„‹›\"'\n "


@settings(max_examples=400)
@given(st.text(alphabet=MARKS + "ab.", max_size=40))
def test_jumping_between_marks_finds_the_pairs_of_the_character_walk(text):
    _quote_marks.cache_clear()
    assert _quote_marks(text) == _walk_every_character(text)


def test_hand_written_quotes_keep_their_pairs():
    for text in ["« Il a dit : “non” » puis ''oui'' et \"peut-être\"", "l'homme d''ici \"A\nB", "„x“ ‹y› «z"]:
        assert _quote_marks(text) == _walk_every_character(text)
