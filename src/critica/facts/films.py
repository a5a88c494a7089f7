"""Film titles: quoted titles, titles after "la película"/"el film", "A / B" pairs, years."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from critica.facts.gazetteers import AWARDS, FILM_REFERENCE_CUES, TITLE_CUES
from critica.facts.names import fold, is_common_word
from critica.text.segment import starts_sentence

_QUOTED = [
    re.compile(r"\"([^\"\n]{1,90})\""),
    re.compile(r"“([^”\n]{1,90})”"),
    re.compile(r"«([^»\n]{1,90})»"),
    re.compile(r"(?:(?<=\s)|(?<=^)|(?<=\())['‘]([^'’\n]{1,90}?)['’](?=[\s.,;:)!?]|$)"),
]
# No trailing full stop, and "Trek.Anne" (a space lost in translation) is two words.
_TITLE_WORD = r"[A-ZÁÉÍÓÚÑÜ0-9][\w'’:&!?\-]*(?:\.(?![A-ZÁÉÍÓÚÑ][a-záéíóúñ])\w+)*"
_CONNECTOR = r"(?:de|del|la|el|los|las|y|en|a|al|of|the|and|vs\.?|contra|para|con|un|una)"
_CUED = re.compile(
    rf"\b(?:{TITLE_CUES}|{FILM_REFERENCE_CUES})\s+({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,6}})"
)
_REFERENCE = re.compile(rf"\b(?:{FILM_REFERENCE_CUES})\s+$")
_WITH_YEAR = re.compile(rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,7}})\s*\(((?:18|19|20)\d\d)\)")
# "Peter Pan II", "Shrek 2": a capitalised name followed by a sequel number is a film.
_SEQUEL = re.compile(
    rf"({_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}}\s+(?:II|III|IV|V|[2-5]))(?![\w/])"
)
_YEAR_AFTER = re.compile(r"^\s*(?:\(((?:18|19|20)\d\d)\)|,?\s*(?:de|en|del año)\s+((?:18|19|20)\d\d)\b)")
_YEAR_ANY = re.compile(r"(?<![\d-])((?:18|19|20)\d\d)(?![\d-])")
_SPEECH_AFTER = re.compile(
    r"^[\"”’»']?\s*,?\s*(?:\w+\s+){0,2}(?:dijo|dice|declar[óo]|afirm[óo]|escribi[óo]|coment[óo]"
    r"|explic[óo]|respondi[óo]|pregunt[óo]|grit[óo])\b",
    re.I,
)
# "La trampa turística (1979), una de mis favoritas": a sentence-case title opening a sentence or line.
_HEADLINE_YEAR = re.compile(
    r"(?:^|(?<=[.!?\n]))\s*([A-ZÁÉÍÓÚÑ][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){1,5})\s*\(((?:18|19|20)\d\d)\)"
)
_CLAUSE_WORDS = frozenset("me te se le lo nos que es fue era son está estaba muy no vi he ha había mi".split())
# "…, la estrella desaparecida, la última película del director…": a title in apposition to "película".
_APPOSITIVE = re.compile(
    r"(?:^|(?<=[,.;:]\s))((?:el|la|los|las|un|una)\s+[a-záéíóúñü][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){0,5}),\s+"
    r"(?:la|su)\s+(?:(?:[úu]ltima|nueva|primera|segunda|tercera|anterior|siguiente|mejor|peor|gran)\s+)?"
    r"(?:pel[íi]cula|cinta|obra)\s+(?:de|del)\b",
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
# After a cued title, more titles in the same list: "episodios de Star Trek, perdido en el espacio, e incluso FarScape".
_LIST_NEXT = re.compile(r"^(?:\s*,\s*(?:(?:y|e|o|u)\s+)?(?:incluso\s+|hasta\s+)?|\s+(?:y|e|o|u)\s+(?:incluso\s+)?)")
_FAVOURITES = re.compile(r"\b(?:favorit[oa]s|preferid[oa]s)\s*\(\s*", re.I)
_CAPITALISED_TITLE = re.compile(rf"{_TITLE_WORD}(?:\s+(?:{_CONNECTOR}\s+)*{_TITLE_WORD}){{0,5}}")
_LOWER_ITEM = re.compile(
    r"[a-záéíóúñü][\w'’\-]*(?:\s+[a-záéíóúñü][\w'’\-]*){1,4}(?=\s*,\s*(?:(?:y|e|o)\s+)?(?:incluso\s+)?[A-ZÁÉÍÓÚÑ])"
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
_QUOTE_LIST_GLUE = re.compile(r"[\"”»'’]?\s*(?:,|y|e|o|u|,\s*y)\s*[\"“«'‘]?")
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
    first_mention: int = -1  # clean offset of the first time the text names it, quoted or not
    occurrences: list[int] = field(default_factory=list)  # clean offsets of every time the text names it


def _looks_like_title(candidate: str, quoted: bool = True) -> bool:
    words = candidate.split()
    if not words or len(words) > 10 or not (candidate[0].isupper() or candidate[0].isdigit()):
        return False
    if sum(ch.isalpha() for ch in candidate) < 3 or candidate.rstrip()[-1:] in ",;:":
        return False  # "B" (serie B), "5-6", clause fragments
    if _AWARD_WORDS.fullmatch(candidate.strip()) or re.search(r",\s*[¿¡]", candidate):
        return False  # an award, or an exclamation ("Oh Dios, ¿verdad?")
    if len(words) >= 5 and re.search(r",\s+[a-záéíóúñ]", candidate):
        return False  # quoted speech ("Bueno, tal vez será mejor"), not "Planos, trenes y automóviles"
    if not quoted and len(words) == 1 and is_common_word(words[0]):
        return False  # "la película Hay…": an unquoted ordinary word after a cue is not a title
    # Long quotes of lower-case prose are dialogue, not titles; "Cinderella II: los sueños se hacen
    # realidad" is a title with a subtitle.
    main_title = candidate.split(":")[0]
    if quoted and ":" in candidate and main_title != candidate and _looks_like_title(main_title, quoted=False):
        return True
    return not (len(words) > 6 and sum(w[0].islower() for w in words) > len(words) / 2)


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
    from wordfreq import zipf_frequency

    word = words[-1].lower()
    return is_common_word(word) or zipf_frequency(word, "en") >= 4.5


@dataclass(frozen=True)
class _Quote:
    """A quoted string with the 40 characters before it (ending with the opening mark) and after it."""

    title: str
    before: str
    after: str


def _stray_full_stop(title: str) -> bool:
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


def _list_continuation(text: str, end: int) -> list[tuple[str, int, int]]:
    """Titles that follow a referenced title in the same list (", B, e incluso C")."""
    found = []
    while True:
        glue = _LIST_NEXT.match(text[end : end + 20])
        if not glue:
            return found
        at = end + glue.end()
        item = _CAPITALISED_TITLE.match(text, at) or _LOWER_ITEM.match(text, at)
        if not item or not (_looks_like_title(item.group(0), quoted=False) or item.re is _LOWER_ITEM):
            return found
        title = item.group(0).strip()
        found.append((title, at, at + len(title)))
        end = at + len(title)


def _bracketed_favourites(text: str) -> list[tuple[str, int, int]]:
    """Films in a bracketed list after "favoritos": "mis favoritos (Halloween, Cortinas, Scream)"."""
    found = []
    for m in _FAVOURITES.finditer(text):
        first = _CAPITALISED_TITLE.match(text, m.end())
        if first and _looks_like_title(first.group(0), quoted=False):
            found.append((first.group(0), first.start(), first.end()))
            found += _list_continuation(text, first.end())
    return found


def _headline_titles(text: str) -> list[tuple[str, int, int]]:
    found = _bracketed_favourites(text)
    for m in _HEADLINE_YEAR.finditer(text):
        title = m.group(1).strip()
        if not _CLAUSE_WORDS.intersection(w.lower() for w in title.split()):
            found.append((title, m.start(1), m.start(1) + len(title)))
    for m in _APPOSITIVE.finditer(text):
        found.append((m.group(1), m.start(1), m.end(1)))
    return found


def _quoted_candidates(text: str) -> list[tuple[str, int, int]]:
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
            if _looks_like_title(title) or _lower_case_quote_is_title(text, m.start(), title):
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
    if " " in title or not _ordinary_word(title):
        return False
    before, after = text[max(0, start - 31) : start - 1], text[end + 1 : end + 50]
    if _QUOTE_CUE.search(before) or _YEAR_AFTER.match(after) or _KIND_OF_WORK_AFTER.match(after):
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


# '"Cinderella II" es una de las peores películas': the reviewer's verdict on a film names the reviewed one.
# …but not '"Spike" es una película mejor actuada que esta', a comparison.
_VERDICT_AFTER = re.compile(
    r"[\"”»'’]?\s*(?:es|fue|era)\s+(?:una|un|la|el)\s+(?:de\s+las?\s+)?(?:\w+\s+){0,2}"
    r"(?:pel[íi]culas?|film|filmes|cintas?|comedias?|dramas?|documental(?:es)?|series?|thrillers?)\b"
    r"(?!\s+(?:\w+\s+)?(?:mejor|peor|más|menos)\b)",
    re.I,
)
_COMPARED_BEFORE = re.compile(
    r"(?:\bcomo|(?<!esta )\b(?:episodios|cap[íi]tulos|remake|secuela|precuela|versi[óo]n|original) de|\binspirad[oa] en"
    r"|\brecuerda a|\bsimilar a|\bparecid[oa] a|\b(?:mejor|peor|más|menos) que|\bcomparad[oa] con"
    r"|\bal estilo de|\ba la (?:altura|par) (?:de|con))\s*[\"“«'‘]?$",
    re.I,
)
_KIND_OF_WORK_AFTER = re.compile(
    r"\s*(?:es|fue|era)\s+(?:un|una|el|la)\s+(?:\w+\s+)?(?:pel[íi]cula|documental|serie|programa|film|filme|cinta"
    r"|comedia|drama|thriller|western|musical|cl[áa]sico)\b",
    re.I,
)


def _ordinary_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    folded = word.lower()
    return is_common_word(word) or zipf_frequency(folded, "es") >= 4.0 or zipf_frequency(folded, "en") >= 4.5


def _candidates(text: str, person_spans: frozenset[tuple[int, int]]) -> list[tuple[str, int, int]]:
    found = _quoted_candidates(text)
    for pattern in (_CUED, _WITH_YEAR, _SEQUEL):
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
            if _looks_like_title(title, quoted=pattern is _WITH_YEAR):
                found.append((title, start, start + len(title)))
                if pattern is _CUED and _REFERENCE.search(text[max(0, m.start(1) - 40) : m.start(1)]):
                    found += _list_continuation(text, start + len(title))
    found += _headline_titles(text)
    return sorted(found, key=lambda f: (f[1], -f[2]))


def extract_films(text: str, person_spans: Iterable[tuple[int, int]] = ()) -> list[FilmFacts]:
    """Films named in the (clean) text; the caller drops those that turn out to be people.

    `person_spans` are spaCy's PER entities: an unquoted name after a cue ("versión de …") that
    spaCy reads as a full name is left to the people extractor.
    """
    films: dict[str, FilmFacts] = {}
    taken_until = -1
    for title, start, end in _candidates(text, frozenset(person_spans)):
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
            owner.first_mention = min(owner.first_mention, film.first_mention)
            owner.occurrences = sorted({*owner.occurrences, *film.occurrences})
            owner.year = owner.year or film.year
    return kept


def _year_in_opening_clause(text: str, start: int) -> int | None:
    """One year earlier in the title's sentence ("No fue hasta 1957 cuando … Title")."""
    sentence_start = max(text.rfind(". ", 0, start) + 1, 0)
    years = _YEAR_ANY.findall(text, sentence_start, start)
    return int(years[0]) if len(years) == 1 else None


