"""Smoothing the encoder's weight products before int8 quantisation (SmoothQuant-style).

Dynamic int8 quantisation gives each product's input one scale per tensor. The
activations of post-LayerNorm BERT layers have a few channels tens of times
larger than the rest, so that one scale leaves the ordinary channels only a few
levels. Dividing input channel j by s_j and multiplying the weight's column j
by s_j leaves the product unchanged in exact arithmetic and moves part of the
range into the weights, which are quantised per output channel:

    s_j = peak_j ** alpha / weight_peak_j ** (1 - alpha)

(Xiao et al., "SmoothQuant", 2023). `peak_j` is channel j's largest absolute
input, measured once on training reviews (`activation_peaks`) and shipped with
the model; `weight_peak_j` is the largest absolute weight of column j.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from critica.encoder.forward import E5Encoder, apply_layer

PRODUCTS = ("qkv", "out", "up", "down")  # the weight products of a layer, as forward.apply_layer names them
# Chosen on training reviews only, by how closely int8 review logits follow float32 ones
# (mean |Δ| over 160 training reviews: no smoothing 0.69; alpha 0.5 1.04, 0.7 0.18, 0.75 0.14,
# 0.8 0.16, 0.9 0.19, 1.0 0.40); see the MODEL_CARD.
ALPHA = 0.75


def product_name(depth: int, product: str) -> str:
    """The key of one layer's product, e.g. "l3.up" (layers counted from 1)."""
    return f"l{depth}.{product}"


def activation_peaks(encoder: E5Encoder, windows: Iterable[np.ndarray]) -> dict[str, np.ndarray]:
    """Per input channel, the largest absolute value each product of `encoder.layers` receives."""
    peaks: dict[str, np.ndarray] = {}
    cfg = encoder.config
    for ids in windows:
        x = encoder.embed_ids(ids)
        for depth, layer in enumerate(encoder.layers, start=1):

            def keep(product: str, inputs: np.ndarray, depth: int = depth) -> None:
                key = product_name(depth, product)
                seen = np.abs(inputs).max(axis=0).astype(np.float32)
                peaks[key] = seen if key not in peaks else np.maximum(peaks[key], seen)

            x = apply_layer(x, layer, cfg.heads, cfg.eps, observe=keep)
    return peaks


def smoothing_scales(peak: np.ndarray, weight: np.ndarray, alpha: float) -> np.ndarray:
    """s_j for one product: `peak` per input channel, `weight` in PyTorch's out × in layout."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be within [0, 1], got {alpha}")
    weight_peak = np.abs(weight).max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = np.power(peak, alpha) / np.power(weight_peak, 1.0 - alpha)
    # A channel never seen active (peak 0) or with no weight keeps its scale: nothing to move.
    return np.where(np.isfinite(scales) & (scales > 0), scales, 1.0).astype(np.float32)


def smoothing_of(encoder: E5Encoder, peaks: dict[str, np.ndarray], alpha: float = ALPHA) -> dict[str, np.ndarray]:
    """The scales of every product of `encoder.layers` that `peaks` measured (none: no smoothing)."""
    scales = {}
    for depth, layer in enumerate(encoder.layers, start=1):
        for product, weight in zip(PRODUCTS, (layer.qkv, layer.out, layer.up, layer.down), strict=True):
            peak = peaks.get(product_name(depth, product))
            if peak is not None:
                scales[product_name(depth, product)] = smoothing_scales(np.asarray(peak), weight, alpha)
    return scales
