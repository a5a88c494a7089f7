"""Held-out figures of the machine-translation detector, corpus by corpus.

    python benchmarks/mt_detector.py [--data ../shared/data] [--model src/critica/models/mt-detector]

Every set here is outside the detector's training data (see `critica.corpora`):
IMDB-es test part (machine-translated) against native sets — MuchoCine's test
fold (films never seen), the part of it about American films, the one-line
summaries of that fold, es-movie's labelled news articles, and the reviews in
`data/native_es_reviews.jsonl` written for critica (those marked "american" are
about American films and series). Prints share above 0.5 and the ROC-AUC of
IMDB-es test against each native set.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from critica import corpora
from critica.quality.model import MTDetector
from critica.text import prepare

ROOT = Path(__file__).resolve().parent.parent


def _scores(detector: MTDetector, texts: list[str]) -> np.ndarray:
    return np.array([detector.score(prepare(t).text) for t in texts])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "src" / "critica" / "models" / "mt-detector")
    args = parser.parse_args()
    detector = MTDetector.load(args.model)
    american = set((ROOT / "data" / "annotations" / "muchocine_test_american_films.txt").read_text().split())
    mc = [r for r in corpora.muchocine(args.data) if r.test]
    own = [json.loads(line) for line in (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()]
    sets = {
        "IMDB-es test (translated)": [r.text for r in corpora.imdb_es(args.data) if r.test],
        "MuchoCine test fold (native)": [r.text for r in mc],
        "  of which American films": [r.text for r in mc if r.id in american],
        "MuchoCine test one-line summaries": [r.text for r in corpora.muchocine(args.data, summaries=True) if r.test],
        "es-movie labelled news (native)": [r.text for r in corpora.es_movie(args.data) if r.test],
        "critica's own native reviews": [r["review"] for r in own if "about" not in r],
        "  about American films": [r["review"] for r in own if r.get("about") == "american"],
    }
    start = time.perf_counter()
    scores = {name: _scores(detector, texts) for name, texts in sets.items()}
    elapsed = time.perf_counter() - start
    translated = scores["IMDB-es test (translated)"]
    print("| set | texts | share > 0.5 | mean | AUC vs IMDB-es test |\n|---|---|---|---|---|")
    for name, s in scores.items():
        auc = "—"
        if s is not translated:
            y = np.r_[np.ones(len(translated)), np.zeros(len(s))]
            auc = f"{roc_auc_score(y, np.r_[translated, s]):.3f}"
        print(f"| {name} | {len(s)} | {(s > 0.5).mean():.3f} | {s.mean():.3f} | {auc} |")
    chars = sum(len(t) for texts in sets.values() for t in texts)
    print(f"\nscoring (clean-up + signals + structure): {1000 * elapsed / chars * 1000:.2f} ms per 1,000 characters")


if __name__ == "__main__":
    main()
