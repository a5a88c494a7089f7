"""The output contract (shared/DESIGN.md §1) as typed objects — the one place it is defined.

Every interface (Python API, CLI, batch, service, store) serialises an
`Analysis` through `Analysis.to_dict()`; nothing else builds contract JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ASPECT_IDS: tuple[str, ...] = (
    "fotografia",
    "actuacion",
    "direccion",
    "guion",
    "musica",
    "ritmo",
    "efectos",
    "produccion",
)
ROLES: tuple[str, ...] = ("director", "writer", "cinematographer", "composer", "editor", "producer", "actor")

SentimentLabel = Literal["positive", "negative"]
AspectPolarity = Literal["positive", "negative", "mixed"]


@dataclass
class Sentiment:
    """Verdict for the whole review; `score` is the calibrated probability of `label`.

    `rating` is the estimated rating on the 1–5 star scale (a float), learnt from
    native reviewers' own stars; null when the review is not judged.
    """

    label: SentimentLabel | None
    score: float | None
    model: str | None
    rating: float | None = None


@dataclass
class SentenceSpan:
    """One sentence, in original offsets, with its polarity in [-1, 1] from the model."""

    start: int
    end: int
    polarity: float


@dataclass
class Evidence:
    """A passage that moved the verdict; `weight` is its signed share of the decision."""

    start: int
    end: int
    text: str
    weight: float


@dataclass
class Mention:
    """A span of the original text."""

    start: int
    end: int
    text: str


@dataclass
class AspectJudgement:
    """What the reviewer thinks of one film aspect."""

    aspect: str
    polarity: AspectPolarity
    score: float
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class CatalogLink:
    """The user's catalogue film a title mention was linked to (`Config.catalog`)."""

    id: str
    title: str
    how: str  # exact / folded / fuzzy
    score: float


@dataclass
class Film:
    """A film the review names."""

    title: str
    original_title: str | None = None
    year: int | None = None
    reviewed: bool = False
    start: int | None = None
    end: int | None = None
    catalog: CatalogLink | None = None  # added key: written only when a catalogue linked the film


@dataclass
class Person:
    """A real person the review names, with the roles the text gives them."""

    name: str
    roles: list[str] = field(default_factory=list)
    character: str | None = None
    start: int | None = None
    end: int | None = None
    mentions: list[list[int]] = field(default_factory=list)  # [start, end] of every mention (added key)


@dataclass
class Award:
    """A prize or nomination the review names (a festival alone only where its sentence speaks of prizes)."""

    award: str
    event: str | None = None
    year: int | None = None
    film: str | None = None
    person: str | None = None
    nomination: bool = False  # added key: the text speaks of a nomination, not a win


@dataclass
class Festival:
    """A festival the review names (added key), whether a prize goes with it or the film was shown there."""

    festival: str
    year: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Facts:
    """Films, people and awards named in the review, and the festivals it names (added key)."""

    films: list[Film] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    festivals: list[Festival] = field(default_factory=list)


@dataclass
class Fragment:
    """A non-Spanish fragment left inside the text."""

    start: int
    end: int
    text: str
    language: str


@dataclass
class Quality:
    """Machine-translation signals."""

    machine_translation: float | None = None
    untranslated: list[Fragment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class AnalysisError:
    """A per-review problem: the review still gets a contract object."""

    code: str
    message: str


@dataclass
class RuleHit:
    """Which named rule (critica/facts/rules.py) found one fact: `facts[kind][index]`."""

    kind: str  # "films", "people" or "awards"
    index: int
    rule: str


@dataclass
class Analysis:
    """One analysed review: the contract object."""

    id: str
    language: str | None
    sentiment: Sentiment
    sentences: list[SentenceSpan] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    aspects: list[AspectJudgement] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    quality: Quality = field(default_factory=Quality)
    errors: list[AnalysisError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # results of stages registered outside critica
    explain: list[RuleHit] = field(default_factory=list)  # filled only with Config(explain=True)

    def to_dict(self) -> dict[str, Any]:
        """The contract object as plain JSON-ready data.

        "extra" and "explain" (added keys of the contract) are written only when filled: by a
        stage outside critica, and by `Config(explain=True)`; a film's "catalog" only when
        `Config(catalog=…)` linked it. Other results keep their exact shape.
        """
        data = asdict(self)
        for optional in ("extra", "explain"):
            if not data[optional]:
                del data[optional]
        for film in data["facts"]["films"]:
            if film["catalog"] is None:
                del film["catalog"]
        return data

    @property
    def label(self) -> str | None:
        """Shortcut for `sentiment.label`."""
        return self.sentiment.label

    @property
    def score(self) -> float | None:
        """Shortcut for `sentiment.score`."""
        return self.sentiment.score


def film_of(record: dict[str, Any]) -> str | None:
    """The film a serialised result is filed under (batch output, store, report).

    The input's film column when the row has one (the user knows what was reviewed), else the
    catalogue film the text's reviewed film was linked to (`--catalog`: one name for every
    spelling), else the film the text seems to review. The text's own choice stays in `facts.films[].reviewed`, and
    `text_film_of` gives it, so a disagreement can be shown rather than merged.
    """
    linked = catalog_film_of(record)
    return record.get("source", {}).get("film") or (linked[1] if linked else None) or text_film_of(record)


def _reviewed_film(record: dict[str, Any]) -> dict[str, Any] | None:
    return next((f for f in record.get("facts", {}).get("films", []) if f.get("reviewed")), None)


def text_film_of(record: dict[str, Any]) -> str | None:
    """The film the review's text seems to review (`facts.films[].reviewed`), if it names one."""
    reviewed = _reviewed_film(record)
    return reviewed["title"] if reviewed else None


def catalog_film_of(record: dict[str, Any]) -> tuple[str, str] | None:
    """(id, title) of the user's catalogue film that the text's reviewed film was linked to, if any."""
    reviewed = _reviewed_film(record)
    link = reviewed.get("catalog") if reviewed else None
    return (link["id"], link["title"]) if link else None


def catalog_id_of(record: dict[str, Any]) -> str | None:
    """The catalogue id of the reviewed film (the `film_id` column of batch output and store), if linked."""
    linked = catalog_film_of(record)
    return linked[0] if linked else None
