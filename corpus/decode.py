"""Bytes to text for ingest: BOMs, UTF-8, legacy single-byte encodings, binary refusal.

The decoded string is what presslens stores and what every offset points into, so decoding never
normalises anything: only a leading byte-order mark is dropped.
"""
from __future__ import annotations

import codecs
import re

from corpus.errors import Invalid

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# charset-normalizer guesses UTF-16/32 for short BOM-less Latin-1 text; those need a BOM here.
_NEEDS_BOM = ("utf_16", "utf_32", "utf-16", "utf-32")
_CONTROL_RATIO = 0.05
# For short text charset-normalizer often ranks a cousin of cp1252 first (cp775, cp1257, cp1250
# turn "é" into "ķ"); presslens's languages are Western European, so a Western codepage wins
# whenever it decodes with about as little "chaos" as the best guess.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_CHAOS_MARGIN = 0.1
_MIN_COHERENCE = 0.2  # below this charset-normalizer has no language evidence for its guess


class DecodeError(Invalid):
    """The bytes are not text presslens can store (binary, undecodable or empty)."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for `data`; raise DecodeError for binary or empty input."""
    text, encoding = _decode_bytes(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DecodeError("empty file (no text)")
    if _looks_binary(text):
        raise DecodeError("binary content (control characters), not text")
    return text, encoding


def _decode_bytes(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark: {exc.reason}") from None
    if not data:
        raise DecodeError("empty file (0 bytes)")
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _refuse_damaged_utf8(data, exc)
        return _decode_legacy(data)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _refuse_damaged_utf8(data: bytes, exc: UnicodeDecodeError) -> None:
    """UTF-8 cut mid-character or with a few bad bytes is refused, not re-read as another script.

    A guess on such bytes turns every accent of the file into mojibake (seen: cp932, EBCDIC), and
    offsets would then point into the wrong text. Legacy files (cp1252 "é" = one byte) contain no
    valid multi-byte sequences, so they still reach the legacy decoder.
    """
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    good = len(_UTF8_MULTIBYTE.findall(data))
    if good == 0 or good < bad:
        return  # no evidence of UTF-8 (e.g. a cp1252 file ending in "é"): let the legacy decoder try
    line = data.count(b"\n", 0, exc.start) + 1
    if exc.reason == "unexpected end of data" and exc.end == len(data):
        raise DecodeError(f"truncated UTF-8: the file ends in the middle of a character (line {line})")
    raise DecodeError(f"invalid UTF-8 at line {line} (byte {exc.start}): damaged file or mixed encodings")


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Guess a legacy encoding with charset-normalizer (Western first), else cp1252, else latin-1."""
    import charset_normalizer

    matches = [m for m in charset_normalizer.from_bytes(data) if not m.encoding.lower().startswith(_NEEDS_BOM)]
    if matches:
        best = min(matches, key=lambda m: (m.chaos, -m.coherence))
        western = [m for m in matches if m.encoding in _WESTERN and m.chaos <= best.chaos + _CHAOS_MARGIN]
        if western:
            return str(western[0]), western[0].encoding
        if best.coherence >= _MIN_COHERENCE:
            return str(best), best.encoding
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DecodeError("undecodable bytes")  # unreachable: latin-1 decodes anything


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    return "\x00" in sample or controls > _CONTROL_RATIO * len(sample)
