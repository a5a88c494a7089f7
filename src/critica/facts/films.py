"""Film titles: quoted titles, titles after "la película"/"el film", "A / B" pairs, years."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from critica.facts import rules
from critica.facts.gazetteers import FILM_REFERENCE_CUES, MAKER_BEFORE, NOT_NAMES, TITLE_CUES
from critica.facts.names import fold, is_common_word
from critica.facts.quotes import quoted_titles
from critica.facts.titles import YEAR_AFTER, looks_like_title
from critica.text.patterns import QUOTE_MARKS, YEAR, spanish_re
from critica.text.segment import starts_sentence
from critica.text.wordlists import zipf

# No trailing full stop, and "Trek.Anne" (a space lost in translation) is two words.
_TITLE_WORD = r"[A-ZÁÉÍÓÚÑÜ0-9][\w'’:&!?\-]*(?:\.(?![A-ZÁÉÍÓÚÑ][a-záéíóúñ])\w+)*"
_CONNECTOR = r"(?:de|del|la|el|los|las|y|en|a|al|of|the|and|vs\.?|contra|para|con|un|una)"
_CUED = spanish_re(
    rf"\b(?:{TITLE_CUES}|{FILM_REFERENCE_CUES})\s+({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,6}})"
)
_REFERENCE = spanish_re(rf"\b(?:{FILM_REFERENCE_CUES})\s+$")
_WITH_YEAR = spanish_re(rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,7}})\s*\(({YEAR})\)")
# "Peter Pan II", "Shrek 2": a capitalised name followed by a sequel number is a film.
_SEQUEL = spanish_re(
    rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}}\s+(?:II|III|IV|V|[2-5]))(?![\w/])"
)
_YEAR_ANY = spanish_re(rf"(?<![\d-])({YEAR})(?![\d-])")
# "La trampa turística (1979), una de mis favoritas": a sentence-case title opening a sentence or line.
_HEADLINE_YEAR = spanish_re(
    rf"(?:^|(?<=[.!?\n]))\s*([A-ZÁÉÍÓÚÑ][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){{1,5}})\s*\(({YEAR})\)"
)
_CLAUSE_WORDS = frozenset("me te se le lo nos que es fue era son está estaba muy no vi he ha había mi".split())
# "…, la estrella desaparecida, la última película del director…": a title in apposition to "película".
_APPOSITIVE = spanish_re(
    r"(?:^|(?<=[,.;:]\s))((?:el|la|los|las|un|una)\s+[a-záéíóúñü][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){0,5}),\s+"
    r"(?:la|su)\s+(?:(?:[úu]ltima|nueva|primera|segunda|tercera|anterior|siguiente|mejor|peor|gran)\s+)?"
    r"(?:pel[íi]cula|cinta|obra)\s+(?:de|del)\b",
    re.I,
)
# After a cued title, more titles in the same list: "episodios de Star Trek, perdido en el espacio, e incluso FarScape".
_LIST_NEXT = spanish_re(r"^(?:\s*,\s*(?:(?:y|e|o|u)\s+)?(?:incluso\s+|hasta\s+)?|\s+(?:y|e|o|u)\s+(?:incluso\s+)?)")
_FAVOURITES = spanish_re(r"\b(?:favorit[oa]s|preferid[oa]s)\s*\(\s*", re.I)
_CAPITALISED_TITLE = spanish_re(rf"{_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}}")
_LOWER_ITEM = spanish_re(
    r"[a-záéíóúñü][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){1,4}(?=\s*,\s*(?:(?:y|e|o)\s+)?(?:incluso\s+)?[A-ZÁÉÍÓÚÑ])"
)
_ORIGINAL = spanish_re(r"^\s*\((?:t[íi]tulo )?original:?\s*([^)]{1,80})\)", re.I)


@dataclass
class FilmFacts:
    """A film being assembled from mentions (clean offsets)."""

    title: str
    start: int
    end: int
    original_title: str | None = None
    year: int | None = None
    mentions: int = 1
    occurrences: list[int] = field(default_factory=list)  # clean offsets of every time the text names it
    rule: str = ""  # the rule that found its first mention (facts/rules.py)


Candidate = tuple[str, int, int, str]  # title, start, end (clean offsets), the rule that found it

_ARTICLES = frozenset("el la los las un una".split())


def _drop_leading_words(start: int, title: str) -> tuple[int, str]:
    """'Vi Torrente 2' → 'Torrente 2': a sentence's first word is capitalised for the sentence, not the title."""
    words = title.split(" ")
    while len(words) > 1 and words[0].lower() not in _ARTICLES and is_common_word(words[0]):
        start += len(words[0]) + 1
        words.pop(0)
    return start, " ".join(words)


