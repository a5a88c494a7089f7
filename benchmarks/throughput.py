"""Throughput, cold start and memory of critica on this machine.

    .venv/bin/python benchmarks/throughput.py [--reviews N] [--out results.json]

Reports, for each tier: polarity alone (batch predict) and the whole
`analyze` pipeline, in one process and across all cores; the cold start
of `critica analyze` on one review; peak RSS. Reviews are IMDB-es when
../shared/data is present, else the bundled examples repeated.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_CSV = ROOT.parent / "shared" / "data" / "imdb_es" / "imdb_es_1700.csv"


def load_reviews(n: int) -> list[str]:
    if SHARED_CSV.exists():
        with SHARED_CSV.open(encoding="utf-8", newline="") as handle:
            texts = [row["review"] for row in csv.DictReader(handle)]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    return [texts[i % len(texts)] for i in range(n)]


def _polarity_only(args: tuple[str, list[str]]) -> int:
    from critica.resources import polarity_model
    from critica.text import prepare

    tier, texts = args
    model = polarity_model(tier)
    sentence_lists = [[s.text for s in prepare(t).sentences] for t in texts]
    for i in range(0, len(sentence_lists), 256):
        model.predict_proba(sentence_lists[i : i + 256])
    return len(texts)


def _pipeline(args: tuple[str, list[str]]) -> int:
    from critica import get_pipeline

    tier, texts = args
    pipeline = get_pipeline(tier)
    for text in texts:
        pipeline.analyze(text)
    return len(texts)


def _warm(tier: str) -> None:
    from critica import get_pipeline

    get_pipeline(tier).analyze("Una película estupenda, con una fotografía preciosa y muy buenos actores.")


def rate(work, tier: str, texts: list[str], workers: int) -> float:
    """Reviews per second, models loaded before the clock starts."""
    if workers == 1:
        _warm(tier)
        start = time.perf_counter()
        work((tier, texts))
        return len(texts) / (time.perf_counter() - start)
    chunks = [texts[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_warm, [tier] * workers))
        start = time.perf_counter()
        done = sum(pool.map(work, [(tier, c) for c in chunks]))
        return done / (time.perf_counter() - start)


def cold_start(repeats: int = 3) -> float:
    """Median wall time of `critica analyze one.txt --fast --format json`, from a new process."""
    example = ROOT / "examples" / "resena_positiva.txt"
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "critica.cli", "analyze", str(example), "--fast", "-f", "json"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=200, help="reviews per default-tier measurement")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    results: dict[str, float | int | str] = {"cores": cores, "source": "imdb_es" if SHARED_CSV.exists() else "examples"}

    fast_texts = load_reviews(max(args.reviews, 2000))
    default_texts = load_reviews(args.reviews)
    for tier, texts in (("fast", fast_texts), ("default", default_texts)):
        if tier == "default":
            # The encoder's matrix products (BLAS) already use every core; more processes only add contention.
            results[f"{tier}_polarity_reviews_per_s_1proc"] = round(rate(_polarity_only, tier, texts, 1), 1)
            results[f"{tier}_pipeline_reviews_per_s_1proc"] = round(rate(_pipeline, tier, texts, 1), 2)
            continue
        for workers in (1, cores):
            results[f"{tier}_polarity_reviews_per_s_{workers}proc"] = round(rate(_polarity_only, tier, texts, workers))
            results[f"{tier}_pipeline_reviews_per_s_{workers}proc"] = round(rate(_pipeline, tier, texts, workers), 1)
    results["cold_start_fast_s"] = round(cold_start(), 2)
    results["peak_rss_mb_main"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["peak_rss_mb_children"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    for key, value in results.items():
        print(f"{key:42s} {value}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
