"""The local store: one DuckDB file of analysed reviews, and per-film reports from it.

Schema (one table, one row per review and model version):

    reviews(
      id TEXT, model TEXT,                 -- primary key: re-adding a result replaces it
      film TEXT,                           -- the input's film column, else the film the text reviews
      text_film TEXT,                      -- the film the text seems to review (facts), shown beside it
      film_id TEXT,                        -- its id in the user's catalogue (`--catalog`), if linked
      label TEXT, score DOUBLE,            -- sentiment; score = P(label)
      p_positive DOUBLE,                   -- P(positive), for averaging
      rating DOUBLE,                       -- estimated stars, 1–5
      machine_translation DOUBLE,
      errors TEXT[],                       -- error codes
      analysis JSON,                       -- the whole contract object
      added_at TIMESTAMP)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from critica.errors import CriticaError
from critica.schema import catalog_id_of, film_of, text_film_of
from critica.text.fold import fold

SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id TEXT NOT NULL,
    model TEXT NOT NULL,
    film TEXT,
    label TEXT,
    score DOUBLE,
    p_positive DOUBLE,
    machine_translation DOUBLE,
    errors TEXT[],
    analysis JSON,
    added_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (id, model)
);
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS rating DOUBLE;  -- stores made before ratings existed
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS text_film TEXT;  -- … and before the film column won
ALTER TABLE reviews ADD COLUMN IF NOT EXISTS film_id TEXT;  -- … and before catalogues
"""
MT_THRESHOLD = 0.5
# Per-film aggregates; {only} narrows it to one film.
_PER_FILM = """
    SELECT film, count(*) AS reviews,
           sum(CASE WHEN label = 'positive' THEN 1 ELSE 0 END) AS positives,
           avg(p_positive) AS mean_p_positive,
           avg(CASE WHEN machine_translation > ? THEN 1.0 ELSE 0.0 END) AS mt_share,
           avg(rating) AS mean_rating, stddev_samp(rating) AS sd_rating, count(rating) AS rated
    FROM reviews WHERE film IS NOT NULL AND label IS NOT NULL {only}
    GROUP BY film ORDER BY reviews DESC, film
"""


