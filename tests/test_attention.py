"""The sentence-attention probe (sentiment/attention.py) and the per-sentence states it reads."""

from __future__ import annotations

import numpy as np
import pytest

from critica.encoder.pooled import SentenceStates
from critica.sentiment.attention import Probe, attention_loss, fit_attention_probe, fit_mean_probe


def _states(rng: np.random.Generator, texts: int, width: int = 6) -> tuple[SentenceStates, np.ndarray]:
    """Texts of 1–5 sentences; the label is carried by one 'verdict' sentence, the others are noise.

    The verdict sentence is marked by a large first coordinate and carries the sign in the second.
    """
    means, tokens, text, y = [], [], [], []
    for i in range(texts):
        label = int(rng.integers(2))
        n = int(rng.integers(1, 6))
        rows = rng.normal(size=(n, width))
        rows[:, 0] = -1.0
        verdict = int(rng.integers(n))
        rows[verdict, 0] = 2.0
        rows[verdict, 1] = 1.5 if label else -1.5
        rows[np.arange(n) != verdict, 1] += rng.normal(0, 2.0, size=n - 1)  # plot summary noise
        means.append(rows)
        tokens.append(rng.integers(5, 40, size=n).astype(float))
        y.append(label)
        text.append(np.full(n, i))
    states = SentenceStates(
        np.concatenate(means).astype(np.float32), np.concatenate(tokens), np.concatenate(text), texts
    )
    return states, np.array(y, dtype=float)


def test_pooled_states_are_the_token_weighted_sentence_means() -> None:
    states = SentenceStates(
        np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 5.0]], np.float32), np.array([1.0, 3.0, 0.0]), np.array([0, 0, 2]), 3
    )
    np.testing.assert_allclose(states.pooled(), [[2.5, 1.5], [0.0, 0.0], [0.0, 0.0]])  # 1 and 2: no tokens
    picked = states.subset(np.array([2, 0]))
    assert picked.texts == 2 and picked.text.tolist() == [0, 1, 1]
    np.testing.assert_allclose(picked.pooled(), [[0.0, 0.0], [2.5, 1.5]])


def test_the_gradient_is_the_loss_derivative() -> None:
    rng = np.random.default_rng(3)
    states, y = _states(rng, 30, width=4)
    weights = rng.uniform(0.0, 1.0, size=30)
    weights[:5] = 0.0  # texts left out of this fold
    theta = rng.normal(0.0, 0.5, size=2 * 4 + 1)
    _, grad = attention_loss(theta, states, y, weights, 2.0, 0.5)
    step = 1e-4
    for i in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[i] += step
        down[i] -= step
        numeric = (
            attention_loss(up, states, y, weights, 2.0, 0.5)[0] - attention_loss(down, states, y, weights, 2.0, 0.5)[0]
        ) / (2 * step)
        assert grad[i] == pytest.approx(numeric, rel=2e-3, abs=2e-3), i


def test_attention_finds_the_verdict_sentence_the_mean_dilutes() -> None:
    rng = np.random.default_rng(5)
    train, y = _states(rng, 400)
    test, y_test = _states(rng, 400)
    weights = np.ones(len(y))
    mean = fit_mean_probe(train.pooled(), y, weights, 1.0, 0)
    attended = fit_attention_probe(train, y, weights, mean, 1.0, 1.0)
    accuracy = {
        name: float(np.mean((p.logits(test) > 0) == (y_test == 1)))
        for name, p in (("mean", mean), ("attention", attended))
    }
    assert accuracy["attention"] >= accuracy["mean"] + 0.05, accuracy
    assert attended.q is not None and attended.q[0] > 0  # it learned to look at the marked sentences


def test_without_attention_the_probe_is_the_mean_pooled_one() -> None:
    rng = np.random.default_rng(7)
    states, y = _states(rng, 50)
    mean = fit_mean_probe(states.pooled(), y, np.ones(50), 1.0, 0)
    np.testing.assert_allclose(mean.logits(states), states.pooled() @ mean.w + mean.b, rtol=1e-5, atol=1e-5)
    zero = Probe(mean.w, mean.b, np.zeros_like(mean.w))
    np.testing.assert_allclose(zero.logits(states), mean.logits(states), rtol=1e-6, atol=1e-6)
