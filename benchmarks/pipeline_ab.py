"""Whole-pipeline throughput of the default tier, one process, for the checkout given (A/B runs).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/pipeline_ab.py [CHECKOUT] [--reviews N]

CHECKOUT is a critica source tree (this one by default; another from `git worktree add`), so
that two commits are timed by the same interpreter in the same minutes; run them interleaved,
twice each, since this machine's figures drift by a few percent from one minute to the next.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkout", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--reviews", type=int, default=130)
    parser.add_argument("--warm", type=int, default=30, help="reviews run before timing (not timed)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.checkout / "src"))
    from critica.config import Config
    from critica.pipeline import Pipeline
    from throughput import load_reviews

    texts = load_reviews(args.warm + args.reviews)
    pipeline = Pipeline.from_config(Config())
    for text in texts[: args.warm]:  # model loads and the ONNX graph's first build are not timed
        pipeline.analyze(text)
    start = time.perf_counter()
    for text in texts[args.warm :]:
        pipeline.analyze(text)
    elapsed = time.perf_counter() - start
    print(f"{args.checkout}: {args.reviews / elapsed:.2f} reviews/s ({args.reviews} reviews)")


if __name__ == "__main__":
    main()
