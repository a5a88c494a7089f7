"""The bundled models' training data: which corpora, which parts, which folds.

Training parts only (`critica.corpora` fixes the test parts): IMDB-es
(machine-translated), MuchoCine reviews and their one-line summaries (native,
all five star levels; folds by film, the corpus's own), and English IMDb
reviews (default tier: they train the probe and the English calibration).
IMDB-es and English rows get folds by a hash of their id, so that the same
four development folds serve every corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from critica import corpora
from critica.sentiment.train import TrainingData, load_pooled
from critica.text import prepare

DEV_FOLDS = 4  # MuchoCine's folds 0–3; fold 4 is the test part
LABELS = {"positive": 1, "negative": 0, "neutral": -1}


def _hash_fold(key: str) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % DEV_FOLDS


def bundled_training_data(
    root: Path, tier: str, cache: Path, log: Callable[[str], None] = print, include_test: bool = False
) -> tuple[TrainingData, list[str], np.ndarray]:
    """The training texts of the bundled recipe, their ids and their test flags (all False unless asked)."""
    parts = [
        ("imdb_es", "es", corpora.imdb_es(root)),
        ("muchocine", "es", corpora.muchocine(root)),
        ("muchocine_summaries", "es", corpora.muchocine(root, summaries=True)),
    ]
    if tier == "default":
        parts.append(("imdb_en", "en", corpora.imdb_en(root)))
    sentences, y, stars, fold, source, language, ids, test = [], [], [], [], [], [], [], []
    for name, lang, rows in parts:
        for row in rows:
            sentences.append([s.text for s in prepare(row.text).sentences])
            y.append(LABELS[row.label])
            stars.append(row.score or 0)
            fold.append(row.fold if row.fold is not None else _hash_fold(row.id))
            source.append(name)
            language.append(lang)
            ids.append(row.id)
            test.append(row.test)
    data = TrainingData(sentences, np.array(y), np.array(stars), np.array(fold), source, language)
    if tier == "default":
        # Whole corpora in file order, test parts included: the cache keys of one forward pass per corpus.
        load_pooled(data, cache, log)
    keep = np.ones(len(y), dtype=bool) if include_test else ~np.array(test)
    return data.subset(keep), [i for i, k in zip(ids, keep, strict=True) if k], np.array(test)[keep]
