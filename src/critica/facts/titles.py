"""The shape of a film title: what a candidate string must look like to be one."""

from __future__ import annotations

import re

from critica.facts.gazetteers import AWARDS
from critica.facts.names import is_common_word
from critica.text.patterns import YEAR
from critica.text.wordlists import zipf

# The year tied to a title right after it: "(1957)", ", de 1957", "en 1957".
YEAR_AFTER = re.compile(rf"^\s*(?:\(({YEAR})\)|,?\s*(?:de|en|del año)\s+({YEAR})\b)")

_AWARD_WORDS = re.compile("|".join(p for forms, _ in AWARDS.values() for p in forms), re.I)


def looks_like_title(candidate: str, quoted: bool = True) -> bool:
    """Whether a candidate string has the shape of a film title (not speech, an award, a fragment)."""
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
    if quoted and ":" in candidate and main_title != candidate and looks_like_title(main_title, quoted=False):
        return True
    return not (len(words) > 6 and sum(w[0].islower() for w in words) > len(words) / 2)


def ordinary_word(word: str) -> bool:
    """A frequent Spanish or English word ("Acción", "Little"), which alone in quotes is rarely a title."""
    folded = word.lower()
    return is_common_word(word) or zipf(folded, "es") >= 4.0 or zipf(folded, "en") >= 4.5
