"""Accent and case folding, shared by every model that must not care how a word was accented."""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """Lower case without accents ("Película" → "pelicula"); ñ and ü become n and u."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
