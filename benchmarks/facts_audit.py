"""List the films or people critica extracts from reviews outside gold_dev, for a hand precision check.

    .venv/bin/python benchmarks/facts_audit.py [--reviews 150] [--seed 7]
    .venv/bin/python benchmarks/facts_audit.py --people [--reviews 40] [--seed 11]
    .venv/bin/python benchmarks/facts_audit.py --reviewed --reviews 50 --seed 101

Prints each title (or person with roles and character) with the 35 characters before its first
mention; `--people` also prints 60 characters after it, since role cues follow names too.
Hand checks of these listings are reported in the README's facts row. Seeds 7, 11, 23, 31, 53, 61
and 89 were read while writing rules, so they are development samples; the reported figures come
from seeds 47 (people) and 97 (films), which were read once, after the rules were written.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def _unseen_reviews(count: int, seed: int) -> list[dict[str, str]]:
    gold = {json.loads(line)["id"] for line in (DATA / "gold" / "gold_dev.jsonl").read_text().splitlines()}
    with (DATA / "imdb_es" / "imdb_es_1700.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["id"] not in gold]
    random.seed(seed)
    return random.sample(rows, count)


def _line(text: str, start: int, end: int, label: str, after: int) -> str:
    before = text[max(0, start - 35) : start].replace("\n", " ")
    following = text[end : end + after].replace("\n", " ")
    return f"{label:60s} …{before}[{text[start:end]}]{following}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=None, help="default: 150 for films, 40 for people")
    parser.add_argument("--seed", type=int, default=None, help="default: 7 for films, 11 for people")
    parser.add_argument("--people", action="store_true", help="list people with roles instead of films")
    parser.add_argument(
        "--reviewed", action="store_true", help="per review: the film flagged as reviewed, the others, the opening"
    )
    args = parser.parse_args()
    count = args.reviews or (40 if args.people else 150)
    seed = args.seed if args.seed is not None else (11 if args.people else 7)
    import critica

    pipeline = critica.get_pipeline("fast")
    lines = []
    for row in _unseen_reviews(count, seed):
        text, facts = row["review"], pipeline.analyze(row["review"]).facts
        if args.reviewed:
            flagged = next((f.title for f in facts.films if f.reviewed), None)
            others = [f.title for f in facts.films if not f.reviewed]
            lines.append(f"{row['id']} reviewed={flagged!r} others={others} …{text[:160].replace(chr(10), ' ')}")
        elif args.people:
            for p in facts.people:
                label = f"{row['id']} {p.name!r} {','.join(p.roles) or '-'} {p.character or ''}"
                lines.append(_line(text, p.start, p.end, label, after=60))
        else:
            lines += [_line(text, f.start, f.end, repr(f.title), after=0) for f in facts.films]
    for i, line in enumerate(lines, 1):
        print(f"{i:4d}  {line}")
    kind = "reviews" if args.reviewed else "people" if args.people else "titles"
    print(f"{len(lines)} {kind} from {count} reviews")


if __name__ == "__main__":
    main()
