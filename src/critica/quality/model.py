"""The machine-translation detector: a logistic model over damage rates, and the quality stage.

Trained on IMDB-es (machine-translated) against reviews written in Spanish
(`data/native_es_reviews.jsonl`), with balanced class weights: the score is
P(machine-translated) for a corpus with as many native as translated
reviews. Stored as JSON (feature names, weights, bias).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from critica.quality.signals import FEATURE_NAMES, collect_signals, feature_vector
from critica.schema import Analysis, Fragment, Quality
from critica.text import Document

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "mt-detector"


@dataclass
class MTDetector:
    """Logistic regression over `FEATURE_NAMES` (log1p rates)."""

    weights: list[float]
    bias: float
    report: dict[str, Any] = field(default_factory=dict)

    def score(self, features: list[float]) -> float:
        """P(machine-translated)."""
        z = self.bias + sum(w * math.log1p(x) for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def save(self, folder: Path) -> None:
        """Write model.json."""
        folder.mkdir(parents=True, exist_ok=True)
        data = {"features": list(FEATURE_NAMES), "weights": self.weights, "bias": self.bias, "report": self.report}
        (folder / "model.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> MTDetector:
        """Read model.json."""
        data = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if data["features"] != list(FEATURE_NAMES):
            raise ValueError(f"{folder}: feature list differs from this critica version; retrain with `make model`")
        return cls([float(w) for w in data["weights"]], float(data["bias"]), data.get("report", {}))


@lru_cache(maxsize=1)
def bundled_detector() -> MTDetector:
    """The shipped detector, loaded once per process."""
    return MTDetector.load()


def _design(texts: list[str]) -> np.ndarray:
    from critica.text import prepare

    return np.log1p(np.array([feature_vector(collect_signals(prepare(t).text)) for t in texts]))


def train_detector(translated: list[str], native: list[str], seed: int = 13) -> MTDetector:
    """Fit on all data; report out-of-fold figures (5-fold on translated, leave-one-out on native)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = np.vstack([_design(translated), _design(native)])
    y = np.array([1] * len(translated) + [0] * len(native))

    def fit(rows: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(x[rows], y[rows])

    oof = np.zeros(len(y))
    n_folds = min(5, len(native))
    for train, test in StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(x, y):
        oof[test] = fit(train).predict_proba(x[test])[:, 1]
    final = fit(np.arange(len(y)))
    report = {
        "translated_reviews": len(translated),
        "native_reviews": len(native),
        "cv_folds": n_folds,
        "cv_translated_flagged_share": round(float((oof[y == 1] > 0.5).mean()), 4),
        "cv_native_flagged_share": round(float((oof[y == 0] > 0.5).mean()), 4),
        "cv_mean_score_translated": round(float(oof[y == 1].mean()), 4),
        "cv_mean_score_native": round(float(oof[y == 0].mean()), 4),
    }
    return MTDetector([round(float(w), 6) for w in final.coef_[0]], round(float(final.intercept_[0]), 6), report)


class QualityStage:
    """Fills `quality`: untranslated fragments, notes and the machine-translation score."""

    name = "quality"

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Collect MT signals and score them."""
        signals = collect_signals(doc.text)
        fragments = []
        for start, end, language in signals.fragments:
            a, b = doc.clean.to_original(start, end)
            fragments.append(Fragment(a, b, doc.original[a:b], language))
        score = bundled_detector().score(feature_vector(signals))
        analysis.quality = Quality(round(score, 4), fragments, signals.notes)
