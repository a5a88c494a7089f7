"""The default tier's probe: a linear score per sentence, sentences weighed by a learned attention.

A review's probe logit is Σ_j α_j (w·m_j) + b, with m_j the mean of sentence
j's token states after the probed layers and α_j ∝ n_j·exp(q·m_j) (n_j its
tokens). q = 0 gives the mean-pooled linear probe, which is where the fit
starts: w and b from scikit-learn's logistic regression on the pooled
states, then w, q and b together by L-BFGS on the weighted log-loss plus
‖w‖²/2C + ‖q‖²/2C_q. Both w and q are linear in the token states, so
inference runs them as two probe outputs per token (`e5/probe.py`).

Measured on the development folds (`benchmarks/attention_probe.py`): the
attention lets a review's verdict outweigh its plot summary; it gains on
native reviews, where the summary is long, and nothing on one-line texts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from critica.encoder.pooled import SentenceStates
from critica.encoder.probe import ATTENTION_CLIP

MAX_ITERATIONS = 500


@dataclass
class Probe:
    """Probe weights over the states after the probed layers (layers·hidden each)."""

    w: np.ndarray
    b: float
    q: np.ndarray | None = None  # None: the mean-pooled probe

    def logits(self, states: SentenceStates) -> np.ndarray:
        """Every text's probe logit (the bias alone for a text without tokens)."""
        return _forward(self.w, self.q, self.b, states, np.ones(len(states.tokens)))[-1]


def _forward(
    w: np.ndarray, q: np.ndarray | None, b: float, states: SentenceStates, rows: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per-sentence scores and weights, per-text weight totals and logits (sentences outside `rows` weigh 0)."""
    both = np.column_stack([w, np.zeros_like(w) if q is None else q]).astype(np.float32)
    products = (states.means @ both).astype(np.float64)  # float32 product: the states are 0.2–1 GB
    score, attention = products[:, 0], np.clip(products[:, 1], -ATTENTION_CLIP, ATTENTION_CLIP)
    weight = states.tokens * np.exp(attention) * rows
    total = states.per_text(weight)
    z = states.per_text(weight * score) / np.maximum(total, 1e-300) + b
    return score, weight, total, z


def fit_mean_probe(pooled: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float, seed: int) -> Probe:
    """The mean-pooled logistic probe (what the attention fit starts from)."""
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(pooled, y, sample_weight=weights)
    return Probe(model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def attention_loss(
    theta: np.ndarray, states: SentenceStates, y: np.ndarray, weights: np.ndarray, c: float, attention_c: float
) -> tuple[float, np.ndarray]:
    """The penalised weighted log-loss of θ = (w, q, b) and its gradient (what L-BFGS minimises)."""
    d, text_of = (len(theta) - 1) // 2, states.text
    w, q, b = theta[:d], theta[d : 2 * d], theta[-1]
    score, weight, total, z = _forward(w, q, b, states, (weights > 0)[text_of].astype(np.float64))
    g = weights * (1.0 / (1.0 + np.exp(-z)) - y)  # ∂loss/∂z per text
    on_w = g[text_of] * weight / np.maximum(total, 1e-300)[text_of]  # ∂z/∂(w·m_j) = α_j
    on_q = on_w * (score - (z - b)[text_of])  # ∂z/∂(q·m_j) = α_j (s_j − z̄)
    grad = (states.means.T @ np.column_stack([on_w, on_q]).astype(np.float32)).astype(np.float64)
    value = np.sum(weights * (np.logaddexp(0.0, z) - y * z)) + w @ w / (2 * c) + q @ q / (2 * attention_c)
    return float(value), np.r_[grad[:, 0] + w / c, grad[:, 1] + q / attention_c, g.sum()]


def fit_attention_probe(
    states: SentenceStates, y: np.ndarray, weights: np.ndarray, start: Probe, c: float, attention_c: float
) -> Probe:
    """w, q and b on the texts with a positive weight, by L-BFGS from `start` (q = 0 there).

    `y`: 1/0 per text; `weights`: each text's weight in the loss (0 leaves it out).
    """
    d = len(start.w)
    theta = np.r_[start.w, np.zeros(d) if start.q is None else start.q, start.b]
    found = minimize(
        attention_loss,
        theta,
        args=(states, y, weights, c, attention_c),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITERATIONS},
    ).x
    return Probe(found[:d], float(found[-1]), found[d : 2 * d])
