"""The public corpora critica's bundled models learn from, and their fixed held-out parts.

`make model` and the quality figures in the MODEL_CARD read these files from
`../shared/data` (never copied into the project). Each corpus has a test part
chosen before any model was tuned, and never used for training the shipped
models or choosing their settings:

- IMDB-es (machine-translated): the reviews whose id hashes to 0 mod 5 (a fifth);
- MuchoCine (native): fold 4 of the corpus's own five folds by film, so no film
  of the test part has a review in training; the one-line summaries follow
  their reviews;
- English IMDb: the reviews that are not originals of IMDB-es reviews (those
  would leak IMDB-es labels across parts), three tenths of them by text hash;
- es-movie (native cinema news, mostly about American films): the labelled
  test file is held out; the labelled train file is a development set (the
  title tagger's threshold), the unlabelled articles and their automatic
  annotation may train.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("../shared/data")
MUCHOCINE_TEST_FOLD = 4


@dataclass(frozen=True)
class Row:
    """One labelled text of a corpus."""

    id: str
    text: str
    label: str  # positive / negative / neutral, or "" when the corpus has none
    group: str  # the film (MuchoCine) or the row itself: what a split must not cut
    test: bool
    score: int | None = None  # MuchoCine's 1–5 stars
    fold: int | None = None


def _hash_bucket(key: str, buckets: int) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % buckets


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def imdb_es(root: Path = DEFAULT_ROOT) -> list[Row]:
    """IMDB-es, machine-translated from English: 1,700 positive/negative reviews."""
    return [
        Row(r["id"], r["review"], r["sentiment"], r["id"], _hash_bucket(r["id"], 5) == 0)
        for r in _read(root / "imdb_es" / "imdb_es_1700.csv")
    ]


def muchocine(root: Path = DEFAULT_ROOT, summaries: bool = False) -> list[Row]:
    """MuchoCine, native Spanish: reviews (or their one-line summaries) with 1–5 stars and folds by film."""
    folder = root / "muchocine"
    folds = {r["id"]: int(r["fold"]) for r in _read(folder / "muchocine_folds.csv")}
    name, column = ("muchocine_train_summaries.csv", "summary") if summaries else ("muchocine_train.csv", "review")
    return [
        Row(
            r["id"],
            r[column],
            r["sentiment"],
            r["film"],
            folds[r["id"]] == MUCHOCINE_TEST_FOLD,
            int(r["score"]),
            folds[r["id"]],
        )
        for r in _read(folder / name)
    ]


def imdb_en(root: Path = DEFAULT_ROOT) -> list[Row]:
    """English IMDb reviews that are not originals of IMDB-es reviews."""
    twins = {r["review_en"] for r in _read(root / "imdb_es" / "imdb_es_1700.csv")}
    rows = [r for r in _read(root / "imdb_en" / "imdb_en_2798.csv") if r["review"] not in twins]
    return [
        Row(f"en{i:04d}", r["review"], r["sentiment"], f"en{i:04d}", _hash_bucket(r["review"], 10) < 3)
        for i, r in enumerate(rows)
    ]


def es_movie(root: Path = DEFAULT_ROOT) -> list[Row]:
    """es-movie's news articles (20minutos.es cinema section), detokenised; the labelled files are test."""
    folder = root / "es_movie"
    files = (
        ("es-movie_unlabeled.txt", False, False),
        ("es-movie_first1500tokens.train", True, True),
        ("es-movie.test", True, True),
    )
    rows = []
    for name, tagged, test in files:
        for k, text in enumerate(_articles(folder / name, tagged)):
            rows.append(Row(f"{name}#{k}", text, "", f"{name}#{k}", test))
    return rows


def _articles(path: Path, tagged: bool) -> list[str]:
    """One text per article: tokens joined, spaces before closing punctuation removed."""
    articles: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split("\t")[0].strip()
        if not token:
            continue
        if token.startswith("https://"):
            articles.append([])
        elif articles:
            articles[-1].append(token)
    texts = []
    for tokens in articles:
        text = re.sub(r" ([.,;:!?)\]»])", r"\1", " ".join(tokens))
        texts.append(re.sub(r"([(\[«¿¡]) ", r"\1", text))
    return [t for t in texts if t]
