"""Frozen-encoder review features for training: per-sentence means of frozen layers' states, cached.

Training the default tier needs, for every sentence of every labelled review,
the mean of each probed layer's states over the sentence's tokens: the
review's mean-pooled states (what a plain linear probe reads) are their
token-weighted mean, and the sentence-attention probe weighs them itself.
One forward pass over a corpus is the expensive part of `make model`, so it
runs on onnxruntime (float32, the same layers as inference, `onnx_graph`),
and the result is stored under a cache folder, keyed by the exact piece ids
and the layers asked for, and written in chunks: an interrupted pass resumes
at the last chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from critica.cache import checkpointed_chunks
from critica.encoder.forward import E5Encoder
from critica.encoder.inputs import EncoderInput, encoder_input

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


@dataclass
class SentenceStates:
    """Per-sentence mean states of a set of texts, in text order (a text's sentences contiguous).

    `means`: sentences × layers·hidden; `tokens`: pieces per sentence (0: the sentence has
    none, its means are 0); `text`: the index of each sentence's text.
    """

    means: np.ndarray
    tokens: np.ndarray
    text: np.ndarray
    texts: int

    @cached_property
    def _summing(self) -> Any:
        """Texts × sentences, 1 where the sentence belongs to the text (built once: L-BFGS sums twice a step)."""
        from scipy.sparse import csr_matrix

        ones = np.ones(len(self.text))
        return csr_matrix((ones, (self.text, np.arange(len(self.text)))), shape=(self.texts, len(self.text)))

    def per_text(self, x: np.ndarray) -> np.ndarray:
        """Sums of `x` (one row per sentence) over each text's sentences."""
        return np.asarray(self._summing @ np.asarray(x, dtype=np.float64))

    def pooled(self) -> np.ndarray:
        """Texts × layers·hidden: the means over each text's sentence tokens (0 for a text without any)."""
        total = self.per_text(self.tokens)
        return (self.per_text(self.means * self.tokens[:, None]) / np.maximum(total, 1.0)[:, None]).astype(np.float32)

    def subset(self, pick: np.ndarray) -> SentenceStates:
        """The sentences of the texts `pick` (indices), renumbered in that order."""
        new_index = np.full(self.texts, -1)
        new_index[pick] = np.arange(len(pick))
        kept = np.flatnonzero(new_index[self.text] >= 0)
        order = kept[np.argsort(new_index[self.text[kept]], kind="stable")]
        return SentenceStates(self.means[order], self.tokens[order], new_index[self.text[order]], len(pick))


def _key(inputs: list[EncoderInput], depths: Sequence[int]) -> str:
    h = hashlib.sha256(b"sentences:" + repr(tuple(depths)).encode())
    for inp in inputs:
        for window in inp.windows:
            h.update(window.tobytes())
        h.update(b"|")
    return h.hexdigest()[:16]


class StatesRunner:
    """The states after `depths` of one window, from a float32 onnxruntime graph of the layers."""

    def __init__(self, encoder: E5Encoder, depths: Sequence[int]):
        import onnxruntime as ort

        from critica.encoder.onnx_graph import build_states_graph
        from critica.encoder.runtime import threads

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads()
        options.enable_cpu_mem_arena = False
        graph = build_states_graph(encoder, tuple(depths))
        self.session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.names = [o.name for o in self.session.get_outputs()]
        self.encoder = encoder

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        """Positions × layers·hidden."""
        states = self.encoder.embed_ids(ids)[None].astype(np.float32)
        after = self.session.run(self.names, {"states": states, "mask": np.ones(states.shape[:2], np.float32)})
        return np.concatenate([a[0] for a in after], axis=1)


def sentence_means(inp: EncoderInput, states_after: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, ...]:
    """(sentences × width means, sentences tokens) of one review; `states_after(ids)`: positions × width."""
    sums, tokens = None, np.zeros(inp.n_sentences)
    for ids, owner in zip(inp.windows, inp.owners, strict=True):
        states, inside = states_after(ids), owner >= 0
        sums = np.zeros((inp.n_sentences, states.shape[1])) if sums is None else sums
        np.add.at(sums, owner[inside], states[inside])
        np.add.at(tokens, owner[inside], 1.0)
    return (sums / np.maximum(tokens, 1.0)[:, None]).astype(np.float32), tokens


def corpus_states(
    sentences: list[list[str]],
    depths: Sequence[int],
    cache: Path,
    log: Callable[[str], None] = print,
    encoder: E5Encoder | None = None,
) -> SentenceStates:
    """Per-sentence mean states after `depths` for a corpus, computed once and cached in chunks."""
    encoder = encoder or E5Encoder(layers=max(depths))
    inputs = [encoder_input(encoder.tokenizer, s) for s in sentences]
    runner = None

    def build(start: int, end: int) -> dict[str, np.ndarray]:
        nonlocal runner
        runner = runner or StatesRunner(encoder, depths)  # built only when a chunk is missing
        rows = [sentence_means(inp, runner) for inp in inputs[start:end]]
        text = np.concatenate([np.full(len(t), i, dtype=np.int64) for i, (_, t) in enumerate(rows, start)])
        means, tokens = np.concatenate([m for m, _ in rows]), np.concatenate([t for _, t in rows])
        return {"means": means, "tokens": tokens, "text": text}

    folder = cache / f"sentences-{_key(inputs, depths)}"
    chunks = checkpointed_chunks(folder, len(inputs), CHUNK, build, lambda done: log(f"encoder states: {done} reviews"))
    parts = [(c["means"], c["tokens"], c["text"]) for c in chunks]
    width = len(depths) * encoder.config.hidden
    if not parts:
        return SentenceStates(np.zeros((0, width), np.float32), np.zeros(0), np.zeros(0, np.int64), 0)
    means, tokens, text = (np.concatenate(column) for column in zip(*parts, strict=True))
    return SentenceStates(means, tokens, text, len(inputs))