def _score_not_sequel(title: str) -> bool:
    # "Torrente 2" is a sequel; "Stars 4" or "Finale 3" (an ordinary word and a digit) is a score or a count.
    *words, number = title.split()
    if not number.isdigit():
        return False
    word = words[-1].lower()
    return is_common_word(word) or zipf(word, "en") >= 4.5


def _list_continuation(text: str, end: int) -> list[Candidate]:
    """Titles that follow a referenced title in the same list (", B, e incluso C")."""
    found = []
    while True:
        glue = _LIST_NEXT.match(text[end : end + 20])
        if not glue:
            return found
        at = end + glue.end()
        item = _CAPITALISED_TITLE.match(text, at) or _LOWER_ITEM.match(text, at)
        if not item or not (looks_like_title(item.group(0), quoted=False) or item.re is _LOWER_ITEM):
            return found
        title = item.group(0).strip()
        found.append((title, at, at + len(title), rules.FILM_LIST))
        end = at + len(title)


def _bracketed_favourites(text: str) -> list[Candidate]:
    """Films in a bracketed list after "favoritos": "mis favoritos (Halloween, Cortinas, Scream)"."""
    found = []
    for m in _FAVOURITES.finditer(text):
        first = _CAPITALISED_TITLE.match(text, m.end())
        if first and looks_like_title(first.group(0), quoted=False):
            found.append((first.group(0), first.start(), first.end(), rules.FILM_FAVOURITES))
            found += _list_continuation(text, first.end())
    return found


# "Aliens Romulus es lo mejor de la saga", "Oppenheimer es una película larguísima": a capitalised name
# that opens a sentence and is then called a film, an entry or the best of a saga is a title, whatever
# spaCy's NER makes of it (the small model reads most unknown capitalised pairs as people).
_FILM_KIND = r"(?:pel[íi]cula|peli|cinta|secuela|precuela|entrega|comedia|film|filme|adaptaci[óo]n|remake)"
_PREDICATED = spanish_re(
    rf"(?:^|(?<=[.!?\n]))\s*({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}})\s+(?:es|era|fue)\s+"
    r"(?:(?:la|una|el|un)\s+(?:(?:mejor|peor|gran|nueva|última|primera|segunda|tercera|enésima|otra)\s+)?"
    rf"{_FILM_KIND}\b|lo\s+(?:mejor|peor)\s+de\s+(?:toda\s+)?la\s+(?:saga|franquicia|serie)\b)"
)


def _predicated_titles(text: str) -> list[Candidate]:
    found = []
    for m in _PREDICATED.finditer(text):
        title = m.group(1).strip()
        first = title.split()[0]
        if not (is_common_word(first) or first.lower().endswith("mente")) and looks_like_title(title, quoted=False):
            found.append((title, m.start(1), m.start(1) + len(title), rules.FILM_PREDICATED))  # not "Narrativamente"
    return found


def _headline_titles(text: str) -> list[Candidate]:
    found = _bracketed_favourites(text) + _predicated_titles(text)
    for m in _HEADLINE_YEAR.finditer(text):
        title = m.group(1).strip()
        if not _CLAUSE_WORDS.intersection(w.lower() for w in title.split()):
            found.append((title, m.start(1), m.start(1) + len(title), rules.FILM_HEADLINE_YEAR))
    for m in _APPOSITIVE.finditer(text):
        found.append((m.group(1), m.start(1), m.end(1), rules.FILM_APPOSITIVE))
    return found


def _tagged_candidates(text: str, tagged: Iterable[tuple[int, int]], found: list[Candidate]) -> list[Candidate]:
    """The learned tagger's titles where no rule found one (rules are precise where they fire)."""
    out = []
    for start, end in tagged:
        title = text[start:end].strip(f" {QUOTE_MARKS}?")
        start = text.find(title, start, end) if title else start
        if any(start < b and a < start + len(title) for _, a, b, _ in found):
            continue
        if text[start - 1 : start] in _QUOTE_CHARS or text[start + len(title) : start + len(title) + 1] in _QUOTE_CHARS:
            continue  # quoted strings are the quote rule's: what it vetoed (a song, speech) stays vetoed
        if _plausible_tagged(title) and not _PERSON_CUED.search(text[max(0, start - 40) : start]):
            out.append((title, start, start + len(title), rules.FILM_TAGGED))
    return out


# "Protagonizada por Mario Ibáñez y Rosa Vidal": what a credit verb introduces is people, not a title.
_PERSON_CUED = spanish_re(
    r"\b(?:dirigid|protagonizad|interpretad|producid|escrit|encarnad|narrad|coprotagonizad)[oa]s?\s+por\s*$", re.I
)


