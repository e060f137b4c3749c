"""Code-point ↔ UTF-16 offset conversion.

presslens stores code-point offsets (Python `str` indices). JavaScript strings, and therefore
browser selections and some annotation tools (old Label Studio frontends), count UTF-16 code
units, where every character outside the BMP (most emoji) counts 2. Any offset crossing that
border goes through these two functions.
"""
from __future__ import annotations


def to_utf16(text: str, offset: int) -> int:
    """UTF-16 code-unit offset of code-point `offset` in `text`."""
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} outside text of {len(text)} code points")
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def from_utf16(text: str, offset: int) -> int:
    """Code-point offset of UTF-16 `offset`; ValueError if it splits a surrogate pair or overflows."""
    if offset < 0:
        raise ValueError(f"negative offset {offset}")
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside the character at {i}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} outside text of {units} code units")

