"""The facts stage: films, people with roles and characters, awards and festivals — in original offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from critica.facts import rules
from critica.facts.awards import WON, AwardMention, FestivalMention, awards_and_festivals
from critica.facts.credits import CreditTable
from critica.facts.films import FilmFacts, extract_films
from critica.facts.names import NameSpan, fold, name_spans
from critica.facts.people import PersonFacts, character_pairs, collect_people
from critica.facts.reviewed import ReviewedChooser, reviewed_film
from critica.schema import Analysis, Award, CatalogLink, Facts, Festival, Film, Person, RuleHit
from critica.stages import register_stage
from critica.text import ENCODER_PIECES, Document

_NOMINATED = re.compile(r"\bnominad[oa]\b", re.I)


@register_stage("facts", assigns=("facts", "explain"))
class FactsStage:
    """Fills `facts` from the clean text, mapping every span back to the original.

    With `Config(explain=True)` it also fills `explain`: the rule that found each fact.
    """

    languages = ("es",)
    reads_parse = True  # the pipeline parses a batch's documents together for it

    def __init__(self, resources: Any) -> None:
        self.explain = resources.config.explain
        self.tagger = resources.title_tagger
        self.credits = resources.credits
        self.chooser = resources.reviewed_chooser
        self.catalog = resources.catalog

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Extract films, people and awards (and link the films to the user's catalogue)."""
        found = find_facts(doc, self.tagger, self.credits, self.chooser)
        analysis.facts = found.to_contract(doc)
        if self.catalog is not None:
            link_films(analysis.facts.films, self.catalog)
        if self.explain:
            analysis.explain = found.rule_hits()


@dataclass
class FoundFacts:
    """The facts of one review before they become contract objects (clean offsets, with their rules)."""

    films: list[FilmFacts]
    people: list[PersonFacts]
    awards: list[AwardMention]
    reviewed: FilmFacts | None
    festivals: list[FestivalMention]

    def to_contract(self, doc: Document) -> Facts:
        """The contract's `facts`, in original offsets."""
        return Facts(
            films=[_film(doc, f, f is self.reviewed) for f in self.films],
            people=[_person(doc, p) for p in self.people],
            awards=[Award(a.award, a.event, a.year, a.film, a.person, a.nomination) for a in self.awards],
            festivals=[_festival(doc, f) for f in self.festivals],
        )

    def rule_hits(self) -> list[RuleHit]:
        """Which rule found each fact, in the order of the contract's lists."""
        kinds = (("films", self.films), ("people", self.people), ("awards", self.awards))
        return [RuleHit(kind, i, item.rule) for kind, items in kinds for i, item in enumerate(items)]


def find_facts(
    doc: Document, tagger: Any = None, credits: CreditTable | None = None, chooser: ReviewedChooser | None = None
) -> FoundFacts:
    """All facts of one review, with the rule that found each.

    `tagger` (a `TitleTagger`, or None for the rules alone) adds the learned title spans; `credits`
    (a `CreditTable`, or None) the people and roles the training reviews credit; `chooser` (a
    `ReviewedChooser`, or None for the hand rule `reviewed_film`) picks the reviewed film.
    """
    text = doc.text
    sentences = [(s.clean_start, s.clean_end) for s in doc.sentences]
    ents = [(e.start_char, e.end_char, e.label_) for e in doc.spacy.ents]
    per_spans = [(a, b) for a, b, label in ents if label == "PER"]
    awards, festivals = awards_and_festivals(text, sentences)
    spans = name_spans(text)
    pieces = doc.memo.get(ENCODER_PIECES)  # the default tier's encoder outputs, when its sentiment stage ran
    films = extract_films(text, per_spans, tagger.spans(text, ents, pieces) if tagger is not None else ())
    films = _not_characters(text, films, spans)
    # Names inside a film, a prize or a festival ("Festival de San Sebastián") are no people.
    blocked = [(f.start, f.end) for f in [*films, *awards, *festivals]]
    places = [(a, b) for a, b, label in ents if label == "LOC"]
    people = collect_people(text, spans, per_spans, blocked, places, credits)
    person_keys = {fold(p.name) for p in people} | {fold(p.character) for p in people if p.character}
    films = [f for f in films if fold(f.title) not in person_keys]
    _credit_title_makers(text, films, people)
    reviewed = chooser.choose(films, text) if chooser is not None else reviewed_film(films, text)
    awards = _resolve_awards(text, awards, films, reviewed, people)
    return FoundFacts(films, people, awards, reviewed, festivals)


