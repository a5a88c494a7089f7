"""The reviewed-film choice against MuchoCine's film column, on the held-out fold (films never trained on).

    .venv/bin/python benchmarks/reviewed_silver.py [--part test|dev]

Candidates come from the facts stage as `critica train-reviewed` computes them (rules, the bundled
title tagger without the encoder, the credits table; about 1 minute for the 619 held-out reviews). Prints
the review-level precision, recall and F1 of the hand rule and of the bundled chooser on the same
candidates. Recall counts the reviews where some candidate is the film; `--part dev` reads the
development folds with the bundled tagger, which learned their films (in-sample twice over: the
chooser's own out-of-fold figure, on cross-fitted candidates, is in models/reviewed-film/chooser.json).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from critica import corpora
from critica.facts.reviewed import ReviewedChooser
from critica.facts.reviewed_train import WORK, candidate_rows, candidates_key, choice_scores, pick
from critica.facts.title_spans import TitleTagger

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("test", "dev"), default="test")
    args = parser.parse_args()
    rows = [r for r in corpora.muchocine(DATA) if r.test == (args.part == "test")]
    folder = ROOT / WORK / candidates_key() / f"bundled-{args.part}"
    data = candidate_rows([r.text for r in rows], [r.group for r in rows], TitleTagger(), folder)
    chooser = ReviewedChooser.load()
    probability = chooser.probabilities(data["X"])
    y, review = data["y"], data["review"]
    print(f"MuchoCine {args.part}: {len(rows)} reviews, {len(y)} candidates")
    print("rule   ", json.dumps(choice_scores(y, review, data["rule"], len(rows))))
    print("chooser", json.dumps(choice_scores(y, review, pick(probability, review, chooser.threshold), len(rows))))


if __name__ == "__main__":
    main()
