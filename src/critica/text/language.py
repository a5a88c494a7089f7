"""Which language is a review written in.

A quick function-word profile settles the common case (clearly Spanish) in
microseconds; anything less clear goes to lingua, whose models ship inside
its wheel. Its high-accuracy models take two seconds to load, its trigram-only
("low accuracy") models a tenth of that, so a short text asks the quick
detector first and the accurate one only when the quick one is not sure.
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


# Measured on 377 MuchoCine one-line summaries and 2,798 English first sentences that the
# function-word vote leaves to lingua: answering when the quick detector gives ≥ 0.99 is as
# accurate as always asking the accurate one (0.976 / 0.988 vs 0.976 / 0.990) and skips its
# two-second load for 80–90% of short texts.
_QUICK_IS_SURE = 0.99


@lru_cache(maxsize=2)
def _detector(accurate: bool = True):
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in _CANDIDATES))
    return (builder if accurate else builder.with_low_accuracy_mode()).build()


def _quick_if_sure(sample: str) -> list | None:
    """The quick detector's confidences when its best is ≥ _QUICK_IS_SURE, else None."""
    quick = _detector(accurate=False).compute_language_confidence_values(sample)
    return quick if quick and quick[0].value >= _QUICK_IS_SURE else None


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


# critica reads Spanish reviews, and a text of a few words says little about its language: lingua
# called 21% of three-word openings of MuchoCine reviews and summaries something else ("Encantadora."
# Portuguese, "Genial!!" Italian). A text that Spanish explains at least a third as well as the best
# language is Spanish; the quick detector's other answers stand only for texts of twelve words or more.
# Chosen on the training parts (benchmarks/short_language.py): three-word Spanish 0.785 -> 0.967,
# three-word English 0.951 -> 0.876, texts of twelve words or more unchanged.
SPANISH_PRIOR = 3.0
_QUICK_TRUSTED_WORDS = 12


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of the most likely language and a confidence, or (None, 0.0).

    Spanish wins a close call (`SPANISH_PRIOR`): critica's input is Spanish reviews.
    """
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    if _function_word_vote(sample) == "es":
        return "es", 0.99
    values = _quick_if_sure(sample)
    if not values or (_iso(values[0]) != "es" and len(_WORD.findall(sample)) < _QUICK_TRUSTED_WORDS):
        values = _detector(accurate=True).compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    spanish = next((v for v in values if _iso(v) == "es"), None)
    if spanish is not None and spanish.value * SPANISH_PRIOR >= values[0].value:
        return "es", float(spanish.value)
    return _iso(values[0]), float(values[0].value)


def _iso(value) -> str:
    """The ISO 639-1 code of one of lingua's confidence values."""
    return value.language.iso_code_639_1.name.lower()


@lru_cache(maxsize=1)
def _english_or_spanish():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def language_of_words(text: str) -> str | None:
    """Language of a short fragment, for the untranslated-fragment check (English or Spanish, mostly).

    The quick detector answers when it is sure; otherwise an accurate English/Spanish detector
    (93 MB, 0.55 s to load) rather than the 7-language one (161 MB, 1.4 s), which whole
    reviews never needed (1,700 IMDB-es and 1,000 MuchoCine reviews). Measured on the 35
    distinct fragments of 1,700 IMDB-es and 800 MuchoCine reviews: the quick detector was sure
    of 18 and agreed with the 7-language accurate one on all; the pair disagreed with it on one
    ("We We We We").
    """
    sure = _quick_if_sure(text)
    language = sure[0].language if sure else _english_or_spanish().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else None
