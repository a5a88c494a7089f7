"""Calibration metrics and the noise around them."""

from __future__ import annotations

import numpy as np

from critica.evaluation.metrics import bootstrap_interval, calibrated_ece, expected_calibration_error


def test_ece_is_zero_for_a_model_right_exactly_as_often_as_it_says() -> None:
    proba = np.array([0.9] * 10 + [0.2] * 10)
    y = np.array([1] * 9 + [0] + [0] * 8 + [1] * 2)  # 90% right at 0.9, 80% right at 0.2
    assert expected_calibration_error(y, proba) < 1e-9
    assert abs(expected_calibration_error(1 - y, proba) - 0.7) < 1e-9  # confident and mostly wrong


def test_a_calibrated_model_shows_ece_that_shrinks_with_more_rows() -> None:
    rng = np.random.default_rng(1)
    small, large = rng.uniform(0.05, 0.95, 200), rng.uniform(0.05, 0.95, 5000)
    small_median, small_high = calibrated_ece(small, draws=300)
    large_median, _ = calibrated_ece(large, draws=300)
    assert 0 < large_median < small_median < small_high
    assert large_median < 0.02 < small_median  # about 1/sqrt(n): sampling noise, not miscalibration


def test_bootstrap_interval_brackets_the_figure_and_narrows_with_more_rows() -> None:
    rng = np.random.default_rng(2)
    proba = rng.uniform(0, 1, 2000)
    y = (rng.random(2000) < proba).astype(int)

    def accuracy(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean((b >= 0.5) == a))

    low, high = bootstrap_interval(y, proba, accuracy, draws=300)
    small_low, small_high = bootstrap_interval(y[:200], proba[:200], accuracy, draws=300)
    assert low < accuracy(y, proba) < high
    assert high - low < small_high - small_low
