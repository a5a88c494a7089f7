"""Cross-fitted fine-tuning: out-of-fold encoder scores for every review, then a final fit on all.

Two scores come out of the encoder: the fine-tuned upper layers' head, and a
logistic probe on the frozen lower layers' states (free at inference: those
states are computed anyway). Both are means of per-token scores.

Expensive steps are checkpointed under a cache folder, keyed by everything
that determines their result (inputs, labels, folds, settings), so an
interrupted `make model` resumes where it stopped and a rerun with the same
data reuses the work:

- the frozen layers' outputs for every review (one NumPy forward pass);
- each fold's tuned weights, and the final weights trained on all reviews.

Out-of-fold scores are computed the way the shipped model computes them:
NumPy, float16 weights, the same windows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from critica.sentiment.e5.finetune import FineTuneConfig, fine_tune
from critica.sentiment.e5.forward import E5Encoder
from critica.sentiment.e5.inputs import EncoderInput, encoder_input
from critica.sentiment.e5.tuned import TunedEncoder, frozen_base, frozen_states

PROBE_CS = (0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass
class EncoderFit:
    """What cross-fitting produced."""

    oof_raw: np.ndarray  # held-out head output per review
    oof_probe: np.ndarray  # held-out frozen-probe output per review
    arrays: dict[str, np.ndarray]  # final tuned layers + head + probe (float16), trained on every review
    frozen_layers: int
    probe_c: float


def frozen_features(states: list[list[np.ndarray]], inputs: list[EncoderInput]) -> np.ndarray:
    """Each review's frozen-layer states averaged over its sentence tokens (what the probe reads)."""
    out = np.zeros((len(inputs), states[0][0].shape[1]), dtype=np.float32)
    for i, (windows, inp) in enumerate(zip(states, inputs, strict=True)):
        total, count = np.zeros(out.shape[1]), 0
        for x, owner in zip(windows, inp.owners, strict=True):
            inside = owner >= 0
            total += x[inside].sum(axis=0)
            count += int(inside.sum())
        out[i] = total / max(count, 1)
    return out


@dataclass
class Transfer:
    """Extra labelled reviews for the probe only (e.g. English IMDb reviews), at a lower weight."""

    features: np.ndarray
    y: np.ndarray
    weight: float = 0.5


def fit_probe(
    features: np.ndarray, y: np.ndarray, seed: int, transfer: Transfer | None = None
) -> tuple[np.ndarray, float, float]:
    """Logistic probe on frozen features, C by inner 5-fold log-loss: (weights, bias, C).

    Transfer rows always train, in every inner fold too; only labelled rows are scored.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    extra_x = transfer.features if transfer else np.zeros((0, features.shape[1]), np.float32)
    extra_y = transfer.y if transfer else np.zeros(0, dtype=int)
    extra_w = np.full(len(extra_y), transfer.weight if transfer else 0.0)

    def fit(c: float, rows: np.ndarray) -> LogisticRegression:
        x, target = np.vstack([features[rows], extra_x]), np.concatenate([y[rows], extra_y])
        weights = np.concatenate([np.ones(len(rows)), extra_w])
        return LogisticRegression(C=c, max_iter=3000).fit(x, target, sample_weight=weights)

    inner = list(StratifiedKFold(5, shuffle=True, random_state=seed + 1).split(features, y))

    def loss(c: float) -> float:
        total = 0.0
        for tr, te in inner:
            p = np.clip(fit(c, tr).predict_proba(features[te])[:, 1], 1e-7, 1 - 1e-7)
            total -= float(np.sum(y[te] * np.log(p) + (1 - y[te]) * np.log(1 - p)))
        return total

    best = min(PROBE_CS, key=loss)
    model = fit(best, np.arange(len(y)))
    return model.coef_[0], float(model.intercept_[0]), best


def half(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The float16 weights that ship (what every reported figure is measured with)."""
    return {k: np.asarray(v, dtype=np.float16) for k, v in arrays.items()}


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()[:16]


