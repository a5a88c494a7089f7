"""The training and evaluation workflows behind `critica train` and `critica evaluate` (an interface layer)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from critica.evaluation.metrics import polarity_metrics, rating_metrics
from critica.evaluation.plots import save_confusion_matrix, save_rating_confusion, save_reliability_diagram
from critica.io.readers import read_reviews
from critica.sentiment.data import file_digest, load_labelled
from critica.sentiment.lexicon import lexicon_classes
from critica.sentiment.train import CrossFit, TrainingConfig, TrainingData, load_pooled, train
from critica.tiers import MODELS_DIR

PREDICTIONS_FILE = "cv_predictions.csv"
BUNDLED_LEXICON = MODELS_DIR / "polarity-fast" / "lexicon.json"  # both tiers ship the same classes
USER_FOLDS = 5


def _user_data(path: Path, text_col: str, label_col: str, rating_col: str | None) -> tuple[TrainingData, list[str]]:
    labelled = load_labelled(path, text_col=text_col, label_col=label_col, rating_col=rating_col, keep_neutral=True)
    folds = np.arange(len(labelled.y)) % USER_FOLDS
    n = len(labelled.y)
    data = TrainingData(labelled.sentences, labelled.y, labelled.stars, folds, [path.name] * n, ["es"] * n)
    return data, labelled.ids


def cross_validation_report(data: TrainingData, fit: CrossFit) -> dict[str, Any]:
    """Out-of-fold figures, corpus by corpus: polarity on positive/negative texts, rating where stars exist."""
    report: dict[str, Any] = {}
    source = np.array(data.source)
    for name in dict.fromkeys(data.source):
        rows = (source == name) & data.binary
        entry: dict[str, Any] = {}
        if rows.any():
            entry["polarity"] = polarity_metrics(data.y[rows], fit.proba[rows]).to_dict()
        rated = (source == name) & (data.stars > 0)
        if rated.any():
            entry["rating"] = rating_metrics(data.stars[rated], fit.rating[rated]).to_dict()
        report[name] = entry
    return report


def train_and_report(
    *,
    out: Path,
    tier: str,
    data: Path | None = None,
    corpora: Path | None = None,
    lexicons: Path | None = None,
    use_lexicon: bool = True,
    text_col: str = "review",
    label_col: str = "sentiment",
    rating_col: str | None = None,
    seed: int = 13,
    cache: Path = Path(".cache/pooled"),
) -> dict[str, Any]:
    """Cross-fit, train on everything, save the model with its report and out-of-fold predictions.

    Lexicon classes come from `lexicons` (a folder of the three lexicons or a `lexicon.json`), else
    from the corpora's `lexicons/`, else from the bundled models; `use_lexicon=False` trains without.
    """
    if corpora is not None:
        from critica.sentiment.recipe import bundled_training_data

        training, ids, _ = bundled_training_data(corpora, tier, cache)
        if lexicons is None and (corpora / "lexicons").is_dir():
            lexicons = corpora / "lexicons"  # part of the bundled recipe
        described: dict[str, Any] = {"data": "bundled recipe (critica.sentiment.recipe)", "root": str(corpora)}
    else:
        assert data is not None
        training, ids = _user_data(data, text_col, label_col, rating_col)
        if tier == "default":
            load_pooled(training, cache)
        described = {"data": data.name, "data_sha256": file_digest(data)}
    if lexicons is None and use_lexicon:
        lexicons = BUNDLED_LEXICON  # the user's own model reads lexicon words as the bundled models do
    config = TrainingConfig(tier=tier, seed=seed, polar=lexicon_classes(lexicons) if use_lexicon else {})
    model, fit = train(training, config)
    model.report = {
        **described,
        "tier": tier,
        "seed": seed,
        **model.report,
        "lexicon_words": len(config.polar),
        "rating_trained": bool((training.stars > 0).any()),
        "cross_validation": cross_validation_report(training, fit),
    }
    model.save(out)
    _write_predictions(out / PREDICTIONS_FILE, ids, training, fit)
    return model.report


def _write_predictions(path: Path, ids: list[str], data: TrainingData, fit: CrossFit) -> None:
    labels = {1: "positive", 0: "negative", -1: "neutral"}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "label", "stars", "p_positive", "rating"])
        for i, rid in enumerate(ids):
            p = "" if np.isnan(fit.proba[i]) else f"{fit.proba[i]:.6f}"
            r = "" if np.isnan(fit.rating[i]) else f"{fit.rating[i]:.4f}"
            writer.writerow([rid, data.source[i], labels[int(data.y[i])], int(data.stars[i]) or "", p, r])


def _report(y: np.ndarray, proba: np.ndarray, out: Path, extra: dict[str, Any]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    return {
        **extra,
        **polarity_metrics(y, proba).to_dict(),
        "confusion_matrix_png": str(save_confusion_matrix(y, proba, out / "confusion_matrix.png")),
        "reliability_png": str(save_reliability_diagram(y, proba, out / "reliability.png")),
    }


def evaluate_predictions(path: Path, out: Path) -> dict[str, Any]:
    """Recompute polarity metrics from a saved predictions CSV (e.g. a model's cv_predictions.csv)."""
    labels = {r.row: r.text for r in read_reviews(path, text_col="label")}
    pairs = [
        (labels[r.row], r.text)
        for r in read_reviews(path, text_col="p_positive")
        if not r.problem and str(labels.get(r.row)).lower() in ("positive", "negative") and r.text not in ("", None)
    ]
    y = np.array([1 if str(label).lower() == "positive" else 0 for label, _ in pairs])
    proba = np.array([float(p) for _, p in pairs])
    return _report(y, proba, out, {"source": str(path)})


def evaluate_file(
    data: Path, pipeline: Any, out: Path, text_col: str, label_col: str | None, rating_col: str | None = None
) -> dict[str, Any]:
    """Run the pipeline's polarity model over a labelled file; polarity metrics, and rating ones with stars."""
    labelled = load_labelled(data, text_col=text_col, label_col=label_col, rating_col=rating_col, keep_neutral=True)
    model = pipeline.polarity_model
    explained = [model.explain(s) if s else None for s in labelled.sentences]
    proba = np.array([e.probability if e else 0.5 for e in explained])
    rating = np.array([e.rating if e else 3.0 for e in explained])
    extra: dict[str, Any] = {"source": str(data), "model": model.name, "skipped_rows": labelled.skipped}
    if model.report.get("data_sha256") == file_digest(data):
        extra["warning"] = (
            "this model was trained on this file: these figures are training-set figures; "
            "use the cross-validated ones (critica evaluate --predictions …/cv_predictions.csv)"
        )
    binary = labelled.y >= 0
    report = _report(labelled.y[binary], proba[binary], out, extra)
    if rating_col:
        rated = labelled.stars > 0
        report["rating"] = rating_metrics(labelled.stars[rated], rating[rated]).to_dict()
        report["rating_confusion_png"] = str(
            save_rating_confusion(labelled.stars[rated], rating[rated], out / "rating_confusion.png")
        )
    return report
