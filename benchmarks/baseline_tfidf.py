"""The reference point of the MODEL_CARD: plain word + character TF-IDF and logistic regression.

    .venv/bin/python benchmarks/baseline_tfidf.py

Same 1,700 IMDB-es reviews and the same seeded 5 folds as `critica train`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from critica.evaluation.metrics import polarity_metrics
from critica.sentiment.train import TrainingConfig

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "imdb_es" / "imdb_es_1700.csv"


def main() -> None:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [r["review"] for r in rows]
    y = np.array([r["sentiment"] == "positive" for r in rows], dtype=int)
    config = TrainingConfig()
    proba = np.zeros(len(y))
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    for train, test in folds.split(np.zeros(len(y)), y):
        words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        fit = [texts[i] for i in train]
        held = [texts[i] for i in test]
        x_train = hstack([words.fit_transform(fit), chars.fit_transform(fit)]).tocsr()
        x_test = hstack([words.transform(held), chars.transform(held)]).tocsr()
        model = LogisticRegression(C=10.0, max_iter=2000).fit(x_train, y[train])
        proba[test] = model.predict_proba(x_test)[:, 1]
    print("TF-IDF word+char + logistic regression, 5-fold:", polarity_metrics(y, proba).to_dict())


if __name__ == "__main__":
    main()
