"""Labelled review files for training and evaluation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from critica.io.readers import UnusableInput, read_reviews
from critica.text import prepare

POSITIVE = {"positive", "pos", "positiva", "1", "true"}
NEGATIVE = {"negative", "neg", "negativa", "0", "false"}


@dataclass
class LabelledSet:
    """Reviews with 0/1 labels, segmented into sentences."""

    ids: list[str]
    texts: list[str]
    sentences: list[list[str]]
    y: np.ndarray
    source_digest: str
    skipped: int = 0


def file_digest(path: Path) -> str:
    """SHA-256 of a file, to recognise training data later."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_labelled(
    path: str | Path,
    text_col: str = "review",
    label_col: str = "sentiment",
    id_col: str = "id",
    exclude_texts: set[str] | None = None,
) -> LabelledSet:
    """Read a CSV/JSONL/Parquet file of reviews with a positive/negative label column.

    Rows without text or with an unknown label are counted in `skipped`.
    `exclude_texts` drops rows whose text is in the set (e.g. English originals
    of Spanish reviews, which would leak across folds).
    """
    path = Path(path)
    labels = {row.row: row.text for row in read_reviews(path, id_col=id_col, text_col=label_col)}
    ids, texts, ys, skipped = [], [], [], 0
    for row in read_reviews(path, id_col=id_col, text_col=text_col):
        label = str(labels.get(row.row, "")).strip().lower()
        if row.problem or not isinstance(row.text, str) or label not in POSITIVE | NEGATIVE:
            skipped += 1
            continue
        if exclude_texts and row.text in exclude_texts:
            continue
        ids.append(row.id or f"row{row.row}")
        texts.append(row.text)
        ys.append(1 if label in POSITIVE else 0)
    if not texts:
        raise UnusableInput(f"{path}: no labelled reviews (need columns '{text_col}' and '{label_col}')")
    sentences = [[s.text for s in prepare(t).sentences] for t in texts]
    return LabelledSet(ids, texts, sentences, np.array(ys, dtype=int), file_digest(path), skipped)
