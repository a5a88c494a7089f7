"""Held-out figures of the bundled polarity and rating models, corpus by corpus.

    python benchmarks/heldout.py [--data ../shared/data] [--tier default|fast|both] [--limit N]
                                 [--encoder-runtime onnx-float32|onnx-int8|numpy]

Scores the test parts fixed in `critica.corpora` — never used to train or tune
the shipped models: IMDB-es test (machine-translated), MuchoCine's test fold
(native; films never seen), the one-line summaries of that fold, and English
IMDb reviews held out (default tier; the fast tier refuses English). Every
review goes through the real pipeline (`Pipeline(stages=("sentiment",))`), so
language detection is part of the figure: an English review judged as
anything but "en", or a Spanish one refused, counts as wrong. A second table gives
each figure's 95% bootstrap interval and the ECE a perfectly calibrated model would
show on the same predictions (labels drawn from them): the noise floor of ECE at
this many reviews.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from critica import corpora
from critica.config import ENCODER_RUNTIMES, Config
from critica.evaluation.metrics import (
    bootstrap_interval,
    calibrated_ece,
    expected_calibration_error,
    polarity_metrics,
    rating_metrics,
)
from critica.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def _sets(root: Path, tier: str) -> dict[str, tuple[list[corpora.Row], str]]:
    sets = {
        "IMDB-es test": ([r for r in corpora.imdb_es(root) if r.test], "es"),
        "MuchoCine test fold": ([r for r in corpora.muchocine(root) if r.test], "es"),
        "MuchoCine test one-liners": ([r for r in corpora.muchocine(root, summaries=True) if r.test], "es"),
    }
    if tier == "default":
        sets["English IMDb test"] = ([r for r in corpora.imdb_en(root) if r.test], "en")
    return sets


def evaluate(tier: str, root: Path, limit: int | None, runtime: str) -> None:
    pipeline = Pipeline.from_config(Config(tier=tier, stages=("sentiment",), encoder_runtime=runtime))
    detail = f", encoder {runtime}" if tier == "default" else ""
    print(f"\n### {tier} tier ({pipeline.polarity_model.name}{detail})\n")
    print("| set | judged | accuracy | ROC-AUC | ECE | rating MAE | exact | within one | Spearman |")
    print("|---|---|---|---|---|---|---|---|---|")
    noise = []
    for name, (rows, language) in _sets(root, tier).items():
        rows = rows[:limit] if limit else rows
        start = time.perf_counter()
        results = [pipeline.analyze(r.text, id=r.id) for r in rows]
        elapsed = time.perf_counter() - start
        ok = [a.sentiment.label is not None and a.language == language for a in results]
        binary = [r.label in ("positive", "negative") for r in rows]
        y = np.array([r.label == "positive" for r, b in zip(rows, binary, strict=True) if b], dtype=int)
        # A review refused or read as another language counts as wrong, at P = 0.5 on the wrong side.
        proba = np.array(
            [
                _p_positive(a) if good else (0.0 if r.label == "positive" else 1.0)
                for a, r, good, b in zip(results, rows, ok, binary, strict=True)
                if b
            ]
        )
        m = polarity_metrics(y, proba).to_dict()
        line = f"| {name} | {sum(ok)}/{len(rows)} | {m['accuracy']:.4f} | {m['roc_auc']:.4f} | {m['ece']:.4f} |"
        rated = [
            (r.score, a.sentiment.rating) for r, a, good in zip(rows, results, ok, strict=True) if r.score and good
        ]
        if rated:
            stars, rating = (np.array(v, dtype=float) for v in zip(*rated, strict=True))
            rm = rating_metrics(stars.astype(int), rating).to_dict()
            line += f" {rm['mae']:.3f} | {rm['exact']:.3f} | {rm['within_one']:.3f} | {rm['spearman']:.3f} |"
        else:
            line += " — | — | — | — |"
        print(line + f"  <!-- {len(rows) / elapsed:.1f} reviews/s -->", flush=True)
        noise.append((name, y, proba))
    # How far each figure could move by chance alone on this many reviews.
    print("\n| set | accuracy, 95% bootstrap | ECE, 95% bootstrap | ECE if calibrated (median / 95th pct.) |")
    print("|---|---|---|---|")
    for name, y, proba in noise:
        acc = bootstrap_interval(y, proba, lambda a, b: float(np.mean((b >= 0.5) == a)))
        ece = bootstrap_interval(y, proba, expected_calibration_error)
        floor = calibrated_ece(proba)
        print(f"| {name} | {acc[0]:.3f}–{acc[1]:.3f} | {ece[0]:.3f}–{ece[1]:.3f} | {floor[0]:.3f} / {floor[1]:.3f} |")


def _p_positive(analysis) -> float:
    s = analysis.sentiment
    return s.score if s.label == "positive" else 1.0 - s.score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--tier", choices=("default", "fast", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N reviews of each set")
    parser.add_argument("--encoder-runtime", choices=ENCODER_RUNTIMES, default=Config().encoder_runtime)
    args = parser.parse_args()
    for tier in ("fast", "default") if args.tier == "both" else (args.tier,):
        evaluate(tier, args.data, args.limit, args.encoder_runtime)


if __name__ == "__main__":
    main()