_QUOTE_CHARS = frozenset(QUOTE_MARKS)
_REVIEW_WORDS = frozenset(fold(w) for w in NOT_NAMES)  # articles, "película", "guion", "música"… without accents
_MAKER_OPENING = spanish_re(rf"{MAKER_BEFORE}\s", re.I)
_ENDS_OPEN = spanish_re(rf"\s(?:{_CONNECTOR}|por|que|se|lo|le|su|sus|es|fue)$", re.I)


def _plausible_tagged(title: str) -> bool:
    """A tagger span shaped like a title: not a clause, not cut off after a connector ("1939 por el")."""
    words = title.split()
    if not words or len(words) > 8 or not (title[0].isupper() or title[0].isdigit()):
        return False
    if re.search(r"[,;¿?¡!]|\.\s|\.\w{2}", title) or re.match(r"\d+\s*,", title):
        return False  # a sentence, not a title ("Sé que no termine, es una mala…", "04, fue el médico…")
    if _ENDS_OPEN.search(title) or _MAKER_OPENING.match(title):
        return False  # "La última de Almodóvar" names a film by its maker, it is not a title
    if all(fold(w).strip(".") in _REVIEW_WORDS for w in words):
        return False  # "El guion es un desastre", "La música": a review's own vocabulary, not a title
    return looks_like_title(title, quoted=False)


# "Lost in Translation", "Letters from Iwo Jima", "Pirates of the Caribbean": capitalised words joined by
# English function words, which Spanish has no use for; native reviewers name many films by their
# original titles, often without quotes. ASCII letters only: "Group of College Girls Dirígete" stops
# before the Spanish word. Bounded repeats: a long run of capitalised words costs linear time, not quadratic.
_ENGLISH_TITLE = re.compile(
    r"(?<![\w.'’])(?:[A-Z][A-Za-z'’-]+ ){1,6}(?:(?:in|of|the|and|on|at|for|with|from|is|my|your|you) ){1,3}"
    r"(?:the )?[A-Za-z][A-Za-z'’-]+(?: [A-Z][A-Za-z'’-]+){0,6}(?![\w'’])"
)


def _english_titles(text: str, found: list[Candidate]) -> list[Candidate]:
    """English titles named without quotes, where no rule found a title (`_ENGLISH_TITLE`).

    Not at a sentence's start, where machine-translated text leaves English phrases ("Love is not").
    On the MuchoCine training reviews it adds 94 spans, about five in six of them titles; the rest
    are bands, songs and phrases ("Siouxsie and the Banshees", "Made in Spain").
    """
    out = []
    for m in _ENGLISH_TITLE.finditer(text):
        start, end = m.start(), m.end()
        if any(a < end and start < b for _, a, b, _ in found) or starts_sentence(text, start):
            continue
        out.append((m.group(0), start, end, rules.FILM_ENGLISH))
    return out


def _candidates(
    text: str, person_spans: frozenset[tuple[int, int]], tagged: Iterable[tuple[int, int]] = ()
) -> list[Candidate]:
    found = [(*quoted, rules.FILM_QUOTED) for quoted in quoted_titles(text)]
    for pattern, rule in ((_CUED, rules.FILM_CUED), (_WITH_YEAR, rules.FILM_WITH_YEAR), (_SEQUEL, rules.FILM_SEQUEL)):
        for m in pattern.finditer(text):
            start, title = m.start(1), m.group(1).strip()
            if pattern is _SEQUEL and _score_not_sequel(title):
                continue
            if pattern is not _CUED and starts_sentence(text, start):
                start, title = _drop_leading_words(start, title)
            if pattern is not _SEQUEL and (start, start + len(title)) in person_spans and " " in title:
                # "la última versión de Al Pacino", "la ciudad desnuda de Jules Dassin (1948)": spaCy's
                # full-name person owns the film, it is not its title
                if pattern is _CUED or text[max(0, start - 3) : start] == "de ":
                    continue
            # A year in brackets is evidence enough for a one-word title ("Tesis (1996)").
            if looks_like_title(title, quoted=pattern is _WITH_YEAR):
                found.append((title, start, start + len(title), rule))
                if pattern is _CUED and _REFERENCE.search(text[max(0, m.start(1) - 40) : m.start(1)]):
                    found += _list_continuation(text, start + len(title))
    found += _headline_titles(text)
    found += _english_titles(text, found)
    found += _tagged_candidates(text, tagged, found)
    return sorted(found, key=lambda f: (f[1], -f[2]))


