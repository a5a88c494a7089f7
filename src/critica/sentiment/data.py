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
NEUTRAL = {"neutral", "neutra", "neutro", "mixed"}


@dataclass
class LabelledSet:
    """Reviews with labels (1 positive, 0 negative, -1 neutral) and stars (0 = none), segmented into sentences."""

    ids: list[str]
    texts: list[str]
    sentences: list[list[str]]
    y: np.ndarray
    source_digest: str
    skipped: int = 0
    stars: np.ndarray | None = None


def file_digest(path: Path) -> str:
    """SHA-256 of a file, to recognise training data later."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_labelled(
    path: str | Path,
    text_col: str = "review",
    label_col: str | None = "sentiment",
    id_col: str = "id",
    exclude_texts: set[str] | None = None,
    rating_col: str | None = None,
    keep_neutral: bool = False,
) -> LabelledSet:
    """Read a CSV/JSONL/Parquet file of reviews with a label column and/or a 1–5 rating column.

    Without `label_col`, the label follows the rating (1–2 negative, 3 neutral, 4–5 positive).
    Rows without text, with an unknown label or a rating outside 1–5 are counted in `skipped`;
    neutral rows are kept (label -1) only with `keep_neutral`. `exclude_texts` drops rows whose
    text is in the set (e.g. English originals of Spanish reviews, which would leak across folds).
    """
    path = Path(path)
    labels = _column(path, id_col, label_col) if label_col else {}
    ratings = _column(path, id_col, rating_col) if rating_col else {}
    ids, texts, ys, stars, skipped = [], [], [], [], 0
    for row in read_reviews(path, id_col=id_col, text_col=text_col):
        star = _stars(ratings.get(row.row)) if rating_col else 0
        label = _label(labels.get(row.row), star) if label_col else _label(None, star)
        if row.problem or not isinstance(row.text, str) or label is None or star is None:
            skipped += 1
            continue
        if (label == -1 and not keep_neutral) or (exclude_texts and row.text in exclude_texts):
            continue
        ids.append(row.id or f"row{row.row}")
        texts.append(row.text)
        ys.append(label)
        stars.append(star)
    if not texts:
        wanted = " and ".join(f"'{c}'" for c in (text_col, label_col or rating_col) if c)
        raise UnusableInput(f"{path}: no labelled reviews (need columns {wanted})")
    sentences = [[s.text for s in prepare(t).sentences] for t in texts]
    return LabelledSet(
        ids, texts, sentences, np.array(ys, dtype=int), file_digest(path), skipped, np.array(stars, dtype=int)
    )


def _column(path: Path, id_col: str, column: str) -> dict[int, object]:
    return {row.row: row.text for row in read_reviews(path, id_col=id_col, text_col=column)}


def _stars(value: object) -> int | None:
    """1–5 from a rating cell, None when it is not one."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return int(number) if number in (1, 2, 3, 4, 5) else None


def _label(value: object, stars: int) -> int | None:
    text = "" if value is None else str(value).strip().lower()
    if text in POSITIVE:
        return 1
    if text in NEGATIVE:
        return 0
    if text in NEUTRAL:
        return -1
    if not text and stars:
        return 1 if stars >= 4 else 0 if stars <= 2 else -1
    return None
