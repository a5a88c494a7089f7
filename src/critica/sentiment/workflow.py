"""The user-facing training and evaluation workflow behind `critica train` and `critica evaluate`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from critica.evaluation.metrics import polarity_metrics
from critica.evaluation.plots import save_confusion_matrix, save_reliability_diagram
from critica.io.readers import UnusableInput, read_reviews
from critica.sentiment.data import file_digest, load_labelled
from critica.sentiment.e5.finetune import FineTuneConfig
from critica.sentiment.lexicon import load_lexicon
from critica.sentiment.train import TrainingConfig, TrainingData, cross_validate, train_default
from critica.sentiment.train import train as fit_model

PREDICTIONS_FILE = "cv_predictions.csv"


def _transfer_set(transfer: Path, spanish: Path, label_col: str) -> tuple[list[list[str]], np.ndarray]:
    # English originals of the Spanish reviews would leak held-out labels into training:
    # keep only English reviews with no Spanish twin (column review_en of the Spanish file).
    try:
        originals = {r.text for r in read_reviews(spanish, text_col="review_en") if isinstance(r.text, str)}
    except UnusableInput:
        originals = set()
    extra = load_labelled(transfer, text_col="review", label_col=label_col, exclude_texts=originals)
    return extra.sentences, extra.y


def train_and_report(
    *,
    data: Path,
    out: Path,
    tier: str,
    transfer: Path | None = None,
    lexicons: Path | None,
    text_col: str,
    label_col: str,
    cv: bool,
    seed: int,
    cache: Path,
    tuned_layers: int = 3,
    epochs: int = 3,
) -> dict[str, Any]:
    """Cross-validate (optionally), train on everything, save the model and its report."""
    labelled = load_labelled(data, text_col=text_col, label_col=label_col)
    training = TrainingData(labelled.sentences, labelled.y)
    if transfer is not None and tier == "default":
        training.transfer_sentences, training.transfer_y = _transfer_set(transfer, data, label_col)
    config = TrainingConfig(
        tier=tier,
        seed=seed,
        lexicon=load_lexicon(lexicons) if lexicons else {},
        finetune=FineTuneConfig(seed=seed, tuned_layers=tuned_layers, epochs=epochs),
        cache=cache,
    )
    report: dict[str, Any] = {
        "data": data.name,
        "data_sha256": labelled.source_digest,
        "tier": tier,
        "seed": seed,
        "lexicon_terms": len(config.lexicon),
    }
    proba = None
    if tier == "default":
        # Cross-fitting is part of training here: the folds give the combiner its inputs.
        model, proba = train_default(training, config)
    elif cv:
        proba = cross_validate(training, config)
    if proba is not None:
        report["cross_validation"] = {"folds": config.folds, **polarity_metrics(labelled.y, proba).to_dict()}
        out.mkdir(parents=True, exist_ok=True)
        _write_predictions(out / PREDICTIONS_FILE, labelled.ids, labelled.y, proba)
    if tier != "default":
        model = fit_model(training, config)
    model.report = {**report, **model.report}
    model.save(out)
    return model.report


def _write_predictions(path: Path, ids: list[str], y: np.ndarray, proba: np.ndarray) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", "p_positive"])
        for rid, label, p in zip(ids, y, proba, strict=True):
            writer.writerow([rid, "positive" if label else "negative", f"{p:.6f}"])


def _report(y: np.ndarray, proba: np.ndarray, out: Path, extra: dict[str, Any]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    metrics = polarity_metrics(y, proba).to_dict()
    return {
        **extra,
        **metrics,
        "confusion_matrix_png": str(save_confusion_matrix(y, proba, out / "confusion_matrix.png")),
        "reliability_png": str(save_reliability_diagram(y, proba, out / "reliability.png")),
    }


def evaluate_predictions(path: Path, out: Path) -> dict[str, Any]:
    """Recompute metrics from a saved predictions CSV (e.g. the model's cv_predictions.csv)."""
    labels = {r.row: r.text for r in read_reviews(path, text_col="label")}
    pairs = [(labels[r.row], r.text) for r in read_reviews(path, text_col="p_positive") if not r.problem]
    y = np.array([1 if str(label).lower() == "positive" else 0 for label, _ in pairs])
    proba = np.array([float(p) for _, p in pairs])
    return _report(y, proba, out, {"source": str(path)})


def evaluate_file(data: Path, pipeline, out: Path, text_col: str, label_col: str) -> dict[str, Any]:
    """Run the pipeline's polarity model over a labelled file and score it."""
    labelled = load_labelled(data, text_col=text_col, label_col=label_col)
    model = pipeline.polarity_model
    proba = np.array([model.explain(s).probability if s else 0.5 for s in labelled.sentences])
    extra: dict[str, Any] = {"source": str(data), "model": model.name, "skipped_rows": labelled.skipped}
    if model.report.get("data_sha256") == file_digest(data):
        extra["warning"] = (
            "this model was trained on this file: these figures are training-set figures; "
            "use the cross-validated ones (critica evaluate --predictions …/cv_predictions.csv)"
        )
    return _report(labelled.y, proba, out, extra)
