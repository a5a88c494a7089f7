"""The int8 encoder against the float one on the default tier's cross-validated predictions.

    python benchmarks/int8_cv.py [--data ../shared/data] [--cache .cache/pooled] [--limit N]

Reproduces the default tier's cross-fit on the bundled training parts (the test parts are
never read): per fold, the n-gram model and the encoder probe are fitted on the other folds
(the probe's C chosen as training chooses it), and the fold's reviews get float32 base logits.
Then each fold's probe is run again on that fold's reviews with the int8 encoder (onnxruntime,
smoothed with the shipped activation peaks), and the same out-of-fold calibrators and rating
model score both. Reports, per corpus, accuracy, ECE, AUC and rating figures float vs int8,
how many verdicts flip and the largest change in P(positive).

The float per-sentence states come from `.cache/pooled` (what `make model-default` writes; about
30 minutes when missing); the cross-fit's attention fits take about 6, the int8 pass about 7. The
int8 graphs of the fold probes are built in a temporary cache folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from critica.evaluation.metrics import polarity_metrics, rating_metrics
from critica.sentiment.model import PolarityModel
from critica.sentiment.recipe import bundled_training_data
from critica.sentiment.train import (
    PROBE_DEPTHS,
    CrossFit,
    TrainingConfig,
    TrainingData,
    cross_fit,
    fit_probe,
    held_out_predictions,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "critica" / "models" / "polarity-default"


def int8_probe_column(data: TrainingData, float_fit: CrossFit, seed: int, rows: np.ndarray) -> np.ndarray:
    """Each fold's probe logits of that fold's `rows` with the encoder on int8; float32's elsewhere."""
    from critica.encoder.probe import ProbeEncoder, weights_digest

    column = float_fit.base[:, 1].copy()
    peaks, digest = PolarityModel.load(SHIPPED).int8_peaks, weights_digest()
    for k in sorted(set(data.fold.tolist())):
        probe = fit_probe(data, data.fold != k, float_fit.probe_c, seed)
        encoder = ProbeEncoder(PROBE_DEPTHS, probe.w, probe.b, "onnx-int8", digest, peaks, probe.q)
        picked = np.flatnonzero(rows & (data.fold == k))
        started = time.perf_counter()
        for i in picked:
            column[i] = encoder.scores(data.sentences[i]).review_logit(encoder.bias)
        print(f"int8 fold {k}: {len(picked)} reviews in {time.perf_counter() - started:.0f} s", flush=True)
    return column


def _rows(data: TrainingData, limit: int | None) -> np.ndarray:
    """Every row, or the first `limit` of each source (for a quick run)."""
    if limit is None:
        return np.ones(len(data.y), dtype=bool)
    keep = np.zeros(len(data.y), dtype=bool)
    for source in dict.fromkeys(data.source):
        keep[np.flatnonzero(np.array(data.source) == source)[:limit]] = True
    return keep


def report(data: TrainingData, float_fit: CrossFit, int8_fit: CrossFit, rows: np.ndarray) -> None:
    """Per corpus: float vs int8 polarity and rating figures, verdict flips, largest ΔP."""
    print("| corpus | n | float acc / AUC / ECE | int8 acc / AUC / ECE | Δ acc (points) | flips | max ΔP |")
    print("|---|---|---|---|---|---|---|")
    sources = np.array(data.source)
    for source in dict.fromkeys(data.source):
        mask = rows & data.binary & (sources == source)
        f = polarity_metrics(data.y[mask], float_fit.proba[mask])
        q = polarity_metrics(data.y[mask], int8_fit.proba[mask])
        flips = int(((float_fit.proba[mask] >= 0.5) != (int8_fit.proba[mask] >= 0.5)).sum())
        delta = float(np.abs(float_fit.proba[mask] - int8_fit.proba[mask]).max())
        print(
            f"| {source} | {f.n} | {f.accuracy:.4f} / {f.roc_auc:.4f} / {f.ece:.4f} "
            f"| {q.accuracy:.4f} / {q.roc_auc:.4f} / {q.ece:.4f} | {100 * (q.accuracy - f.accuracy):+.2f} "
            f"| {flips} | {delta:.3f} |"
        )
    print("\n| corpus (rated) | n | float MAE / exact / within one | int8 MAE / exact / within one |")
    print("|---|---|---|---|")
    for source in dict.fromkeys(data.source):
        mask = rows & (data.stars > 0) & data.spanish & (sources == source)
        if mask.any():
            f = rating_metrics(data.stars[mask], float_fit.rating[mask])
            q = rating_metrics(data.stars[mask], int8_fit.rating[mask])
            print(
                f"| {source} | {f.n} | {f.mae:.3f} / {f.exact:.3f} / {f.within_one:.3f} "
                f"| {q.mae:.3f} / {q.exact:.3f} / {q.within_one:.3f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "pooled")
    parser.add_argument("--limit", type=int, default=None, help="int8-score only the first N rows of each corpus")
    args = parser.parse_args()
    os.environ.setdefault("CRITICA_CACHE", tempfile.mkdtemp(prefix="critica-int8-cv-"))
    data, _, _ = bundled_training_data(args.data, "default", args.cache)
    config = TrainingConfig(tier="default")
    float_fit = cross_fit(data, config, print)
    rows = _rows(data, args.limit)
    scored = float_fit.base.copy()
    scored[:, 1] = int8_probe_column(data, float_fit, config.seed, rows)
    int8_fit = held_out_predictions(data, float_fit, config.seed, scored_base=scored)
    gap = np.abs(scored[rows, 1] - float_fit.base[rows, 1])
    print(f"\nprobe C {float_fit.probe_c}; |int8 − float| probe logit: mean {gap.mean():.3f}, max {gap.max():.3f}")
    report(data, float_fit, int8_fit, rows)


if __name__ == "__main__":
    main()
