"""The facts rules, named: an id, what each matches, what it produces.

Every film, person and award critica reports was found by one of these
rules (the first that found it, in this order). `critica analyze --explain`
writes the rule of each fact under the result's "explain" key, and
`critica evaluate --facts GOLD --by-rule` scores each rule alone (the facts
it produced against all gold facts), so a rule can be kept, fixed or
dropped on evidence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One extraction rule: its id, the fact kind it produces and what it matches."""

    id: str
    produces: str  # "films", "people" or "awards": the `facts` list it adds to
    matches: str


FILM_QUOTED = "film.quoted"
FILM_CUED = "film.cued"
FILM_WITH_YEAR = "film.with_year"
FILM_SEQUEL = "film.sequel"
FILM_LIST = "film.list"
FILM_FAVOURITES = "film.favourites"
FILM_HEADLINE_YEAR = "film.headline_year"
FILM_APPOSITIVE = "film.appositive"
FILM_PREDICATED = "film.predicated"
FILM_TAGGED = "film.tagged"
FILM_ENGLISH = "film.english"
PERSON_CREDITED = "person.credited"
PERSON_LISTED = "person.listed"
PERSON_CHARACTER_PAIR = "person.character_pair"
PERSON_FULL_NAME_ENTITY = "person.full_name_entity"
PERSON_FILMS_OF = "person.films_of"
PERSON_KNOWN = "person.known"
PERSON_MAKER = "person.maker"
PERSON_CORPUS_SURNAME = "person.corpus_surname"
AWARD_PRIZE = "award.prize"
AWARD_GENERIC_PRIZE = "award.generic_prize"
AWARD_FESTIVAL = "award.festival"

RULES: tuple[Rule, ...] = (
    Rule(FILM_QUOTED, "films", "a quoted string that passes the quote vetoes (speech, ratings, categories)"),
    Rule(FILM_CUED, "films", 'a capitalised title after a cue: "la película Tesis", "el remake de Psicosis"'),
    Rule(FILM_WITH_YEAR, "films", 'a capitalised title followed by a bracketed year: "Tesis (1996)"'),
    Rule(FILM_SEQUEL, "films", 'a capitalised name followed by a sequel number: "Shrek 2", "Peter Pan II"'),
    Rule(FILM_LIST, "films", "the next items of a list that a cued or favourite title opens"),
    Rule(FILM_FAVOURITES, "films", 'the first title of a bracketed list after "favoritos"/"preferidas"'),
    Rule(FILM_HEADLINE_YEAR, "films", "a sentence-case title opening a sentence or line, with a bracketed year"),
    Rule(FILM_APPOSITIVE, "films", 'a lower-case title in apposition to "la última película de …"'),
    Rule(FILM_PREDICATED, "films", 'a capitalised name opening a sentence that is called a film: "X es una película"'),
    Rule(FILM_ENGLISH, "films", 'capitalised words joined by English function words: "Lost in Translation"'),
    Rule(FILM_TAGGED, "films", "a span the learned title tagger (models/film-titles) marks where no rule found one"),
    Rule(PERSON_CREDITED, "people", 'a name after a role cue: "dirigida por", "el actor", "la música de"'),
    Rule(PERSON_LISTED, "people", 'a name continuing a credited list: "protagonizada por A, B y C"'),
    Rule(PERSON_CHARACTER_PAIR, "people", 'the actor of a "Character (Actor)" or "Actor (Character)" pair'),
    Rule(PERSON_FULL_NAME_ENTITY, "people", "a name of two or more words that spaCy tags as a person"),
    Rule(PERSON_FILMS_OF, "people", 'a full name after "las películas de …" that is not a place'),
    Rule(PERSON_MAKER, "people", '"la última de Almodóvar": a film\'s maker (director unless the credits say else)'),
    Rule(PERSON_KNOWN, "people", 'an uncued name the training reviews credit (models/film-people): "Cera"'),
    Rule(
        PERSON_CORPUS_SURNAME,
        "people",
        'a lone mid-sentence surname the training reviews name people of in full: "la huella de Amenábar"',
    ),
    Rule(AWARD_PRIZE, "awards", 'a prize of the gazetteer: "Óscar", "Palma de Oro", "Goya"'),
    Rule(AWARD_GENERIC_PRIZE, "awards", '"premio a la mejor …" outside a gazetteer prize'),
    Rule(AWARD_FESTIVAL, "awards", "a festival named without one of its prizes in the sentence"),
)
RULE_IDS: frozenset[str] = frozenset(rule.id for rule in RULES)
