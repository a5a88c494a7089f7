"""Training and cross-validation of the polarity model (`critica train`, `make model`).

Recipe (both tiers):
1. n-gram features per review (sentence-additive, see `features`), with one
   extra feature: the review's lexicon polarity. After fitting, the lexicon
   weight is folded into the n-gram weights, so the priors live in the model.
2. default tier only: a logistic probe on the token-weighted mean of the
   review's multilingual-e5 sentence embeddings, trained on the Spanish
   reviews plus English IMDb reviews that are *not* originals of any Spanish
   review (transfer through the multilingual space, no leakage).
3. a Platt-style combiner fitted on out-of-fold base logits: it calibrates
   the probability and weighs the two base scores.

Regularisation strengths come from inner cross-validation only. Everything
is seeded; the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from critica.sentiment.encoder import LiveEncoder
from critica.sentiment.features import fit_featurizer
from critica.sentiment.model import Combiner, PolarityModel, document_embeddings

SPARSE_CS = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
PROBE_CS = (0.3, 1.0, 3.0, 10.0, 30.0)
LEXICON_SCALE = 1.0


@dataclass
class TrainingData:
    """Labelled reviews as sentence lists; y is 1 for positive."""

    sentences: list[list[str]]
    y: np.ndarray
    transfer_sentences: list[list[str]] = field(default_factory=list)  # e.g. English reviews
    transfer_y: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    def subset(self, index: np.ndarray) -> TrainingData:
        """The reviews at `index`, keeping all transfer reviews."""
        return TrainingData([self.sentences[i] for i in index], self.y[index], self.transfer_sentences, self.transfer_y)


@dataclass
class TrainingConfig:
    """What to train."""

    tier: str = "default"
    seed: int = 13
    folds: int = 5
    lexicon: dict[str, float] = field(default_factory=dict)
    transfer_weight: float = 0.5
    name: str = "critica-es"
    embedder: Any = field(default_factory=LiveEncoder)  # an EmbeddingCache makes repeated runs cheap


def _logistic(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, solver="lbfgs", random_state=seed)


def _choose_c(
    x: np.ndarray | sp.spmatrix,
    y: np.ndarray,
    cs: tuple[float, ...],
    config: TrainingConfig,
    weights: np.ndarray | None = None,
    n_labelled: int | None = None,
) -> float:
    """Pick C by inner stratified CV log-loss; rows past `n_labelled` (transfer) always train."""
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed + 1)
    n_labelled = len(y) if n_labelled is None else n_labelled
    best, best_loss = cs[0], np.inf
    for c in cs:
        losses = []
        for tr, te in folds.split(np.zeros(n_labelled), y[:n_labelled]):
            tr_all = np.concatenate([tr, np.arange(n_labelled, len(y))])  # transfer rows always train
            model = _logistic(c, config.seed).fit(
                x[tr_all], y[tr_all], sample_weight=None if weights is None else weights[tr_all]
            )
            p = np.clip(model.predict_proba(x[te])[:, 1], 1e-7, 1 - 1e-7)
            losses.append(-np.mean(y[te] * np.log(p) + (1 - y[te]) * np.log(1 - p)))
        if np.mean(losses) < best_loss:
            best, best_loss = c, float(np.mean(losses))
    return best


class _SparseLearner:
    def __init__(self, config: TrainingConfig) -> None:
        self.config = config
        self.c: float | None = None

    def fit(self, data: TrainingData) -> tuple:
        featurizer = fit_featurizer(data.sentences)
        lexicon = np.array([self.config.lexicon.get(t, 0.0) for t in featurizer.vocabulary], dtype=np.float32)
        x = featurizer.documents(data.sentences)
        x_full = sp.hstack([x, sp.csr_matrix((x @ lexicon).reshape(-1, 1) * LEXICON_SCALE)]).tocsr()
        if self.c is None:
            self.c = _choose_c(x_full, data.y, SPARSE_CS, self.config)
        model = _logistic(self.c, self.config.seed).fit(x_full, data.y)
        coef = model.coef_[0]
        # Fold the lexicon feature into the n-gram weights: w_t += w_lex * lex(t).
        folded = (coef[:-1] + coef[-1] * LEXICON_SCALE * lexicon).astype(np.float32)
        return featurizer, folded, float(model.intercept_[0])


class _ProbeLearner:
    def __init__(self, config: TrainingConfig) -> None:
        self.config = config
        self.c: float | None = None

    def fit(self, data: TrainingData) -> tuple[np.ndarray, float]:
        x = document_embeddings(data.sentences + data.transfer_sentences, self.config.embedder)
        y = np.concatenate([data.y, data.transfer_y]).astype(int)
        weights = np.concatenate([np.ones(len(data.y)), np.full(len(data.transfer_y), self.config.transfer_weight)])
        if self.c is None:
            self.c = _choose_c(x, y, PROBE_CS, self.config, weights, n_labelled=len(data.y))
        model = _logistic(self.c, self.config.seed).fit(x, y, sample_weight=weights)
        return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _base_logits(
    data: TrainingData, sparse: tuple, probe: tuple | None, index: np.ndarray, embedder: Any
) -> np.ndarray:
    featurizer, coef, intercept = sparse
    held_out = [data.sentences[i] for i in index]
    columns = [np.asarray(featurizer.documents(held_out) @ coef).ravel() + intercept]
    if probe is not None:
        columns.append(document_embeddings(held_out, embedder) @ probe[0] + probe[1])
    return np.column_stack(columns)


def train(data: TrainingData, config: TrainingConfig) -> PolarityModel:
    """Fit base models on all of `data` and a combiner on their out-of-fold logits."""
    use_probe = config.tier == "default"
    sparse_learner, probe_learner = _SparseLearner(config), _ProbeLearner(config)
    sparse = sparse_learner.fit(data)  # also fixes C for the inner fits
    probe = probe_learner.fit(data) if use_probe else None

    oof = np.zeros((len(data.y), 2 if use_probe else 1))
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    for tr, te in folds.split(np.zeros(len(data.y)), data.y):
        inner = data.subset(tr)
        inner_probe = probe_learner.fit(inner) if use_probe else None
        oof[te] = _base_logits(data, sparse_learner.fit(inner), inner_probe, te, config.embedder)
    calibrator = LogisticRegression(C=100.0, max_iter=1000).fit(oof, data.y)
    weights = calibrator.coef_[0]
    featurizer, coef, intercept = sparse
    return PolarityModel(
        name=f"{config.name}-{config.tier}",
        tier=config.tier,
        featurizer=featurizer,
        sparse_coef=coef,
        sparse_intercept=intercept,
        combiner=Combiner(float(weights[0]), float(weights[1]) if use_probe else 0.0, float(calibrator.intercept_[0])),
        probe_coef=probe[0] if probe else None,
        probe_intercept=probe[1] if probe else 0.0,
        embedder=config.embedder,
        report={
            "C_sparse": sparse_learner.c,
            "C_probe": probe_learner.c,
            "reviews": len(data.y),
            "transfer_reviews": len(data.transfer_y) if use_probe else 0,
        },
    )


def cross_validate(data: TrainingData, config: TrainingConfig) -> np.ndarray:
    """Out-of-fold P(positive) for every review: train on 4/5, predict the held-out 1/5."""
    proba = np.zeros(len(data.y))
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    for tr, te in folds.split(np.zeros(len(data.y)), data.y):
        model = train(data.subset(tr), config)
        proba[te] = model.predict_proba([data.sentences[i] for i in te])
    return proba
