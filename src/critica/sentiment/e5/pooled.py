"""Frozen-encoder review features for training: per-layer means over sentence tokens, cached.

Training the default tier needs, for every labelled review, the mean of a
frozen layer's states over the review's sentence tokens (what the linear
probe reads, and what inference computes anyway). One forward pass over a
corpus is the expensive part of `make model`, so the result is stored under
a cache folder, keyed by the exact piece ids and the layers asked for, and
written in chunks: an interrupted pass resumes at the last chunk.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from critica.sentiment.e5.forward import E5Encoder
from critica.sentiment.e5.inputs import EncoderInput, encoder_input

CHUNK = 200  # reviews per checkpoint


def pooled_states(encoder: E5Encoder, inp: EncoderInput, depths: Sequence[int]) -> np.ndarray:
    """(len(depths), hidden): the mean over sentence tokens of the states after each depth (1-based)."""

    def states_after(ids: np.ndarray) -> list[np.ndarray]:
        x, found = encoder.embed_ids(ids), {}
        for depth in range(1, max(depths) + 1):
            x = encoder.apply_layers(x, [encoder.layers[depth - 1]])
            if depth in depths:
                found[depth] = x
        return [found[d] for d in depths]

    return sentence_token_means(inp, states_after, len(depths), encoder.config.hidden)


def sentence_token_means(
    inp: EncoderInput, states_after: Callable[[np.ndarray], Sequence[np.ndarray]], layers: int, hidden: int
) -> np.ndarray:
    """(layers, hidden): means over the review's sentence tokens, whichever runtime gives a window's states.

    `states_after(ids)` returns one positions × hidden array per layer for one window.
    """
    out = np.zeros((layers, hidden), dtype=np.float64)
    count = 0
    for ids, owner in zip(inp.windows, inp.owners, strict=True):
        inside = owner >= 0
        for j, states in enumerate(states_after(ids)):
            out[j] += states[inside].sum(axis=0)
        count += int(inside.sum())
    return (out / max(count, 1)).astype(np.float32)


def _key(inputs: list[EncoderInput], depths: Sequence[int]) -> str:
    h = hashlib.sha256(repr(tuple(depths)).encode())
    for inp in inputs:
        for window in inp.windows:
            h.update(window.tobytes())
        h.update(b"|")
    return h.hexdigest()[:16]


def corpus_features(
    sentences: list[list[str]],
    depths: Sequence[int],
    cache: Path,
    log: Callable[[str], None] = print,
    encoder: E5Encoder | None = None,
) -> np.ndarray:
    """(reviews, len(depths), hidden) pooled states for a corpus, computed once and cached in chunks."""
    encoder = encoder or E5Encoder(layers=max(depths))
    inputs = [encoder_input(encoder.tokenizer, s) for s in sentences]
    folder = cache / f"pooled-{_key(inputs, depths)}"
    final = folder / "all.npy"
    if final.exists():
        return np.load(final)
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for start in range(0, len(inputs), CHUNK):
        part = folder / f"chunk-{start:06d}.npy"
        if not part.exists():
            rows = np.stack([pooled_states(encoder, inp, list(depths)) for inp in inputs[start : start + CHUNK]])
            _save_atomic(part, rows)
            log(f"pooled encoder states: {min(start + CHUNK, len(inputs))}/{len(inputs)} reviews")
        parts.append(np.load(part))
    features = np.concatenate(parts) if parts else np.zeros((0, len(depths), encoder.config.hidden), np.float32)
    _save_atomic(final, features)
    return features


def _save_atomic(path: Path, array: np.ndarray) -> None:
    # A process-unique temporary name: two passes over the same corpus may run at once.
    tmp = path.with_name(f".{path.stem}-{os.getpid()}.npy")
    np.save(tmp, array)
    tmp.replace(path)
