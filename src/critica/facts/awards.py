"""Awards, festivals and nominations, normalised to their Spanish names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from critica.facts.gazetteers import AWARDS, FESTIVALS

_AWARD_PATTERNS = [
    (name, event, re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.I)) for name, (forms, event) in AWARDS.items()
]
_FESTIVAL_PATTERNS = [
    (name, re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)", re.I)) for name, forms in FESTIVALS.items()
]
_GENERIC_PRIZE = re.compile(
    r"\b(premios? (?:a (?:la )?|al |de (?:la )?|del )?mejor(?:es)? [a-záéíóúñ]+(?: [a-záéíóúñ]+)?)", re.I
)
_NOMINATION = re.compile(r"nominad[oa]s?|nominaci[óo]n(?:es)?|candidat[oa]s? a", re.I)
_YEAR = re.compile(r"(?<!\d)((?:18|19|20)\d\d)(?!\d)")


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


def _nearest_year(text: str, start: int, end: int, sentence: tuple[int, int]) -> int | None:
    years = [
        (abs(m.start() - end) if m.start() >= end else abs(start - m.end()), int(m.group(1)))
        for m in _YEAR.finditer(text, sentence[0], sentence[1])
    ]
    return min(years)[1] if years else None


def extract_awards(text: str, sentences: list[tuple[int, int]]) -> list[AwardMention]:
    """Prizes (with their festival) and festivals named in the text, one entry per prize mention."""
    found: list[AwardMention] = []
    for a, b in sentences:
        festivals = [(name, m) for name, pattern in _FESTIVAL_PATTERNS for m in pattern.finditer(text, a, b)]
        prizes = [(name, event, m) for name, event, pattern in _AWARD_PATTERNS for m in pattern.finditer(text, a, b)]
        prizes += [
            (m.group(1), None, m)
            for m in _GENERIC_PRIZE.finditer(text, a, b)
            if not any(p[2].start() <= m.start() < p[2].end() for p in prizes)
        ]
        nomination = bool(_NOMINATION.search(text, a, b))
        used_festivals = set()
        for name, event, match in prizes:
            if event is None and festivals:
                event = festivals[0][0]
                used_festivals.add(event)
            elif event is not None:
                used_festivals.add(event)
            year = _nearest_year(text, match.start(), match.end(), (a, b))
            found.append(AwardMention(name, event, year, match.start(), match.end(), nomination, (a, b)))
        for name, match in festivals:
            if name not in used_festivals:
                used_festivals.add(name)
                year = _nearest_year(text, match.start(), match.end(), (a, b))
                found.append(AwardMention(name, name, year, match.start(), match.end(), nomination, (a, b)))
    return found
