"""Accent and case folding, shared by every model that must not care how a word was accented."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def strip_marks(text: str, form: str = "NFD") -> str:
    """`text` decomposed (`form`: NFD, or NFKD to fold ligatures and width too) without combining marks."""
    return "".join(ch for ch in unicodedata.normalize(form, text) if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)  # called for every token by the n-gram and skeleton analysers; reviews repeat words
def fold(word: str) -> str:
    """Lower case without accents ("Película" → "pelicula"); ñ and ü become n and u."""
    if word.isascii():
        return word.lower()
    return strip_marks(word.lower())


def unaccented(text: str) -> str:
    """`text` as typed without accents: each accented letter its base letter, one for one (ñ kept).

    Offsets stay valid, so annotations of a review score its unaccented version too.
    """
    return "".join(ch if ch in "ñÑ" else unicodedata.normalize("NFD", ch)[0] for ch in text)