def _occurrences(title: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", text, re.I)]


def _count_mentions(film: FilmFacts, films: list[FilmFacts], text: str) -> None:
    """How often, and from where on, the review names the film.

    An occurrence inside a longer title is that title's ("Komodo" in "Komodo vs. COBRA").
    """
    longer = [o for o in films if o is not film and fold(film.title) in fold(o.title) and o.title != film.title]
    covered = [span for other in longer for span in _occurrences(other.title, text)]
    own = [(a, b) for a, b in _occurrences(film.title, text) if not any(c <= a and b <= d for c, d in covered)]
    film.mentions = max(len(own), film.mentions)  # film.mentions: the times a title pattern itself found it
    film.occurrences = sorted({film.start, *(a for a, _ in own)})
    film.first_mention = film.occurrences[0]


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
        # "programas como Star Trek", "mejor que «Spike»": a film named to compare does not count.
        own = [at for at in film.occurrences if not _COMPARED_BEFORE.search(text, max(0, at - 30), at)]
        verdict = any(_VERDICT_AFTER.match(text, end) for _, end in _occurrences(film.title, text))
        return len(own) + bool(own and own[0] < opening) + 2 * verdict

    best = max(films, key=lambda f: (score(f), -f.first_mention))
    return best if score(best) >= 2 else None
