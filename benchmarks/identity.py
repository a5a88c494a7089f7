"""Digest of critica's outputs on a corpus, to show that a refactor changed no byte.

    .venv/bin/python benchmarks/identity.py --tier fast [--reviews 1700] [--out outputs.jsonl] [--batched]

Analyses the IMDB-es reviews (1,700) with the whole pipeline and prints the sha256 of the
JSONL of contract objects, and of each bundled model's `cv_predictions.csv`. Run it on two
checkouts (e.g. a `git worktree` of the old commit with PYTHONPATH=its src) and compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import critica
from throughput import load_reviews

MODELS = Path(critica.__file__).resolve().parent / "models"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tier", default="fast")
    parser.add_argument("--reviews", type=int, default=1700)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--batched", action="store_true", help="through analyze_many (batches parsed together)")
    args = parser.parse_args()
    pipeline = critica.get_pipeline(args.tier)
    digest = hashlib.sha256()
    lines = []
    reviews = list(enumerate(load_reviews(args.reviews)))
    if args.batched:
        results = pipeline.analyze_many((str(i), text) for i, text in reviews)
    else:
        results = (pipeline.analyze(text, id=str(i)) for i, text in reviews)
    for analysis in results:
        line = json.dumps(analysis.to_dict(), ensure_ascii=False, sort_keys=False) + "\n"
        digest.update(line.encode("utf-8"))
        lines.append(line)
    if args.out:
        args.out.write_text("".join(lines), encoding="utf-8")
    print(f"outputs {args.tier} ({args.reviews} reviews): sha256 {digest.hexdigest()}")
    for cv in sorted(MODELS.glob("polarity-*/cv_predictions.csv")):
        print(f"{cv.parent.name}/cv_predictions.csv: sha256 {hashlib.sha256(cv.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
