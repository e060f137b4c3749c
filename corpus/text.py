"""Text conventions every layer shares: which marks open and close a quotation, and how a span
is trimmed of surrounding whitespace. Kept in corpus, the lowest layer that needs them, so the
sentence splitter, the alignment kinds and the quotation rules read one definition.
"""
from __future__ import annotations

# Opening mark -> its closing mark: French guillemets, English curly quotes, German/Polish
# low-high quotes („…“, whose closer is the English opener), single guillemets.
QUOTE_PAIRS: dict[str, str] = {"«": "»", "“": "”", "„": "“", "‹": "›"}
# Every quotation mark, straight double quote included (it opens and closes alike).
QUOTE_MARKS: str = "«»“”„‹›\""
# Brackets mark an editor's insertion or aside; the sentence splitter protects them like quotes.
BRACKET_PAIRS: dict[str, str] = {"(": ")", "[": "]"}


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) moved inward past whitespace at both ends (offsets stay into `text`)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
