"""Which language is a review written in.

A quick function-word profile settles the common case (clearly Spanish) in
microseconds; anything less clear goes to lingua, whose models ship inside
its wheel but take a couple of seconds to load.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A handful of candidates keeps lingua fast and accurate; IMDb reviews are
# English originals, and Romance neighbours are the usual confusions.
_CANDIDATES = ("SPANISH", "ENGLISH", "PORTUGUESE", "FRENCH", "ITALIAN", "GERMAN", "CATALAN")
_SAMPLE_CHARS = 3000
_WORD = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = {
    "es": set("el la los las de del que y en un una es por con para se lo como pero más muy no su sus al le".split()),
    "en": set("the of and to in is that it was for with as his on be at by this film movie but not".split()),
    "pt": set("o os as do da dos das que e em um uma é não com para se mais muito mas ao pelo pela".split()),
    "fr": set("le la les des du et est un une que qui dans pour pas sur au avec ce il elle mais".split()),
    "it": set("il lo la gli le di del della che e è un una per non con si ma più molto nel".split()),
}


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in _CANDIDATES)).build()


def _function_word_vote(sample: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 12:
        return None
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    (best, best_hits), (_, second_hits) = ranked[0], ranked[1]
    if best == "es" and best_hits >= 0.2 * len(words) and best_hits >= 2 * second_hits:
        return best
    return None


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of the most likely language and a confidence, or (None, 0.0)."""
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    if _function_word_vote(sample) == "es":
        return "es", 0.99
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def language_of_words(text: str) -> str | None:
    """Language of a short fragment (used for untranslated-fragment checks)."""
    language = _detector().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else None
