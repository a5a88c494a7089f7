"""Batch throughput: reviews/s with 1 worker and with all cores, both tiers, and the speed-up.

    .venv/bin/python benchmarks/batch_throughput.py [--reviews 10000] [--tiers fast default]

Input: IMDB-es reviews repeated and shuffled (seeded) to the requested count
when ../shared/data is present, else the bundled examples. Each run is a
real `run_batch` (JSONL output, checkpoints, worker processes); peak RSS is
the largest worker's (or the main process's for 1 worker).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from throughput import load_reviews


def make_input(path: Path, n: int) -> None:
    texts = load_reviews(1700)
    random.Random(13).shuffle(texts)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review"])
        for i in range(n):
            writer.writerow([f"b{i:06d}", texts[i % len(texts)]])


def measure(source: Path, tier: str, workers: int) -> tuple[float, int]:
    """Reviews/s and peak RSS (MB) of one batch run, in a fresh process.

    The single-worker run is pinned to one thread (OMP_NUM_THREADS=1): the encoder's BLAS would otherwise spread
    one worker over every core and the comparison would not be one core against all of them.
    """
    code = (
        "import json,resource,sys,time\n"
        "from pathlib import Path\n"
        "from critica.batch.runner import BatchConfig, run_batch\n"
        "from critica.config import Config\n"
        f"c = BatchConfig(sys.argv[1], Path(sys.argv[2]), Config(tier='{tier}', workers={workers}), progress=False)\n"
        "s = run_batch(c)\n"
        "usage = resource.getrusage\n"
        "rss = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(json.dumps({'read': s.read, 'seconds': s.seconds, 'rss_mb': rss // 1024}))\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "OMP_NUM_THREADS": "1"} if workers == 1 else None
        done = subprocess.run(
            [sys.executable, "-c", code, str(source), str(Path(tmp) / "out.jsonl")],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    import json

    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["read"] / result["seconds"], result["rss_mb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--tiers", nargs="+", default=["fast", "default"])
    parser.add_argument("--workers", type=int, help="only this many workers (no speed-up column)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "reviews.csv"
        make_input(source, args.reviews)
        print(f"{args.reviews} reviews, {cores} cores (seconds include model loading in each worker)")
        for tier in args.tiers:
            if args.workers:
                rate, rss = measure(source, tier, args.workers)
                print(f"{tier:8s} {args.workers} worker(s) {rate:7.1f} rev/s (peak RSS per worker {rss} MB)")
                continue
            one, rss_one = measure(source, tier, 1)
            many, rss_many = measure(source, tier, cores)
            print(
                f"{tier:8s} 1 worker {one:7.1f} rev/s (peak RSS {rss_one} MB) | {cores} workers {many:7.1f} rev/s "
                f"(peak RSS per worker {rss_many} MB) | speed-up {many / one:.2f}x"
            )


if __name__ == "__main__":
    main()