def _frozen_states(
    base: E5Encoder, inputs: list[EncoderInput], cache: Path, log: Callable[[str], None]
) -> list[list[np.ndarray]]:
    ids = np.concatenate([w for inp in inputs for w in inp.windows])
    path = cache / f"frozen-{len(base.layers)}-{_digest(ids.tobytes())}.npy"
    sizes = [len(w) for inp in inputs for w in inp.windows]
    if path.exists():
        flat = np.load(path, mmap_mode="r")
    else:
        log(f"frozen layers: one forward pass over {len(inputs)} reviews ({len(ids)} positions)")
        flat = np.concatenate([s for inp in inputs for s in frozen_states(base, inp)])
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path.with_suffix(".tmp.npy"), flat)
        path.with_suffix(".tmp.npy").replace(path)
    out, offset, k = [], 0, 0
    for inp in inputs:
        windows = []
        for _ in inp.windows:
            windows.append(np.asarray(flat[offset : offset + sizes[k]], dtype=np.float32))
            offset += sizes[k]
            k += 1
        out.append(windows)
    return out


def _load_or_fit(path: Path, fit: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if path.exists():
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    arrays = half(fit())
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path.with_suffix(".tmp.npz"), **arrays)
    path.with_suffix(".tmp.npz").replace(path)
    return arrays


def cross_fit(
    sentences: list[list[str]],
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    config: FineTuneConfig,
    cache: Path,
    log: Callable[[str], None] = print,
    transfer: tuple[list[list[str]], np.ndarray] | None = None,
    transfer_weight: float = 0.5,
) -> EncoderFit:
    """Fine-tune once per fold (scoring its held-out reviews) and once on everything.

    `transfer` (sentences, labels) only trains the frozen probe, never the tuned layers.
    """
    frozen = 12 - config.tuned_layers
    base = frozen_base(frozen)
    start = [base.layer(i) for i in range(frozen, base.config.layers)]
    inputs = [encoder_input(base.tokenizer, s) for s in sentences]
    states = _frozen_states(base, inputs, cache, log)
    run = cache / _digest(
        json.dumps(config.to_dict(), sort_keys=True),
        np.concatenate([w for inp in inputs for w in inp.windows]).tobytes(),
        np.asarray(y, dtype=np.int8).tobytes(),
    )

    def fit(index: np.ndarray) -> dict[str, np.ndarray]:
        return fine_tune(
            [states[i] for i in index], [inputs[i] for i in index], y[index],
            start, base.config.heads, base.config.eps, config, log,
        )  # fmt: skip

    features = frozen_features(states, inputs)
    extra = None
    if transfer is not None:
        transfer_inputs = [encoder_input(base.tokenizer, s) for s in transfer[0]]
        transfer_states = _frozen_states(base, transfer_inputs, cache, log)
        extra = Transfer(frozen_features(transfer_states, transfer_inputs), transfer[1], transfer_weight)
        del transfer_states
    oof_probe = np.zeros(len(y))
    for train_index, test_index in folds:
        w, b, _ = fit_probe(features[train_index], y[train_index], config.seed, extra)
        oof_probe[test_index] = features[test_index] @ half({"w": w})["w"].astype(np.float32) + b
    oof = np.zeros(len(y))
    for k, (train_index, test_index) in enumerate(folds):
        log(f"fold {k + 1}/{len(folds)}: fine-tuning on {len(train_index)} reviews")
        fold_key = _digest(np.asarray(test_index, dtype=np.int64).tobytes())
        tuned = TunedEncoder(_load_or_fit(run / f"fold-{fold_key}.npz", lambda i=train_index: fit(i)), frozen, base)
        for i in test_index:
            oof[i] = tuned.scores_from_states(states[i], inputs[i]).review_raw(tuned.bias)
        accuracy = float(np.mean((oof[test_index] > 0) == (y[test_index] == 1)))
        log(f"fold {k + 1}: held-out accuracy of the encoder alone {accuracy:.4f}")
    log(f"final: fine-tuning on all {len(y)} reviews")
    arrays = _load_or_fit(run / "all.npz", lambda: fit(np.arange(len(y))))
    w, b, c = fit_probe(features, y, config.seed, extra)
    arrays = {**arrays, **half({"probe_w": w, "probe_b": np.array([b])})}
    return EncoderFit(oof, oof_probe, arrays, frozen, c)
