"""The user's film catalogue: linking the titles a review names to the user's own film ids.

A catalogue is a CSV with `id` and `title` columns, and optionally
`original_title` and `year`. A title mention links to a film by, in order:

1. **exact**: the mention equals a title or original title;
2. **folded**: equal once case, accents, punctuation and a leading article are ignored
   ("la novia cadaver" → "La Novia Cadáver");
3. **fuzzy**: close in spelling (a typo, a dropped word: similarity ≥ 0.88 on the folded
   strings), or, when an encoder is given, close in meaning — the literal translations of
   machine-translated text ("la virgen de 40 años" → "The 40 Year Old Virgin") are near their
   original in the multilingual encoder's space (cosine ≥ 0.90 and 0.02 clear of the next film).

A year in the review that contradicts the catalogue's by more than one blocks a fuzzy link.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from critica.errors import CriticaError
from critica.facts.names import fold

Embed = Callable[[list[str]], np.ndarray]  # texts → L2-normalised rows

SPELLING_MIN = 0.88
MEANING_MIN = 0.90
MEANING_MARGIN = 0.02
_QUERY_CACHE = 10_000  # embedded mentions kept (about 15 MB)
_ARTICLE = re.compile(r"^(?:el|la|los|las|un|una|the|a|an|le|les|il|lo)\s+")


class CatalogError(CriticaError, ValueError):
    """The catalogue file cannot be read (missing, wrong columns, a bad year)."""


@dataclass(frozen=True)
class CatalogFilm:
    """One film of the user's catalogue."""

    id: str
    title: str
    original_title: str | None = None
    year: int | None = None

    @property
    def names(self) -> list[str]:
        """The title and the original title."""
        return [n for n in (self.title, self.original_title) if n]


@dataclass(frozen=True)
class Link:
    """A mention linked to a catalogue film: how, and how close (1.0 for exact and folded)."""

    id: str
    title: str
    how: str  # exact / folded / fuzzy
    score: float


def key(title: str) -> str:
    """Case, accents, punctuation and a leading article ignored."""
    words = re.sub(r"[^\w\s]", " ", fold(title))
    return _ARTICLE.sub("", " ".join(words.split()))


class Catalog:
    """The films of a catalogue, indexed for exact, folded and fuzzy lookups."""

    def __init__(self, films: Sequence[CatalogFilm], embed: Embed | None = None) -> None:
        """Index `films`; with `embed`, also embed their names for links by meaning."""
        if not films:
            raise CatalogError("the catalogue has no films")
        self.films = list(films)
        self._exact = {name: f for f in self.films for name in f.names}
        self._folded = {key(name): f for f in self.films for name in f.names}
        self._names = [(key(name), f) for f in self.films for name in f.names]
        self.embed = embed
        self._vectors: np.ndarray | None = None
        self._owners = [f for f in self.films for _ in f.names]
        self._queries: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, path: Path, embed: Embed | None = None) -> Catalog:
        """Read a catalogue CSV (id, title[, original_title, year])."""
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = {"id", "title"} - set(reader.fieldnames or [])
                if missing:
                    raise CatalogError(f"{path}: the catalogue needs columns id and title (missing {sorted(missing)})")
                films = [_film(row, path, line) for line, row in enumerate(reader, start=2)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CatalogError(f"{path}: cannot read the catalogue ({exc})") from exc
        return cls([f for f in films if f is not None], embed)

    def link(self, title: str, year: int | None = None) -> Link | None:
        """The catalogue film a mention names, or None."""
        if title in self._exact:
            return _link(self._exact[title], "exact", 1.0)
        folded = key(title)
        if folded in self._folded:
            return _link(self._folded[folded], "folded", 1.0)
        return self._by_spelling(folded, year) or self._by_meaning(title, year)

    def _by_spelling(self, folded: str, year: int | None) -> Link | None:
        if len(folded) < 4:
            return None
        scored = [(SequenceMatcher(None, folded, name).ratio(), f) for name, f in self._names if _year_ok(f, year)]
        score, film = max(scored, key=lambda x: x[0], default=(0.0, None))
        return _link(film, "fuzzy", score) if film is not None and score >= SPELLING_MIN else None

    def _by_meaning(self, title: str, year: int | None) -> Link | None:
        if self.embed is None or len(key(title)) < 4:
            return None
        if self._vectors is None:
            self._vectors = np.asarray(self.embed([n for f in self.films for n in f.names]), dtype=np.float32)
        if title not in self._queries:  # a batch names the same films again and again
            if len(self._queries) >= _QUERY_CACHE:
                self._queries.clear()
            self._queries[title] = np.asarray(self.embed([title]), dtype=np.float32)[0]
        query = self._queries[title]
        sims = self._vectors @ query
        best_per_film: dict[str, tuple[float, CatalogFilm]] = {}
        for sim, film in zip(sims.tolist(), self._owners, strict=True):
            if _year_ok(film, year) and sim > best_per_film.get(film.id, (-1.0, film))[0]:
                best_per_film[film.id] = (sim, film)
        ranked = sorted(best_per_film.values(), key=lambda x: -x[0])
        if not ranked or ranked[0][0] < MEANING_MIN:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MEANING_MARGIN:
            return None  # two films as close: not a link anyone should trust
        return _link(ranked[0][1], "fuzzy", ranked[0][0])


def _year_ok(film: CatalogFilm, year: int | None) -> bool:
    return year is None or film.year is None or abs(film.year - year) <= 1


def _link(film: CatalogFilm, how: str, score: float) -> Link:
    return Link(film.id, film.title, how, round(float(score), 3))


def _film(row: dict[str, str | None], path: Path, line: int) -> CatalogFilm | None:
    film_id, title = (row.get("id") or "").strip(), (row.get("title") or "").strip()
    if not film_id and not title and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
        return None  # an empty row
    if not film_id or not title:
        raise CatalogError(f"{path}:{line}: every film needs an id and a title")
    year_text = (row.get("year") or "").strip()
    if year_text and not re.fullmatch(r"\d{4}", year_text):
        raise CatalogError(f"{path}:{line}: year must be four digits, got {year_text!r}")
    original = (row.get("original_title") or "").strip() or None
    return CatalogFilm(film_id, title, original, int(year_text) if year_text else None)
