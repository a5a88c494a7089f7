"""Classification and calibration metrics for polarity predictions."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import accuracy_score, brier_score_loss, confusion_matrix, f1_score, roc_auc_score

ECE_BINS = 10


@dataclass(frozen=True)
class PolarityMetrics:
    """Quality of P(positive) predictions against 0/1 labels."""

    n: int
    accuracy: float
    macro_f1: float
    roc_auc: float
    brier: float
    ece: float

    def to_dict(self) -> dict[str, float]:
        """Plain dict, rounded for reports."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def expected_calibration_error(y: np.ndarray, proba: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over equal-width bins of the predicted label's confidence."""
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    confidence = np.maximum(proba, 1 - proba)
    correct = (proba >= 0.5).astype(int) == y
    edges = np.linspace(0.5, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def bootstrap_interval(
    y: np.ndarray, proba: np.ndarray, metric, draws: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """The `level` percentile interval of `metric(y, proba)` over bootstrap resamples of the rows."""
    y, proba = np.asarray(y), np.asarray(proba, dtype=float)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(draws):
        pick = rng.integers(0, len(y), len(y))
        values.append(metric(y[pick], proba[pick]))
    tail = (1 - level) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def calibrated_ece(proba: np.ndarray, draws: int = 1000, seed: int = 0) -> tuple[float, float]:
    """The ECE a perfectly calibrated model would show on these predictions: (median, 95th percentile).

    Labels are drawn from the predictions themselves, so the figure is the sampling noise of ECE
    at this many rows and this spread of confidences: a measured ECE below its 95th percentile is
    no evidence of miscalibration.
    """
    proba = np.asarray(proba, dtype=float)
    rng = np.random.default_rng(seed)
    values = [expected_calibration_error((rng.random(len(proba)) < proba).astype(int), proba) for _ in range(draws)]
    return float(np.median(values)), float(np.percentile(values, 95))


def polarity_metrics(y: np.ndarray, proba: np.ndarray) -> PolarityMetrics:
    """All headline metrics for binary polarity."""
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    predicted = (proba >= 0.5).astype(int)
    both_classes = len(np.unique(y)) == 2
    return PolarityMetrics(
        n=len(y),
        accuracy=float(accuracy_score(y, predicted)),
        macro_f1=float(f1_score(y, predicted, average="macro", zero_division=0)),
        roc_auc=float(roc_auc_score(y, proba)) if both_classes else float("nan"),
        brier=float(brier_score_loss(y, proba)),
        ece=expected_calibration_error(y, proba),
    )


def reliability_table(y: np.ndarray, proba: np.ndarray, bins: int = ECE_BINS) -> list[tuple[float, float, int]]:
    """(mean predicted P(positive), observed positive rate, count) per probability bin."""
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    which = np.clip((proba * bins).astype(int), 0, bins - 1)
    return [
        (float(proba[which == b].mean()), float(y[which == b].mean()), int((which == b).sum()))
        for b in range(bins)
        if (which == b).any()
    ]


def confusion(y: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """2×2 confusion matrix, rows true (neg, pos), columns predicted."""
    return confusion_matrix(np.asarray(y, dtype=int), (np.asarray(proba) >= 0.5).astype(int), labels=[0, 1])


@dataclass(frozen=True)
class RatingMetrics:
    """Quality of estimated 1–5 ratings against the reviewers' stars."""

    n: int
    mae: float
    exact: float  # rounded estimate equals the stars
    within_one: float
    spearman: float

    def to_dict(self) -> dict[str, float]:
        """Plain dict, rounded for reports."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def rounded_stars(rating: np.ndarray) -> np.ndarray:
    """The nearest whole star, 1–5."""
    return np.clip(np.rint(np.asarray(rating, dtype=float)), 1, 5).astype(int)


def rating_metrics(stars: np.ndarray, rating: np.ndarray) -> RatingMetrics:
    """MAE, exact and within-one accuracy of the rounded rating, and Spearman's rho."""
    from scipy.stats import spearmanr

    stars = np.asarray(stars, dtype=int)
    rating = np.asarray(rating, dtype=float)
    rounded = rounded_stars(rating)
    rho = spearmanr(stars, rating).statistic if len(np.unique(stars)) > 1 else float("nan")
    return RatingMetrics(
        n=len(stars),
        mae=float(np.abs(rating - stars).mean()),
        exact=float((rounded == stars).mean()),
        within_one=float((np.abs(rounded - stars) <= 1).mean()),
        spearman=float(rho),
    )
