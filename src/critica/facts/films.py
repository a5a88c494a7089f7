"""Film titles: quoted titles, titles after "la película"/"el film", "A / B" pairs, years."""

from __future__ import annotations

import re
from dataclasses import dataclass

from critica.facts.gazetteers import AWARDS, FILM_REFERENCE_CUES, TITLE_CUES
from critica.facts.names import fold, is_common_word
from critica.text.segment import starts_sentence

_QUOTED = [
    re.compile(r"\"([^\"\n]{1,90})\""),
    re.compile(r"“([^”\n]{1,90})”"),
    re.compile(r"«([^»\n]{1,90})»"),
    re.compile(r"(?:(?<=\s)|(?<=^)|(?<=\())['‘]([^'’\n]{1,90}?)['’](?=[\s.,;:)!?]|$)"),
]
_TITLE_WORD = r"[A-ZÁÉÍÓÚÑÜ0-9][\w'’:&!?\-]*(?:\.\w+)*"  # no trailing full stop
_CONNECTOR = r"(?:de|del|la|el|los|las|y|en|a|al|of|the|and|vs\.?|contra|para|con|un|una)"
_CUED = re.compile(
    rf"\b(?:{TITLE_CUES}|{FILM_REFERENCE_CUES})\s+({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,6}})"
)
_WITH_YEAR = re.compile(rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,7}})\s*\(((?:18|19|20)\d\d)\)")
# "Peter Pan II", "Shrek 2": a capitalised name followed by a sequel number is a film.
_SEQUEL = re.compile(rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}}\s+(?:II|III|IV|V|[2-5]))(?![\w])")
_YEAR_AFTER = re.compile(r"^\s*(?:\(((?:18|19|20)\d\d)\)|,?\s*(?:de|en|del año)\s+((?:18|19|20)\d\d)\b)")
_YEAR_ANY = re.compile(r"(?<![\d-])((?:18|19|20)\d\d)(?![\d-])")
_SPEECH_AFTER = re.compile(
    r"^[\"”’»']?\s*,?\s*(?:\w+\s+){0,2}(?:dijo|dice|declar[óo]|afirm[óo]|escribi[óo]|coment[óo]"
    r"|explic[óo]|respondi[óo]|pregunt[óo]|grit[óo])\b",
    re.I,
)
_ORIGINAL = re.compile(r"^\s*\((?:t[íi]tulo )?original:?\s*([^)]{1,80})\)", re.I)
_AWARD_WORDS = re.compile("|".join(p for forms, _ in AWARDS.values() for p in forms), re.I)


@dataclass
class FilmFacts:
    """A film being assembled from mentions (clean offsets)."""

    title: str
    start: int
    end: int
    original_title: str | None = None
    year: int | None = None
    mentions: int = 1


def _looks_like_title(candidate: str, quoted: bool = True) -> bool:
    words = candidate.split()
    if not words or len(words) > 10 or not (candidate[0].isupper() or candidate[0].isdigit()):
        return False
    if sum(ch.isalpha() for ch in candidate) < 3 or candidate.rstrip()[-1:] in ",;:":
        return False  # "B" (serie B), "5-6", clause fragments
    if _AWARD_WORDS.fullmatch(candidate.strip()):
        return False
    if len(words) >= 5 and re.search(r",\s+[a-záéíóúñ]", candidate):
        return False  # quoted speech ("Bueno, tal vez será mejor"), not "Planos, trenes y automóviles"
    if not quoted and len(words) == 1 and is_common_word(words[0]):
        return False  # "la película Hay…": an unquoted ordinary word after a cue is not a title
    # Long quotes of lower-case prose are dialogue, not titles.
    return not (len(words) > 6 and sum(w[0].islower() for w in words) > len(words) / 2)


_ARTICLES = frozenset("el la los las un una".split())


def _drop_leading_words(start: int, title: str) -> tuple[int, str]:
    """'Vi Torrente 2' → 'Torrente 2': a sentence's first word is capitalised for the sentence, not the title."""
    words = title.split(" ")
    while len(words) > 1 and words[0].lower() not in _ARTICLES and is_common_word(words[0]):
        start += len(words[0]) + 1
        words.pop(0)
    return start, " ".join(words)


def _candidates(text: str) -> list[tuple[str, int, int]]:
    found = []
    for pattern in _QUOTED:
        for m in pattern.finditer(text):
            title = m.group(1).strip()
            if _looks_like_title(title) and not _SPEECH_AFTER.match(text[m.end(1) : m.end(1) + 40]):
                found.append((title, m.start(1), m.start(1) + len(title)))
    for pattern in (_CUED, _WITH_YEAR, _SEQUEL):
        for m in pattern.finditer(text):
            start, title = m.start(1), m.group(1).strip()
            if pattern is not _CUED and starts_sentence(text, start):
                start, title = _drop_leading_words(start, title)
            if _looks_like_title(title, quoted=False):
                found.append((title, start, start + len(title)))
    return sorted(found, key=lambda f: (f[1], -f[2]))


def extract_films(text: str) -> list[FilmFacts]:
    """Films named in the (clean) text; the caller drops those that turn out to be people."""
    films: dict[str, FilmFacts] = {}
    taken_until = -1
    for title, start, end in _candidates(text):
        if start < taken_until:
            continue
        taken_until = end
        original = None
        if " / " in title:  # "Letyat Zhuravli / Las grúas están volando": original first
            original, title = (part.strip() for part in title.split(" / ", 1))
        tail = text[end : end + 60].lstrip("'\"”’»")
        tail_offset = end + (len(text[end : end + 60]) - len(tail))
        original_match = _ORIGINAL.match(tail)
        if original_match:
            original = original_match.group(1).strip()
            tail = text[tail_offset + original_match.end() : tail_offset + original_match.end() + 40]
        year_match = _YEAR_AFTER.match(tail)
        year = int(year_match.group(1) or year_match.group(2)) if year_match else None
        key = fold(title)
        if key in films:
            films[key].mentions += 1
            films[key].year = films[key].year or year
            films[key].original_title = films[key].original_title or original
        else:
            films[key] = FilmFacts(title, start, end, original, year)
    for film in films.values():
        film.mentions = max(film.mentions, len(re.findall(re.escape(film.title), text, re.I)))
        if film.year is None:
            film.year = _year_in_opening_clause(text, film.start)
    return list(films.values())


def _year_in_opening_clause(text: str, start: int) -> int | None:
    """One year earlier in the title's sentence ("No fue hasta 1957 cuando … Title")."""
    sentence_start = max(text.rfind(". ", 0, start) + 1, 0)
    years = _YEAR_ANY.findall(text, sentence_start, start)
    return int(years[0]) if len(years) == 1 else None


def reviewed_film(films: list[FilmFacts], text: str) -> FilmFacts | None:
    """The film the review is about: the most-mentioned, or the one named in the opening."""
    if not films:
        return None
    best = max(films, key=lambda f: (f.mentions, -f.start))
    if best.mentions >= 2:
        return best
    first = min(films, key=lambda f: f.start)
    return first if first.start < max(300, len(text) // 5) else None
