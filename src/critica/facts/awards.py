"""Awards, festivals and nominations, normalised to their Spanish names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from critica.facts import rules
from critica.facts.gazetteers import AWARDS, FESTIVALS
from critica.text.patterns import YEAR, spanish_re

_AWARD_PATTERNS = [
    (name, event, spanish_re(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.I)) for name, (forms, event) in AWARDS.items()
]
_FESTIVAL_PATTERNS = [
    (name, spanish_re(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.I)) for name, forms in FESTIVALS.items()
]
# "premio a la mejor actriz de reparto", "premio al mejor guion original"; never a trailing function word
# ("el premio al mejor actor en Cannes", "a la mejor dirección y …").
_GENERIC_PRIZE = spanish_re(
    r"\b(premios? (?:a (?:la )?|al |de (?:la )?|del )?mejor(?:es)? [a-záéíóúñ]+"
    r"(?: de reparto| (?!(?:en|de|del|y|e|o|u|a|al|con|por|para|que|como|la|el|los|las|un|una|su|sus)\b)"
    r"[a-záéíóúñ]+)?)",
    re.I,
)
_NOMINATION = spanish_re(r"nominad[oa]s?|nominaci[óo]n(?:es)?|candidat[oa]s? a", re.I)
# Words of winning: they make a prize a win, not a nomination, and tie it to the one person in its sentence.
WON = spanish_re(r"\b(?:gan[óo]|ganad[oa]r?|recibi[óo]|obtuvo|se llev[óo]|conquist[óo]|premiad[oa]|honrad[oa])\b", re.I)
_YEAR = spanish_re(rf"(?<!\d)({YEAR})(?!\d)")
# A festival named without a prize is an award only where its sentence speaks of winning, a prize or a
# nomination ("En el Festival de San Sebastián ganó un premio"); "presentada en el Festival de Cannes"
# is a screening, not an award (the gold convention): it is reported under `facts.festivals` alone.
_SHOWN = spanish_re(
    r"\b(?:present\w*|proyect\w*|estren\w*|exhib\w*|pas[óo] por|pasad[oa] por|inaugur\w*|clausur\w*"
    r"|compet\w*|compiti[óo])",
    re.I,
)
_PRIZE_TALK = spanish_re(r"\b(?:premios?|premiad[oa]s?|galard[óo]n(?:es)?|galardonad[oa]s?|palmar[ée]s)\b", re.I)

# "una interpretación de Oscar", "un guion, no de Oscar", "su discurso de Oscar": a bare "de" (no
# article, no number) after an ordinary noun praises something as worthy of the prize; no prize was
# given. The same shape names the painter ("la obra de Goya") or a person ("la fotografía de Óscar
# Faura"). "ganadora de un Oscar", "la gala de los Oscar", "la entrega de premios" keep their prize.
_FIGURATIVE = spanish_re(
    r"\b(?!(?:gala|ceremonia|entrega|premio|ganador|ganadora|nominad[oa]|candidat[oa]|estatuilla|edici[óo]n|noche)(?:e?s)?\b)"
    r"[a-záéíóúñ]+,?\s+(?:(?:no|digno|digna|casi)\s+)?de\s*$",
    re.I,
)
# "Fue nominada a tres Globos de Oro y ganó el BAFTA": clauses split a sentence's prizes apart.
_CLAUSE_BREAK = spanish_re(r"\s*;\s*|,?\s+(?:y|e|pero|mientras que|aunque)\s+", re.I)


@dataclass
class AwardMention:
    """An award or festival found in one sentence (clean offsets)."""

    award: str
    event: str | None
    year: int | None
    start: int
    end: int
    nomination: bool
    sentence: tuple[int, int]
    rule: str = ""  # the rule that found it (facts/rules.py)
    film: str | None = None  # resolved by the facts stage once the review's films and people are known
    person: str | None = None

    def key(self) -> tuple:
        """Two mentions of one sentence that the contract would report alike are one fact.

        Across sentences they stay apart: "ganó un Oscar por X" and "se llevó el Oscar" may be two
        prizes that this reading cannot tell apart (dev: merging them too lost one of two).
        """
        return (self.award, self.event, self.year, self.film, self.person, self.nomination, self.sentence)


def _nearest_year(text: str, start: int, end: int, sentence: tuple[int, int]) -> int | None:
    years = [
        (abs(m.start() - end) if m.start() >= end else abs(start - m.end()), int(m.group(1)))
        for m in _YEAR.finditer(text, sentence[0], sentence[1])
    ]
    return min(years)[1] if years else None


def _clause(text: str, position: int, sentence: tuple[int, int]) -> tuple[int, int]:
    start, end = sentence
    for m in _CLAUSE_BREAK.finditer(text, *sentence):
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = m.start()
            break
    return start, end


def _speaks_of_prizes(text: str, span: tuple[int, int]) -> bool:
    """Whether text[span] speaks of winning, prizes or nominations."""
    return any(pattern.search(text, *span) for pattern in (WON, _NOMINATION, _PRIZE_TALK))


def _festival_prized(text: str, clause: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """Whether a festival named without a prize is an award.

    Yes where its clause speaks of prizes, or its sentence does and its own clause does not say
    the film was only shown there ("ganó un premio; también pasó por la Berlinale").
    """
    if _speaks_of_prizes(text, clause):
        return True
    return _speaks_of_prizes(text, sentence) and not _SHOWN.search(text, *clause)


@dataclass
class FestivalMention:
    """A festival named in one sentence (clean offsets), whether or not a prize goes with it."""

    festival: str
    year: int | None
    start: int
    end: int


def _festivals_of(text: str, sentence: tuple[int, int], festivals: list[tuple[str, re.Match[str]]]) -> list:
    """The first mention of each festival of one sentence, with its year."""
    named = {name for name, _ in festivals}
    found, seen = [], set()
    for name, match in festivals:
        if name not in seen:
            seen.add(name)
            clause = _clause(text, match.start(), sentence)
            year = _year_of(text, match, clause, sentence, alone=len(named - {name}) == 0)
            found.append(FestivalMention(name, year, match.start(), match.end()))
    return found


def _festival_hits(text: str) -> list[tuple[str, re.Match[str]]]:
    """Every festival mention of the text, in text order (one scan per festival for the whole text)."""
    hits = [(name, m) for name, pattern in _FESTIVAL_PATTERNS for m in pattern.finditer(text)]
    return sorted(hits, key=lambda hit: hit[1].start())


def _is_nomination(text: str, clause: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """Nominated in its own clause, or in the sentence unless its own clause says it was won."""
    if _NOMINATION.search(text, *clause):
        return True
    return bool(_NOMINATION.search(text, *sentence)) and not WON.search(text, *clause)


def _year_of(
    text: str, match: re.Match[str], clause: tuple[int, int], sentence: tuple[int, int], alone: bool
) -> int | None:
    # A year in the prize's clause is its own; one elsewhere in the sentence is shared only when no
    # other festival stands between ("el Oso de Oro en la Berlinale de 2010 y el León de Oro en Venecia").
    return _nearest_year(text, match.start(), match.end(), clause) or (
        _nearest_year(text, match.start(), match.end(), sentence) if alone else None
    )


def awards_and_festivals(
    text: str, sentences: list[tuple[int, int]]
) -> tuple[list[AwardMention], list[FestivalMention]]:
    """The awards and the festivals the text names.

    Awards: one entry per prize mention (with its festival), and a festival alone where its
    sentence speaks of prizes (`_festival_prized`). Festivals: the first mention of each festival
    per sentence, whether a prize goes with it or the film was only shown there.
    """
    found: list[AwardMention] = []
    named: list[FestivalMention] = []
    hits = _festival_hits(text)  # once for the awards and the festivals of every sentence
    for a, b in sentences:
        # A match that runs past the sentence's end is the sentence splitter's doing: keep it out.
        festivals = [(name, m) for name, m in hits if a <= m.start() and m.end() <= b]
        named += _festivals_of(text, (a, b), festivals)
        prizes = [
            (name, event, m, rules.AWARD_PRIZE)
            for name, event, pattern in _AWARD_PATTERNS
            for m in pattern.finditer(text, a, b)
            if not _FIGURATIVE.search(text, max(a, m.start() - 40), m.start())
        ]
        prizes += [
            (m.group(1), None, m, rules.AWARD_GENERIC_PRIZE)
            for m in _GENERIC_PRIZE.finditer(text, a, b)
            if not any(p[2].start() <= m.start() < p[2].end() for p in prizes)
        ]
        prizes.sort(key=lambda prize: prize[2].start())
        events = {event for _, event, _, _ in prizes if event} | {name for name, _ in festivals}
        used_festivals = set()
        for name, event, match, rule in prizes:
            clause = _clause(text, match.start(), (a, b))
            # A prize without its own event belongs to a festival of its clause: in "se llevó el Goya …
            # y Banderas ganó el premio al mejor actor en Cannes" the Goya is not Cannes's.
            own = [f for f in festivals if clause[0] <= f[1].start() < clause[1]]
            if event is None and own:
                event = min(own, key=lambda f: abs(f[1].start() - match.start()))[0]
            if event is not None:
                used_festivals.add(event)
            year = _year_of(text, match, clause, (a, b), alone=len(events - {event}) == 0)
            nomination = _is_nomination(text, clause, (a, b))
            found.append(AwardMention(name, event, year, match.start(), match.end(), nomination, (a, b), rule))
        for name, match in festivals:
            if name in used_festivals:
                continue
            clause = _clause(text, match.start(), (a, b))
            if _festival_prized(text, clause, (a, b)):
                used_festivals.add(name)
                year = _year_of(text, match, clause, (a, b), alone=len(events - {name}) == 0)
                nomination = _is_nomination(text, clause, (a, b))
                festival = rules.AWARD_FESTIVAL
                found.append(AwardMention(name, name, year, match.start(), match.end(), nomination, (a, b), festival))
    return found, named
