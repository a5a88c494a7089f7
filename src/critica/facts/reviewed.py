"""Which of the films a review names is the one it reviews."""

from __future__ import annotations

import re

from critica.facts import rules
from critica.facts.films import FilmFacts, occurrences
from critica.text.patterns import spanish_re

TAGGED_NEEDS = 3  # score a tagger-only title needs to be the reviewed one (dev: fewer false, same found)

# '"Cinderella II" es una de las peores películas': the reviewer's verdict on a film names the reviewed one.
# …but not '"Spike" es una película mejor actuada que esta', a comparison.
_VERDICT_AFTER = spanish_re(
    r"[\"”»'’]?\s*(?:es|fue|era)\s+(?:una|un|la|el)\s+(?:de\s+las?\s+)?(?:\w+\s+){0,2}"
    r"(?:pel[íi]culas?|film|filmes|cintas?|comedias?|dramas?|documental(?:es)?|series?|thrillers?"
    r"|obras? maestras?|joyas?|bodrios?|desastres?|cl[áa]sicos?|maravillas?)\b"
    r"(?!\s+(?:\w+\s+)?(?:mejor|peor|más|menos)\b)",
    re.I,
)
_COMPARED_BEFORE = spanish_re(
    r"(?:\bcomo|(?<!esta )\b(?:episodios|cap[íi]tulos|remake|secuela|precuela|versi[óo]n|original) de|\binspirad[oa] en"
    r"|\brecuerda a|\bsimilar a|\bparecid[oa] a|\b(?:mejor|peor|más|menos) que|\bcomparad[oa] con"
    r"|\bal estilo de|\ba la (?:altura|par) (?:de|con))\s*[\"“«'‘]?$",
    re.I,
)


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
        verdict = any(_VERDICT_AFTER.match(text, end) for _, end in occurrences(film.title, text))
        return len(own) + bool(own and own[0] < opening) + 2 * verdict

    scores = {id(film): score(film) for film in films}
    best = max(films, key=lambda f: (scores[id(f)], -f.occurrences[0]))
    # A title only the learned tagger found is a guess; it must be named more often to be the one.
    needed = TAGGED_NEEDS if best.rule == rules.FILM_TAGGED else 2
    return best if scores[id(best)] >= needed else None