def _not_characters(text: str, films: list[FilmFacts], spans: list[NameSpan]) -> list[FilmFacts]:
    """Drop the tagger's titles that the text pairs with an actor: "Veronika (Tatyana Samojlova)".

    The learned tagger reads a capitalised name in a story as a title now and then; a character
    pair is the more precise reading, and a title would hide the name from the people rules.
    """
    if not any(f.rule == rules.FILM_TAGGED for f in films):
        return films
    characters = {fold(c) for c in character_pairs(text, spans).values()}
    return [f for f in films if f.rule != rules.FILM_TAGGED or fold(f.title) not in characters]


def _festival(doc: Document, found: FestivalMention) -> Festival:
    start, end = doc.clean.to_original(found.start, found.end)
    return Festival(found.festival, found.year, start, end)


def _credit_title_makers(text: str, films: list[FilmFacts], people: list[PersonFacts]) -> None:
    """'Rollerball 2002 de John McTiernan', '"28 días después" de Danny Boyle': a title's "de" names its director."""
    titles = "|".join(re.escape(f.title) for f in sorted(films, key=lambda f: -len(f.title)))
    if not titles:
        return
    before = re.compile(rf"(?:{titles})[\"'”»’]?\s*(?:\(?\d{{4}}\)?\s*)?,?\s+de\s+$", re.I)
    for person in people:
        if not person.roles and any(before.search(text, max(0, m.start - 120), m.start) for m in person.mentions):
            person.roles.add("director")


def link_films(films: list[Film], catalog: Any) -> None:
    """Set each film's `catalog` link (by its title, then its original title)."""
    for film in films:
        found = catalog.link(film.title, film.year)
        if found is None and film.original_title:
            found = catalog.link(film.original_title, film.year)
        if found is not None:
            film.catalog = CatalogLink(found.id, found.title, found.how, found.score)


def extract_facts(
    doc: Document, tagger: Any = None, credits: CreditTable | None = None, chooser: ReviewedChooser | None = None
) -> Facts:
    """All facts of one review, as the contract's `facts`."""
    return find_facts(doc, tagger, credits, chooser).to_contract(doc)


def _film(doc: Document, film: FilmFacts, reviewed: bool) -> Film:
    start, end = doc.clean.to_original(film.start, film.end)
    return Film(film.title, film.original_title, film.year, reviewed, start, end)


def _person(doc: Document, person: PersonFacts) -> Person:
    first: NameSpan = min(person.mentions, key=lambda m: m.start)
    start, end = doc.clean.to_original(first.start, first.end)
    mentions = [list(doc.clean.to_original(m.start, m.end)) for m in sorted(person.mentions, key=lambda m: m.start)]
    return Person(person.name, sorted(person.roles), person.character, start, end, mentions)


def _resolve_awards(
    text: str, awards: list[AwardMention], films: list[FilmFacts], reviewed: FilmFacts | None, people
) -> list[AwardMention]:
    """Tie each prize to the film and person of its sentence, then keep one entry per fact of a sentence.

    "Se llevaron el Oscar como Mejor actriz … en la pasada ceremonia de los Oscar": two mentions
    that say the same thing are one award in the contract, not two identical entries.
    """
    kept: dict[tuple, AwardMention] = {}
    for award in awards:
        award.film, award.person = _film_and_person(text, award.sentence, films, reviewed, people)
        kept.setdefault(award.key(), award)
    return list(kept.values())


def _film_and_person(
    text: str, span: tuple[int, int], films: list[FilmFacts], reviewed: FilmFacts | None, people
) -> tuple[str | None, str | None]:
    """The film a prize's sentence names (or the reviewed one, for "la película"), and its one credited person."""
    a, b = span
    sentence = text[a:b]
    film = next((f.title for f in films if a <= f.start < b), None)
    if film is None and reviewed is not None and re.search(r"\b(?:pel[íi]cula|film|cinta)\b", sentence, re.I):
        film = reviewed.title
    person = None
    in_sentence = [p for p in people if any(a <= m.start < b for m in p.mentions)]
    credited = WON.search(sentence) or _NOMINATED.search(sentence)
    if len(in_sentence) == 1 and credited and not re.search(r"\bpel[íi]cula\b", sentence, re.I):
        person = in_sentence[0].name
    return film, person
