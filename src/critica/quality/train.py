"""Training the machine-translation detector (`critica train-mt`, `make model-mt`).

1. The structure model: sublinear tf-idf over skeleton n-grams, logistic
   loss with L2, n-gram weights bounded below by 0 (L-BFGS-B), C chosen by
   out-of-fold log-loss. Class weights balance translated against native.
2. Out-of-fold structure logits (folds grouped, so that no film's reviews
   sit on both sides) and the damage rates feed a balanced logistic
   combiner: the calibration.
3. The shipped structure model is refitted on all the training texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from critica.quality.model import MTDetector, StructureModel
from critica.quality.signals import FEATURE_NAMES, collect_signals, feature_vector
from critica.quality.structure import structure_terms

STRUCTURE_CS = (10.0, 30.0, 100.0)
MIN_DF = 3


@dataclass
class DetectorData:
    """Clean texts with 1 = machine-translated, a weight per text and a group (what folds keep together)."""

    texts: list[str]
    y: np.ndarray
    weights: np.ndarray
    groups: list[str]
    sources: list[str]  # a name per text, for the report

    def balanced_weights(self) -> np.ndarray:
        """`weights` rescaled so that both classes weigh the same in total."""
        w = self.weights.astype(np.float64).copy()
        for label in (0, 1):
            mask = self.y == label
            w[mask] *= 0.5 * w.sum() / max(w[mask].sum(), 1e-9)
        return w


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=structure_terms, min_df=MIN_DF, sublinear_tf=True)


def _fit_nonnegative(x: sp.csr_matrix, y: np.ndarray, w: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression with coefficients ≥ 0 and a free intercept."""

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, coef = theta[0], theta[1:]
        z = x @ coef + b
        value = float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 / c * coef @ coef)
        g = w * (1.0 / (1.0 + np.exp(-z)) - y)
        return value, np.concatenate([[g.sum()], x.T @ g + coef / c])

    bounds = [(None, None)] + [(0.0, None)] * x.shape[1]
    result = scipy.optimize.minimize(
        loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 5000}
    )
    return result.x[1:], float(result.x[0])


def fit_structure(texts: Sequence[str], y: np.ndarray, w: np.ndarray, c: float) -> StructureModel:
    """The structure model on these texts."""
    vectorizer = _vectorizer()
    x = sp.csr_matrix(vectorizer.fit_transform(texts))
    coef, intercept = _fit_nonnegative(x, y.astype(np.float64), w, c)
    vocabulary = {t: int(i) for t, i in vectorizer.vocabulary_.items()}
    return StructureModel(vocabulary, vectorizer.idf_.astype(np.float64), coef, intercept)


def _folds(data: DetectorData, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(data.y)), data.y, data.groups))


def _log_loss(y: np.ndarray, z: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) / w.sum())


def train_detector(data: DetectorData, seed: int = 13, folds: int = 5) -> tuple[MTDetector, np.ndarray]:
    """Fit the detector; returns it and the out-of-fold P(machine-translated) of every training text."""
    from sklearn.linear_model import LogisticRegression

    w = data.balanced_weights()
    splits = _folds(data, folds, seed)
    oof_by_c: dict[float, np.ndarray] = {}
    for c in STRUCTURE_CS:
        oof = np.zeros(len(data.y))
        for train, test in splits:
            model = fit_structure([data.texts[i] for i in train], data.y[train], w[train], c)
            oof[test] = [model.logit(data.texts[i]) for i in test]
        oof_by_c[c] = oof
    best_c = min(STRUCTURE_CS, key=lambda c: _log_loss(data.y, oof_by_c[c], w))
    damage = np.log1p(np.array([feature_vector(collect_signals(t)) for t in data.texts]))
    design = np.column_stack([oof_by_c[best_c], damage])
    combiner = LogisticRegression(C=10.0, max_iter=2000).fit(design, data.y, sample_weight=w)
    # The combiner's own out-of-fold probabilities, for the report (same folds).
    proba = np.zeros(len(data.y))
    for train, test in splits:
        fold_model = LogisticRegression(C=10.0, max_iter=2000).fit(design[train], data.y[train], sample_weight=w[train])
        proba[test] = fold_model.predict_proba(design[test])[:, 1]
    structure = fit_structure(data.texts, data.y, w, best_c)
    weights = [round(float(v), 6) for v in combiner.coef_[0]]
    detector = MTDetector(structure, weights[0], weights[1:], round(float(combiner.intercept_[0]), 6))
    detector.report = {
        "structure_C": best_c,
        "structure_terms": len(structure.vocabulary),
        "structure_terms_weighted": int((structure.coef > 0).sum()),
        "damage_features": list(FEATURE_NAMES),
        "cv_folds": folds,
        "cv": out_of_fold_report(data, proba),
    }
    return detector, proba


def out_of_fold_report(data: DetectorData, proba: np.ndarray) -> dict[str, dict[str, float]]:
    """Per source: texts, share above 0.5, mean score."""
    report = {}
    for source in sorted(set(data.sources)):
        mask = np.array([s == source for s in data.sources])
        report[source] = {
            "texts": int(mask.sum()),
            "flagged_share": round(float((proba[mask] > 0.5).mean()), 4),
            "mean_score": round(float(proba[mask].mean()), 4),
        }
    return report


ES_MOVIE_WEIGHT = 20.0  # 28 long news articles against ~2,500 reviews: the other native register must count


def bundled_training_data(root: Path) -> DetectorData:
    """The recipe of the shipped detector: training parts only (see `critica.corpora`).

    Translated: IMDB-es. Native: MuchoCine reviews (grouped by film) and
    es-movie's unlabelled cinema-news articles (a second register, mostly
    about American films).
    """
    from critica import corpora
    from critica.text import prepare

    texts, y, weights, groups, sources = [], [], [], [], []
    parts = (
        ("imdb_es", 1, 1.0, corpora.imdb_es(root)),
        ("muchocine", 0, 1.0, corpora.muchocine(root)),
        ("es_movie", 0, ES_MOVIE_WEIGHT, corpora.es_movie(root)),
    )
    for source, label, weight, rows in parts:
        for row in rows:
            if row.test:
                continue
            texts.append(prepare(row.text).text)
            y.append(label)
            weights.append(weight)
            groups.append(f"{source}:{row.group}")
            sources.append(source)
    return DetectorData(texts, np.array(y), np.array(weights), groups, sources)
