"""Is a word Spanish? A lexicon that forgives what people really write.

Machine translation sometimes invents words ("inconfiadas" for "unflinching").
People also write words no frequency list holds: rare but real ones
("farera"), inflections of rare verbs ("laudió"), accents left off
("pelicula"), typos ("peliula"). Only the first kind is damage, so a word
counts as Spanish when any of these finds it:

1. wordfreq's large Spanish list, compared without accents;
2. the same list after undoing a regular inflection (gender, number, the
   common verb endings → a lemma the list holds);
3. one edit (a letter dropped, added, changed or two swapped) away from a
   common Spanish word: a typo, not an invention.
"""

from __future__ import annotations

from functools import lru_cache

from critica.text.fold import fold
from critica.text.wordlists import spanish_deletions, spanish_lexicon  # common: zipf ≥ wordlists.COMMON_ZIPF

# Inflected ending → the lemma endings to try, accent-folded ("" = the bare stem). Written for critica.
_INFLECTION_TABLE = """
aron:ar ieron:er,ir aban:ar aba:ar abas:ar ando:ar iendo:er,ir ado:ar ada:ar ados:ar adas:ar
ido:er,ir ida:er,ir idos:er,ir idas:er,ir io:er,ir,iar o:ar,o an:ar en:er,ir amos:ar ara:ar iera:er,ir
aria:ar eria:er iria:ir as:a,o,ar os:o es:,e a:o,ar s: mente:,o isimo:o,e, isima:o,a,e, ito:o, ita:a,
illo:o, illa:a,
"""
_INFLECTIONS = tuple(
    (ending, tuple(lemmas.split(","))) for ending, lemmas in (entry.split(":") for entry in _INFLECTION_TABLE.split())
)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit_from_common(word: str) -> bool:
    deletes = _deletes(word)
    index = spanish_deletions()  # every common word with one letter dropped: no scan of the list
    # A letter added (a deletion is a common word), dropped (the word is a common word's deletion), or
    # changed or two letters swapped (both share a one-letter deletion with the word).
    return spanish_lexicon().any_of(deletes, min_value=1) or word in index or index.any_of(deletes)


def _inflection_of_known(word: str) -> bool:
    known = spanish_lexicon()
    for ending, lemmas in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            if any(stem + lemma in known for lemma in lemmas):
                return True
    return False


@lru_cache(maxsize=65536)
def is_spanish_word(word: str) -> bool:
    """True when `word` is Spanish as people write it (see the module doc); case and accents ignored."""
    folded = fold(word)
    return folded in spanish_lexicon() or _inflection_of_known(folded) or _one_edit_from_common(folded)


# English award names left in place by machine translation, and the Spanish name a reviewer writes.
ENGLISH_AWARD_FORMS: dict[str, str] = {
    r"palm d['’ ]?or": "Palma de Oro",
    r"academy awards?": "Óscar",
    r"golden globes?": "Globo de Oro",
    r"golden lion": "León de Oro",
    r"golden bear": "Oso de Oro",
    r"golden raspberr(?:y|ies)": "Razzie",
}
