"""Which of the films a review names is the one it reviews.

Two ways to decide: `reviewed_film`, the hand rule (mentions, the opening, a verdict on the film),
and `ReviewedChooser`, a logistic model over the same clues and a few more, learned from
MuchoCine's film column (`critica train-reviewed`, `facts/reviewed_train.py`). The pipeline uses
the chooser; `Config(reviewed_model=False)` falls back on the rule, so each is measured alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critica.errors import CriticaError
from critica.facts import rules
from critica.facts.films import FilmFacts, occurrences
from critica.text.patterns import spanish_re

TAGGED_NEEDS = 3  # score a tagger-only title needs to be the reviewed one (dev: fewer false, same found)

# '"Cinderella II" es una de las peores películas': the reviewer's verdict on a film names the reviewed one.
# …but not '"Spike" es una película mejor actuada que esta', a comparison.
_VERDICT_AFTER = spanish_re(
    r"[\"”»'’]?\s*(?:es|fue|era)\s+(?:una|un|la|el)\s+(?:de\s+las?\s+)?(?:\w+\s+){0,2}"
    r"(?:pel[íi]culas?|film|filmes|cintas?|comedias?|dramas?|documental(?:es)?|series?|thrillers?"
    r"|obras? maestras?|joyas?|bodrios?|desastres?|cl[áa]sicos?|maravillas?)\b"
    r"(?!\s+(?:\w+\s+)?(?:mejor|peor|más|menos)\b)",
    re.I,
)
_COMPARED_BEFORE = spanish_re(
    r"(?:\bcomo|(?<!esta )\b(?:episodios|cap[íi]tulos|remake|secuela|precuela|versi[óo]n|original) de|\binspirad[oa] en"
    r"|\brecuerda a|\bsimilar a|\bparecid[oa] a|\b(?:mejor|peor|más|menos) que|\bcomparad[oa] con"
    r"|\bal estilo de|\ba la (?:altura|par) (?:de|con))\s*[\"“«'‘]?$",
    re.I,
)


def _compared(text: str, at: int) -> bool:
    """'programas como Star Trek', 'mejor que «Spike»': the mention at `at` names a film to compare."""
    return bool(_COMPARED_BEFORE.search(text, max(0, at - 30), at))


def _judged(text: str, spans: list[tuple[int, int]]) -> bool:
    """Some mention is followed by a verdict on it ('"X" es una de las peores películas')."""
    return any(_VERDICT_AFTER.match(text, end) for _, end in spans)


def reviewed_film(films: list[FilmFacts], text: str) -> FilmFacts | None:
    """The film the review is about.

    Each mention counts one; a mention in the opening one more, and a verdict on it ('"X" es una de
    las peores películas') two more. One mention outside the opening is not enough: that film is as
    likely a comparison.
    """
    if not films:
        return None
    opening = max(300, len(text) // 5)

    def score(film: FilmFacts) -> int:
        own = [at for at in film.occurrences if not _compared(text, at)]  # a comparison does not count
        return len(own) + bool(own and own[0] < opening) + 2 * _judged(text, occurrences(film.title, text))

    scores = {id(film): score(film) for film in films}
    best = max(films, key=lambda f: (scores[id(f)], -f.occurrences[0]))
    # A title only the learned tagger found is a guess; it must be named more often to be the one.
    needed = TAGGED_NEEDS if best.rule == rules.FILM_TAGGED else 2
    return best if scores[id(best)] >= needed else None


# ---- the learned chooser's view of one candidate --------------------------------------------
_FILM_CUE_BEFORE = spanish_re(
    r"\b(?:esta|la|nueva|[úu]ltima|primera)\s+(?:pel[íi]cula|peli|cinta|film|comedia|obra)\s*[\"“«'‘]?\s*$", re.I
)
_MAKER_AFTER = spanish_re(r"[\"”»'’]?\s*(?:\(\d{4}\)\s*)?,?\s+(?:de|del director)\s+[A-ZÁÉÍÓÚÑ]")
# "su anterior película, Una historia de violencia", "tras Amores perros", "ya en Alien": an earlier work.
_EARLIER_BEFORE = spanish_re(
    r"(?:\b(?:anterior|previa|primera|pasada|precedente)\s+(?:pel[íi]cula|peli|obra|trabajo|cinta|entrega|parte)"
    r"(?:\s+de\s+\w+)?|\b(?:tras|despu[ée]s\s+de|antes\s+de|ya\s+en|desde)(?:\s+(?:la|el))?)"
    r"\s*,?\s*[\"“«'‘]?$",
    re.I,
)
# "Superbad es un amargo canto", "Skizo narra…": the title as the subject of the review's sentence.
_SUBJECT_AFTER = spanish_re(
    r"[\"”»'’]?\s*(?:es|fue|era|resulta|supone|narra|cuenta|nos\s+\w+|se\s+\w+|no\s+es)\b", re.I
)
_RULE_FEATURES = {rules.FILM_QUOTED: "quoted", rules.FILM_CUED: "cued", rules.FILM_TAGGED: "tagged"}
FEATURES = (
    "mentions",
    "compared_share",
    "first_at",
    "in_opening",
    "at_start",
    "in_closing",
    "verdict",
    "share",
    "most_named",
    "earliest",
    "only",
    "candidates",
    "quoted",
    "cued",
    "tagged",
    "other_rule",
    "year",
    "original_title",
    "words",
    "upper",
    "film_cue",
    "maker_after",
    "earlier_work",
    "subject",
)


def candidate_features(film: FilmFacts, films: list[FilmFacts], text: str) -> dict[str, float]:
    """What the chooser reads of one candidate: how often, where and how the review names it."""
    size = max(len(text), 1)
    spans = occurrences(film.title, text) or [(film.start, film.end)]
    starts = sorted(film.occurrences) or [film.start]
    compared = sum(_compared(text, at) for at in starts)
    counts = [max(len(f.occurrences), 1) for f in films]
    firsts = [min(f.occurrences or [f.start]) for f in films]
    rule = _RULE_FEATURES.get(film.rule, "other_rule")
    values = {
        "mentions": math.log1p(len(starts) - compared),
        "compared_share": compared / len(starts),
        "first_at": starts[0] / size,
        "in_opening": float(starts[0] < max(300, size // 5)),
        "at_start": float(starts[0] < 120),
        "in_closing": float(starts[-1] > 0.8 * size),
        "verdict": float(_judged(text, spans)),
        "share": len(starts) / sum(counts),
        "most_named": float(len(starts) >= max(counts)),
        "earliest": float(starts[0] <= min(firsts)),
        "only": float(len(films) == 1),
        "candidates": math.log1p(len(films)),
        "year": float(film.year is not None),
        "original_title": float(film.original_title is not None),
        "words": math.log1p(len(film.title.split())),
        "upper": float(film.title.isupper() and len(film.title) > 3),
        "film_cue": float(any(_FILM_CUE_BEFORE.search(text, max(0, at - 40), at) for at in starts)),
        "maker_after": float(any(_MAKER_AFTER.match(text, end) for _, end in spans)),
        "earlier_work": sum(bool(_EARLIER_BEFORE.search(text, max(0, at - 50), at)) for at in starts) / len(starts),
        "subject": float(any(_SUBJECT_AFTER.match(text, end) for _, end in spans)),
    }
    values.update({name: float(name == rule) for name in ("quoted", "cued", "tagged", "other_rule")})
    return values


BUNDLED_CHOOSER = Path(__file__).resolve().parent.parent / "models" / "reviewed-film" / "chooser.json"
CHOOSER_FORMAT = 1


class ChooserError(CriticaError, RuntimeError):
    """The reviewed-film chooser's file is missing or unreadable."""


@dataclass(frozen=True)
class ReviewedChooser:
    """A logistic model of "this candidate is the reviewed film", learned from MuchoCine's film column.

    Every candidate is scored on `candidate_features`; the best one is the reviewed film when its
    probability reaches `threshold` (chosen on out-of-fold F1, `train_chooser`).
    """

    weights: dict[str, float]
    bias: float
    threshold: float
    report: dict[str, Any] = field(default_factory=dict)

    def probability(self, film: FilmFacts, films: list[FilmFacts], text: str) -> float:
        """P(reviewed) of one candidate among the review's films."""
        values = candidate_features(film, films, text)
        z = self.bias + sum(self.weights[name] * values[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(reviewed) of feature rows in `FEATURES` order (as `reviewed_train.candidate_rows` gives them)."""
        coef = np.array([self.weights[name] for name in FEATURES])
        return 1.0 / (1.0 + np.exp(-(rows @ coef + self.bias)))

    def choose(self, films: list[FilmFacts], text: str) -> FilmFacts | None:
        """The reviewed film, or None when no candidate is likely enough."""
        if not films:
            return None
        scored = [(self.probability(f, films, text), -f.start, i) for i, f in enumerate(films)]
        best, _, index = max(scored)
        return films[index] if best >= self.threshold else None

    def save(self, folder: Path) -> None:
        """Write `chooser.json` into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        payload = {"format": CHOOSER_FORMAT, "features": list(FEATURES), "weights": self.weights}
        payload |= {"bias": self.bias, "threshold": self.threshold, "report": self.report}
        (folder / "chooser.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = BUNDLED_CHOOSER) -> ReviewedChooser:
        """The chooser in `path` (the bundled one by default)."""
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ChooserError(
                f"{path}: cannot read the reviewed-film chooser ({exc}); run `make model-reviewed`"
            ) from exc
        if payload.get("format") != CHOOSER_FORMAT or payload.get("features") != list(FEATURES):
            raise ChooserError(f"{path}: made for other features; retrain it with `make model-reviewed`")
        return cls(payload["weights"], payload["bias"], payload["threshold"], payload.get("report", {}))
