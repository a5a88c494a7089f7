"""The machine-translation detector.

Two kinds of evidence, combined by a calibrated logistic model:

- structure: the text's skeleton n-grams (`structure`: function words,
  punctuation, placeholders for content words) weighed by a logistic model
  whose n-gram weights are constrained to be ≥ 0. Each weight is evidence
  *of translation* ("esta es una", "realmente", ". ella", "no puedo W");
  nothing can count as evidence of being native. Text written in another
  register than the native training reviews (a critic's prose, news, a
  blog) therefore cannot look translated merely for lacking the training
  reviews' habits; it needs translation's own marks.
- damage: English left in place, calques and English award names, per 100
  words (`signals`).

The combiner is fitted on out-of-fold structure scores with balanced class
weights, so `machine_translation` reads as P(machine-translated) for a
collection with as many native as translated reviews. Stored as JSON:
`model.json` (weights, report; readable) and `structure.json` (the n-gram
terms, idf and weights, compact).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critica.quality.signals import FEATURE_NAMES, collect_signals, feature_vector
from critica.quality.structure import structure_terms

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "mt-detector"
FORMAT_VERSION = 2
STRUCTURE_FILE = "structure.json"


@dataclass
class StructureModel:
    """Sublinear tf-idf over skeleton n-grams (L2-normalised) and non-negative weights."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, text: str) -> float:
        """The structure model's log-odds of machine translation for one clean text."""
        counts = Counter(t for t in structure_terms(text) if t in self.vocabulary)
        if not counts:
            return self.intercept
        index = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[index]
        return float(values @ self.coef[index] / np.linalg.norm(values) + self.intercept)


@dataclass
class MTDetector:
    """P(machine-translated) from the structure logit and the damage rates (log1p)."""

    structure: StructureModel
    structure_weight: float
    damage_weights: list[float]
    bias: float
    report: dict[str, Any] = field(default_factory=dict)

    def combine(self, structure_logit: float, damage: list[float]) -> float:
        """The calibrated probability from the two kinds of evidence."""
        z = self.bias + self.structure_weight * structure_logit
        z += sum(w * math.log1p(x) for w, x in zip(self.damage_weights, damage, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def score(self, text: str, damage: list[float] | None = None) -> float:
        """P(machine-translated) of a clean text (`damage` when its signals are already collected)."""
        if damage is None:
            damage = feature_vector(collect_signals(text))
        return self.combine(self.structure.logit(text), damage)

    def save(self, folder: Path) -> None:
        """Write model.json and structure.json (deterministic for the same weights)."""
        folder.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.structure.vocabulary, key=self.structure.vocabulary.__getitem__)
        data = {
            "format_version": FORMAT_VERSION,
            "damage_features": list(FEATURE_NAMES),
            "damage_weights": self.damage_weights,
            "structure_weight": self.structure_weight,
            "structure_intercept": self.structure.intercept,
            "bias": self.bias,
            "report": self.report,
        }
        structure = {
            "terms": terms,
            "idf": [round(float(v), 6) for v in self.structure.idf],
            "coef": [round(float(v), 6) for v in self.structure.coef],
        }
        (folder / "model.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / STRUCTURE_FILE).write_text(json.dumps(structure, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> MTDetector:
        """Read the folder; a detector from another critica version raises ValueError with advice."""
        data = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if data.get("format_version") != FORMAT_VERSION or data.get("damage_features") != list(FEATURE_NAMES):
            raise ValueError(f"{folder}: detector from another critica version; retrain with `make model-mt`")
        s = json.loads((folder / STRUCTURE_FILE).read_text(encoding="utf-8"))
        structure = StructureModel(
            {t: i for i, t in enumerate(s["terms"])},
            np.array(s["idf"], dtype=np.float64),
            np.array(s["coef"], dtype=np.float64),
            float(data["structure_intercept"]),
        )
        return cls(
            structure,
            float(data["structure_weight"]),
            [float(w) for w in data["damage_weights"]],
            float(data["bias"]),
            data.get("report", {}),
        )
