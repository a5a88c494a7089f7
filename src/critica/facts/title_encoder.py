"""The title tagger's second reader: the default tier's encoder states around each candidate.

The hashed tagger (`title_spans`) sees words, shapes and spaCy's labels; it cannot tell
"American Pie es una comedia" (a film) from "Jason Biggs es un actor" (a person) when both are
unknown capitalised words. The encoder's states after layers 6 and 9 — the polarity probe's
depths — carry that context. A candidate's features are the mean state of its pieces and the
states of the piece just before and just after it; a logistic regression over them and the
hashed tagger's logit (out of fold, so the stack does not trust it more than it deserves)
gives the title's probability (`title_train.train_encoder_reader`).

That model is linear in the states, so it is three more output columns of the polarity
encoder: `columns[..., 0]` summed over a candidate's pieces and divided by their number, plus
`columns[..., 1]` at the piece before and `columns[..., 2]` at the piece after, is the
states' part of its logit. The default tier's encoder pass gives every piece its three numbers
(`critica.text.EncodedPieces`), so titles cost no second pass; the fast tier, or a review the
sentiment stage did not read, keeps the hashed tagger alone with its own threshold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FILE = "encoder.npz"
COLUMNS = 3  # inside, before, after


def piece_ranges(
    starts: np.ndarray, ends: np.ndarray, spans: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """For each (start, end) span, the first and one-past-last piece whose word overlaps it.

    Pieces are in text order, so a span's pieces are contiguous; no piece: first == last.
    """
    a = np.array([s for s, _ in spans], dtype=np.int64)
    b = np.array([e for _, e in spans], dtype=np.int64)
    first = np.searchsorted(ends, a, side="right")
    last = np.searchsorted(starts, b, side="left")
    return first, np.maximum(last, first)


def _around(
    starts: np.ndarray, ends: np.ndarray, values: np.ndarray, spans: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per span: the mean of its pieces' rows of `values`, the row before it and the row after (0 if none)."""
    first, last = piece_ranges(starts, ends, spans)
    n, width = values.shape
    total = np.vstack([np.zeros((1, width), np.float64), np.cumsum(values, axis=0, dtype=np.float64)])
    inside = (total[last] - total[first]) / np.maximum(last - first, 1)[:, None]
    if not n:
        return inside, np.zeros_like(inside), np.zeros_like(inside)
    before = np.where((first > 0)[:, None], values[np.maximum(first - 1, 0)], 0.0)
    after = np.where((last < n)[:, None], values[np.minimum(last, n - 1)], 0.0)
    return inside, before, after


def candidate_states(
    starts: np.ndarray, ends: np.ndarray, states: np.ndarray, spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Spans × 3·width: the mean state of each span's pieces, the state before it and the one after (0 if none)."""
    return np.hstack(_around(starts, ends, states, spans)).astype(np.float32)


@dataclass
class EncoderReader:
    """The states' part of the title logit, as three encoder output columns, and the stack's weights."""

    depths: tuple[int, ...]
    columns: np.ndarray  # depths × hidden × 3
    hashed: float  # weight of the hashed tagger's logit
    bias: float
    threshold: float

    @classmethod
    def load(cls, folder: Path) -> EncoderReader | None:
        """The reader shipped in `folder`, or None when the tagger was trained without one."""
        path = folder / FILE
        if not path.exists():
            return None
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8")).get("encoder", {})
        with np.load(path, allow_pickle=False) as data:
            return cls(
                tuple(int(d) for d in data["depths"]),
                data["columns"].astype(np.float32),
                float(data["hashed"]),
                float(data["bias"]),
                float(meta.get("threshold", 0.5)),
            )

    def save(self, folder: Path) -> None:
        """Write `encoder.npz` (the threshold goes into model.json, by the trainer)."""
        np.savez_compressed(
            folder / FILE,
            depths=np.array(self.depths, dtype=np.int64),
            columns=self.columns.astype(np.float32),
            hashed=np.float64(self.hashed),
            bias=np.float64(self.bias),
        )

    def logits(self, spans: Sequence[tuple[int, int]], hashed_logits: np.ndarray, pieces: Any) -> np.ndarray:
        """Each span's stacked logit, from its pieces' columns (`EncodedPieces`) and its hashed logit."""
        cols = np.asarray(pieces.columns, dtype=np.float64).reshape(-1, COLUMNS)
        inside, before, after = _around(np.asarray(pieces.starts), np.asarray(pieces.ends), cols, spans)
        states_part = inside[:, 0] + before[:, 1] + after[:, 2]  # each column read where it was trained
        return self.hashed * np.asarray(hashed_logits, dtype=np.float64) + states_part + self.bias

    def reads(self, pieces: Any) -> bool:
        """Whether `pieces` carry this reader's columns (the default tier's encoder was given them)."""
        return pieces is not None and np.ndim(pieces.columns) == 2 and np.shape(pieces.columns)[1] == COLUMNS