def wilson_interval(positives: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (sane for small n and extreme shares)."""
    if n == 0:
        return 0.0, 0.0
    p = positives / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rating_interval(mean: float | None, sd: float | None, n: int, z: float = 1.96) -> list[float] | None:
    """Normal-approximation 95% interval of a mean rating, clipped to 1–5; None below two ratings."""
    if mean is None or sd is None or n < 2:
        return None
    half = z * float(sd) / math.sqrt(n)
    return [round(max(1.0, float(mean) - half), 2), round(min(5.0, float(mean) + half), 2)]


class StoreError(CriticaError, RuntimeError):
    """The store file cannot be opened or read; the message says why and what to do."""


class NotAResult(CriticaError, ValueError):
    """A record given to `ReviewStore.add` is not a critica contract object."""


def _opening_problem(exc: Exception) -> str:
    text = str(exc).lower()
    if "lock" in text:
        return "another process is using it (e.g. a running `critica batch --store`); try again when it finishes"
    if "not a valid duckdb" in text or "corrupt" in text or "invalid" in text:
        return "it is not a critica store (not a valid DuckDB file, or damaged); give another --db or rebuild it"
    return f"DuckDB cannot open it ({str(exc).splitlines()[0][:200]})"


def check_result(record: Any) -> None:
    """Raise NotAResult unless `record` has the contract's id, sentiment and errors."""
    if not isinstance(record, dict):
        raise NotAResult("not a JSON object")
    sentiment = record.get("sentiment")
    if not isinstance(record.get("id"), str) or not isinstance(sentiment, dict):
        raise NotAResult("no 'id' and 'sentiment': not a critica result")
    if not {"label", "score", "model"} <= sentiment.keys() or not isinstance(record.get("errors"), list):
        raise NotAResult("'sentiment' lacks label/score/model, or 'errors' is not a list")


class ReviewStore:
    """A DuckDB file of results; safe to add the same results twice."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        try:
            self.db = duckdb.connect(str(self.path), read_only=read_only)
            if not read_only:
                self.db.execute(SCHEMA)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {_opening_problem(exc)}") from exc

    def close(self) -> None:
        """Close the database file."""
        self.db.close()

    def add(self, records: Iterable[dict[str, Any]]) -> int:
        """Insert or replace contract objects, all or none; returns how many were given.

        Raises NotAResult (nothing inserted) when a record is not a contract object.
        """
        rows = []
        for r in records:
            check_result(r)
            s = r["sentiment"]
            p_pos = None if s["score"] is None else (s["score"] if s["label"] == "positive" else 1 - s["score"])
            rows.append(
                (
                    r["id"],
                    s["model"] or "none",
                    film_of(r),
                    text_film_of(r),
                    catalog_id_of(r),
                    s["label"],
                    s["score"],
                    p_pos,
                    s.get("rating"),
                    r.get("quality", {}).get("machine_translation"),
                    [e["code"] for e in r["errors"]],
                    json.dumps(r, ensure_ascii=False),
                )
            )
        if rows:
            self.db.executemany(
                "INSERT OR REPLACE INTO reviews (id, model, film, text_film, film_id, label, score, p_positive,"
                " rating, machine_translation, errors, analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def count(self) -> int:
        """Reviews in the store."""
        return int(self.db.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def films(self) -> list[dict[str, Any]]:
        """One summary row per film with at least one judged review."""
        rows = self.db.execute(_PER_FILM.format(only=""), [MT_THRESHOLD]).fetchall()
        return [self._film_summary(*row, self._analyses(row[0])) for row in rows]

    def _film_summary(
        self,
        film: str,
        n: int,
        positives: int,
        mean_p: float,
        mt_share: float,
        mean_rating: float | None,
        sd_rating: float | None,
        rated: int,
        analyses: list[dict[str, Any]],
    ) -> dict[str, Any]:
        low, high = wilson_interval(int(positives), int(n))
        return {
            "film": film,
            "reviews": int(n),
            "positive_share": round(positives / n, 4),
            "positive_ci95": [round(low, 4), round(high, 4)],
            "mean_p_positive": round(float(mean_p), 4),
            "mean_rating": None if mean_rating is None else round(float(mean_rating), 2),
            "rating_ci95": rating_interval(mean_rating, sd_rating, int(rated)),
            "aspects": _aspect_balance(analyses),
            "people": _top_people(analyses),
            "awards": sorted({a["award"] for r in analyses for a in r["facts"]["awards"]}),
            # .get: a store written before critica reported festivals has none
            "festivals": sorted({f["festival"] for r in analyses for f in r["facts"].get("festivals", [])}),
            "machine_translated_share": round(float(mt_share), 4),
            "text_names_another_film": _other_films(film, analyses),
        }

    def _analyses(self, film: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT analysis FROM reviews WHERE film = ? AND label IS NOT NULL ORDER BY id", [film]
        ).fetchall()
        return [json.loads(a) for (a,) in rows]

    def film(self, title: str) -> dict[str, Any] | None:
        """A film's summary (title matched case-insensitively) plus its strongest evidence passages."""
        row = self.db.execute(_PER_FILM.format(only="AND lower(film) = lower(?)"), [MT_THRESHOLD, title]).fetchone()
        if row is None:
            return None
        analyses = self._analyses(row[0])
        summary = self._film_summary(*row, analyses)
        passages = [
            {"review": r["id"], "text": e["text"], "weight": e["weight"]} for r in analyses for e in r["evidence"]
        ]
        summary["strongest_positive"] = sorted((p for p in passages if p["weight"] > 0), key=lambda p: -p["weight"])[:5]
        summary["strongest_negative"] = sorted((p for p in passages if p["weight"] < 0), key=lambda p: p["weight"])[:5]
        return summary

    def timeline(self) -> list[tuple[str, int]]:
        """Reviews added per day (for the 'reviews over the store' plot)."""
        rows = self.db.execute(
            "SELECT strftime(added_at, '%Y-%m-%d') AS day, count(*) FROM reviews GROUP BY day ORDER BY day"
        ).fetchall()
        return [(str(day), int(n)) for day, n in rows]

    def scores(self) -> list[float]:
        """Every P(positive) in the store (for the polarity distribution plot)."""
        rows = self.db.execute("SELECT p_positive FROM reviews WHERE p_positive IS NOT NULL").fetchall()
        return [float(p) for (p,) in rows]


def _other_films(film: str, analyses: list[dict[str, Any]], limit: int = 5) -> dict[str, Any]:
    """Reviews filed under `film` (by the input's film column) whose text seems to review another film."""
    said = ((r["id"], text_film_of(r)) for r in analyses)
    others = [{"review": rid, "text_film": title} for rid, title in said if title and fold(title) != fold(film)]
    return {"reviews": len(others), "examples": others[:limit]}


def _aspect_balance(analyses: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    balance: dict[str, dict[str, int]] = {}
    for record in analyses:
        for aspect in record["aspects"]:
            counts = balance.setdefault(aspect["aspect"], {"positive": 0, "negative": 0, "mixed": 0})
            counts[aspect["polarity"]] += 1
    return dict(sorted(balance.items()))


def _top_people(analyses: list[dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for record in analyses:
        for person in record["facts"]["people"]:
            entry = people.setdefault(person["name"], {"name": person["name"], "mentions": 0, "roles": set()})
            entry["mentions"] += 1
            entry["roles"].update(person["roles"])
    ranked = sorted(people.values(), key=lambda p: (-p["mentions"], p["name"]))[:limit]
    return [{**p, "roles": sorted(p["roles"])} for p in ranked]
