"""List the film titles critica extracts from reviews outside gold_dev, for a hand precision check.

    .venv/bin/python benchmarks/facts_audit.py [--reviews 150] [--seed 7]

Prints each title with the 35 characters before it. On 2026-11-24 (seed 7, 150 reviews) 66 of the
105 titles were film or series titles when checked by hand (README, facts row).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import critica

    gold = {json.loads(line)["id"] for line in (DATA / "gold" / "gold_dev.jsonl").read_text().splitlines()}
    with (DATA / "imdb_es" / "imdb_es_1700.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["id"] not in gold]
    random.seed(args.seed)
    pipeline = critica.get_pipeline("fast")
    found = []
    for row in random.sample(rows, args.reviews):
        text = row["review"]
        for film in pipeline.analyze(text).facts.films:
            found.append((film.title, text[max(0, film.start - 35) : film.start].replace("\n", " ")))
    for i, (title, before) in enumerate(found, 1):
        print(f"{i:4d}  {title!r:50s} …{before}")
    print(f"{len(found)} titles from {args.reviews} reviews")


if __name__ == "__main__":
    main()