def extract_films(
    text: str, person_spans: Iterable[tuple[int, int]] = (), tagged: Iterable[tuple[int, int]] = ()
) -> list[FilmFacts]:
    """Films named in the (clean) text; the caller drops those that turn out to be people.

    `person_spans` are spaCy's PER entities: an unquoted name after a cue ("versión de …") that
    spaCy reads as a full name is left to the people extractor. `tagged` are the learned title
    tagger's spans, used where no rule found a title.
    """
    films: dict[str, FilmFacts] = {}
    taken_until = -1
    for title, start, end, rule in _candidates(text, frozenset(person_spans), tagged):
        if start < taken_until:
            continue
        taken_until = end
        if title[-1] in "'’" and sum(title.count(q) for q in "'’") % 2:
            title, end = title[:-1], end - 1  # "Darkness Falls' (2003)": a stray closing quote
        original = None
        if " / " in title:  # "Letyat Zhuravli / Las grúas están volando": original first
            original, title = (part.strip() for part in title.split(" / ", 1))
        tail = text[end : end + 60].lstrip("'\"”’»")
        tail_offset = end + (len(text[end : end + 60]) - len(tail))
        original_match = _ORIGINAL.match(tail)
        if original_match:
            original = original_match.group(1).strip()
            tail = text[tail_offset + original_match.end() : tail_offset + original_match.end() + 40]
        year_match = YEAR_AFTER.match(tail)
        year = int(year_match.group(1) or year_match.group(2)) if year_match else None
        key = fold(title)
        if key in films:
            films[key].mentions += 1
            films[key].year = films[key].year or year
            films[key].original_title = films[key].original_title or original
        else:
            films[key] = FilmFacts(title, start, end, original, year, rule=rule)
    for film in films.values():
        _count_mentions(film, list(films.values()), text)
        if film.year is None:
            film.year = _year_in_opening_clause(text, film.start)
    return _merge_variants(list(films.values()))


_MINOR_WORDS = frozenset("y e and & de del of the el la los las a an".split())


def _content_words(title: str) -> list[str]:
    # "Satanás'sWhip" → satanas, whip: a glued English possessive is split back into its words.
    spaced = re.sub(r"['’]s(?=[A-Z])|['’]s\b", " ", title)
    spaced = re.sub(r"(?<=[a-záéíóúñ])(?=[A-ZÁÉÍÓÚÑ])", " ", spaced)
    return [w for w in re.findall(r"\w+", fold(spaced)) if w not in _MINOR_WORDS]


def _same_film(variant: FilmFacts, film: FilmFacts) -> bool:
    """A short form or a reordering of another title in the same review names that film."""
    letters = "".join(ch for ch in fold(variant.title) if ch.isalnum())
    words = _content_words(film.title)
    # "PTA", "PT & A" for "Planos, trenes y automóviles"
    initials = len(words) >= 2 and 2 <= len(letters) <= 6 and letters == "".join(w[0] for w in words)
    # "Whip Satanás" and "Satanás'sWhip": word-for-word translation moved the words, not the title
    reordered = len(words) >= 2 and sorted(_content_words(variant.title)) == sorted(words)
    return initials or reordered


def _merge_variants(films: list[FilmFacts]) -> list[FilmFacts]:
    kept: list[FilmFacts] = []
    for film in films:
        owner = next((k for k in kept if _same_film(film, k) or _same_film(k, film)), None)
        if owner is None:
            kept.append(film)
        else:
            owner.mentions += film.mentions
            owner.occurrences = sorted({*owner.occurrences, *film.occurrences})
            owner.year = owner.year or film.year
    return kept


def _year_in_opening_clause(text: str, start: int) -> int | None:
    """One year earlier in the title's sentence ("No fue hasta 1957 cuando … Title")."""
    sentence_start = max(text.rfind(". ", 0, start) + 1, 0)
    years = _YEAR_ANY.findall(text, sentence_start, start)
    return int(years[0]) if len(years) == 1 else None


def occurrences(title: str, text: str) -> list[tuple[int, int]]:
    """Every place the text names a title (whole words, any case)."""
    return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", text, re.I)]


def _count_mentions(film: FilmFacts, films: list[FilmFacts], text: str) -> None:
    """How often, and from where on, the review names the film.

    An occurrence inside a longer title is that title's ("Komodo" in "Komodo vs. COBRA").
    """
    longer = [o for o in films if o is not film and fold(film.title) in fold(o.title) and o.title != film.title]
    covered = [span for other in longer for span in occurrences(other.title, text)]
    own = [(a, b) for a, b in occurrences(film.title, text) if not any(c <= a and b <= d for c, d in covered)]
    film.mentions = max(len(own), film.mentions)  # film.mentions: the times a title pattern itself found it
    film.occurrences = sorted({film.start, *(a for a, _ in own)})
