"""Quoted titles, and the many quotes in reviews that are not titles.

Machine-translated reviews quote speech, scare words, songs, characters and ratings far more often
than film titles. A quote becomes a title candidate only when no veto in `_QUOTE_VETOES` holds and
its shape is a title's (`titles.looks_like_title`); a lone ordinary word needs more evidence still.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from critica.facts.titles import YEAR_AFTER, looks_like_title, ordinary_word

_QUOTED = [
    re.compile(r"\"([^\"\n]{1,90})\""),
    re.compile(r"“([^”\n]{1,90})”"),
    re.compile(r"«([^»\n]{1,90})»"),
    re.compile(r"(?:(?<=\s)|(?<=^)|(?<=\())['‘]([^'’\n]{1,90}?)['’](?=[\s.,;:)!?]|$)"),
]
_SPEECH_AFTER = re.compile(
    r"^[\"”’»']?\s*,?\s*(?:\w+\s+){0,2}(?:dijo|dice|declar[óo]|afirm[óo]|escribi[óo]|coment[óo]"
    r"|explic[óo]|respondi[óo]|pregunt[óo]|grit[óo])\b",
    re.I,
)
# A lower-case quoted title needs a word that announces a title right before it ("una secuela llamada 'x'").
_QUOTE_CUE = re.compile(
    r"(?:llamad[oa]s?|titulad[oa]s?|recuerda a|remake de|secuela de|precuela de|versi[óo]n de|adaptaci[óo]n de"
    r"|alquil[ée]|alquilar|hecho|\bvi|\bver|vea|pel[íi]cula|cinta|film|serie|programa|episodio"
    r"|elenco de|reparto de|aparici[óo]n en|apareci[óo] en)"
    r"\s*(?:el|la|los|las|de)?\s*$",
    re.I,
)
# Quoted names of other kinds of work ("la novela «El despido»", "el número «Ev'rybody…»") are not films.
_OTHER_WORK_BEFORE = re.compile(
    r"\b(?:novelas?|libros?|canci[óo]n|canciones|n[úu]meros?|temas?|[áa]lbum|discos?|sencillos?|c[óo]mics?|poemas?"
    r"|cuentos?|relatos?|obra de teatro|musical|videojuegos?)\b(?:\s+[\w]+){0,3}\s*[\"“«'‘]?$",
    re.I,
)
_OTHER_WORK_AFTER = re.compile(r"^[\"”»'’]?\s*\((?:el|la|los|las)\s+(?:c[óo]mics?|novelas?|libros?)\b", re.I)
# Quotes after words of saying are speech or a term, not a title ("gritando «…»", "usa las palabras «…»").
_SPEECH_BEFORE = re.compile(
    r"\b(?:dic(?:e|en|iendo)|dijo|grit\w*|palabras?|frase|t[ée]rmino|llaman|repitiendo|mensaje"
    r"|resumen|l[íi]nea|pregunt\w*|respond\w*|escribi[óo]|escrito|saludo|lema|eslogan|traducci[óo]n|significa"
    # "Owen llamó a Larry, «Cousin Patty»", "le llama una «caca torpe»" (but "se llama «Último caso»" is a title)
    r"|llam(?:a|an|ó|aba|ando)\s+(?:a\s+\w+\s*,|una?))"
    r"\s*:?\s*(?:(?:la|el|las|los)\s+)?[\"“«'‘]?$",
    re.I,
)
_SCARE_AFTER = re.compile(r"^[\"”»'’]?\s*,\s*(?:por así decirlo|como (?:dicen|se dice|lo llaman))", re.I)
# "en una manera «Har-Har»", "de forma «natural»": a quote that qualifies a manner is a scare quote.
_MANNER_BEFORE = re.compile(r"\b(?:de|en|a) (?:una|la|esa) (?:manera|forma)\s*[\"“«'‘]$|\bde modo\s*[\"“«'‘]$", re.I)
# "su personaje «Sita»", "Pawel Szajda como «Ricky»": a character's name.
_FULL_NAME = r"(?-i:[A-ZÁÉÍÓÚÑ][\w'’-]+\s+[A-ZÁÉÍÓÚÑ][\w'’-]+)"
_CHARACTER_BEFORE = re.compile(
    rf"(?:\b(?:personaje|car[áa]cter|apodo|apodad[oa]|nombre)|{_FULL_NAME} como)\s*[\"“«'‘]$", re.I
)
# "una película «Hay que ver»", "una película de «Horror de Navidad»", "el típico «Blood Bath»": a kind of
# film, not one film.
_INDEFINITE_FILM_BEFORE = re.compile(
    r"(?:\bun[a]? (?:pel[íi]cula|film|filme|cinta)(?: de)?|\b(?:el|la|lo) t[íi]pic[oa]|\btipo de pel[íi]cula"
    r"|\bclase de pel[íi]cula)\s*[\"“«'‘]$",
    re.I,
)
# What joins the quotes of one list: '"A", "B" y "C"'.
_QUOTE_LIST_GLUE = re.compile(r"[\"”»'’]?\s*(?:,|y|e|o|u|,\s*y)\s*[\"“«'‘]?")
# '"Baseball" es un documental': the text itself says the quoted word names a work.
_KIND_OF_WORK_AFTER = re.compile(
    r"\s*(?:es|fue|era)\s+(?:un|una|el|la)\s+(?:\w+\s+)?(?:pel[íi]cula|documental|serie|programa|film|filme|cinta"
    r"|comedia|drama|thriller|western|musical|cl[áa]sico)\b",
    re.I,
)


@dataclass(frozen=True)
class _Quote:
    """A quoted string with the 40 characters before it (ending with the opening mark) and after it."""

    title: str
    before: str
    after: str


def _stray_full_stop(title: str) -> bool:
    # A quote ending in a full stop that is not an abbreviation's ("Dr.") took the sentence's stop inside.
    return title.endswith(".") and not title.endswith("..") and title.split()[-1].lower()[:-1] not in _ABBREVIATIONS


def _speech_shaped(quote: _Quote) -> bool:
    # "Sí. Pensé que jugué bien", "Papá, papá ...": a sentence break inside, or a trailing ellipsis.
    title = quote.title
    breaks = _SENTENCE_BREAK.finditer(title)
    # "Sí lo soy." is a sentence; "Air America 2." is a title with the sentence's full stop inside the quotes.
    ends_sentence = _stray_full_stop(title) and any(word[0].islower() for word in title.split())
    return (
        ends_sentence
        or title.endswith(("...", "…"))
        or any(b.group(2) != "." or b.group(1).lower() not in _ABBREVIATIONS for b in breaks)
    )


_SENTENCE_BREAK = re.compile(r"(\w+)([.!?])\s+[A-ZÁÉÍÓÚÑ¿¡]")
_ABBREVIATIONS = frozenset("dr dra mr mrs ms sr sra srta st jr vs no vol".split())  # "Dr. Jekyll" is one name


def _interjection(quote: _Quote) -> bool:
    # "Oh, he estado allí", "Vaya, otra vez": speech opens with an interjection and a comma.
    return bool(re.match(r"(?:oh|ah|eh|uh|wow|hey|vaya|guau|bueno|hola|sí|no|ok)\s*[,!]", quote.title, re.I))


def _not_words(quote: _Quote) -> bool:
    # "HAAAAARA - HAR", "Eres F ** Ked": shouting or censoring, never a title.
    return bool(re.search(r"(\w)\1{3}", quote.title, re.I)) or "*" in quote.title


def _rating(quote: _Quote) -> bool:
    # "Dé esta película «1 (Horrible)»", "«7/10»"
    return bool(re.match(r"\d{1,2}\s*(?:\(|/|de 10\b|sobre\b)", quote.title))


def _award_category(quote: _Quote) -> bool:
    return bool(re.match(r"mejor(?:es)?\s", quote.title, re.I))  # "Mejor cortometraje animado"


# Why a quote is not a film title; the first test that holds names the reason.
_QUOTE_VETOES: dict[str, Callable[[_Quote], bool]] = {
    "speech": lambda q: bool(_SPEECH_AFTER.match(q.after) or _SPEECH_BEFORE.search(q.before)),
    "scare quote": lambda q: bool(_SCARE_AFTER.match(q.after) or _MANNER_BEFORE.search(q.before)),
    "other work": lambda q: bool(_OTHER_WORK_AFTER.match(q.after) or _OTHER_WORK_BEFORE.search(q.before)),
    "kind of film": lambda q: bool(_INDEFINITE_FILM_BEFORE.search(q.before)),
    "speech shape": _speech_shaped,
    "interjection": _interjection,
    "not words": _not_words,
    "rating": _rating,
    "character": lambda q: bool(_CHARACTER_BEFORE.search(q.before)),
    "award category": _award_category,
}


def quote_veto(title: str, before: str, after: str) -> str | None:
    """Why a quoted string is not a film title ("speech", "scare quote", …), or None when it may be one."""
    quote = _Quote(title, before, after)
    return next((name for name, veto in _QUOTE_VETOES.items() if veto(quote)), None)


def _lower_case_quote_is_title(text: str, start: int, title: str) -> bool:
    # Most lower-case quotes are scare quotes or speech; a cue word before the quote makes it a title.
    words = title.split()
    return 2 <= len(words) <= 7 and title[0].islower() and bool(_QUOTE_CUE.search(text[max(0, start - 30) : start]))


def quoted_titles(text: str) -> list[tuple[str, int, int]]:
    """Quoted strings that are film titles: (title, start, end) in the text's offsets."""
    found = []
    for pattern in _QUOTED:
        vetoed_until = -1
        for m in pattern.finditer(text):
            title = m.group(1).strip()
            before = text[max(0, m.start() - 40) : m.start() + 1]
            after = text[m.end(1) : m.end(1) + 40]
            # "las palabras 'Ferdos' y 'Jehaan'": a quote listed right after a vetoed one shares its fate.
            in_vetoed_list = vetoed_until >= 0 and _QUOTE_LIST_GLUE.fullmatch(text[vetoed_until : m.start()])
            if in_vetoed_list or quote_veto(title, before, after):
                vetoed_until = m.end()
                continue
            if _stray_full_stop(title):
                title = title[:-1]
            if looks_like_title(title) or _lower_case_quote_is_title(text, m.start(), title):
                start = m.start(1) + len(m.group(1)) - len(m.group(1).lstrip())  # '" Nun Killer "'
                found.append((title, start, start + len(title)))
    return [f for f in found if not _lone_ordinary_word(text, f, found)]


def _lone_ordinary_word(text: str, candidate: tuple[str, int, int], quoted: list[tuple[str, int, int]]) -> bool:
    """'Hammy actuando, "Acción"', 'el lado "Otro"': one ordinary word in quotes is a scare quote.

    It stays a title when something vouches for it: a cue before it ('la película «Lluvia»'), a year or
    a kind of work after it ('"Baseball" es un documental'), a second quoting of it, or other quoted
    titles listed beside it ('en "Laura", "Crossfire"').
    """
    title, start, end = candidate
    if " " in title or not ordinary_word(title):
        return False
    before, after = text[max(0, start - 31) : start - 1], text[end + 1 : end + 50]
    if _QUOTE_CUE.search(before) or YEAR_AFTER.match(after) or _KIND_OF_WORK_AFTER.match(after):
        return False
    if sum(t == title for t, _, _ in quoted) >= 2:
        return False
    listed = any(
        other is not candidate and _QUOTE_LIST_GLUE.fullmatch(text[a:b].strip() or ",")
        for other in quoted
        for a, b in ((other[2], start), (end, other[1]))
        if 0 <= b - a <= 6
    )
    return not listed
