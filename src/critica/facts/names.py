"""Candidate proper-name spans and the tests that tell a name from a capitalised word."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from critica.facts.gazetteers import ENGLISH_EPITHETS, NOT_NAMES
from critica.text.fold import strip_marks
from critica.text.segment import starts_sentence
from critica.text.wordlists import zipf

_UPPER = "A-ZÁÉÍÓÚÑÜÀÈÌÒÙÂÊÎÔÛÄËÏÖÇ"
# A capitalised word; only initials ("J.", or glued as in "J.A. Bayona", "J.R.R. Tolkien") keep their
# dots, so names never run across sentences.
_NAME_WORD = rf"(?:(?:[{_UPPER}]\.){{1,3}}|[{_UPPER}][\w'’\-]*(?<![\'’]s))"
_PARTICLE = r"(?:de|del|de la|van|von|der|da|di|du|dos|le|la|mc|st\.)"
# Up to five capitalised words, with name particles between them ("José Ramon Larraz", "Jean de La Fontaine").
NAME_SPAN = re.compile(rf"(?<![\w'’]){_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,4}}")


@dataclass(frozen=True)
class NameSpan:
    """A capitalised span in the clean text (clean offsets)."""

    text: str
    start: int
    end: int

    @property
    def tokens(self) -> list[str]:
        """The span's words."""
        return self.text.split()


def fold(text: str) -> str:
    """Accent- and case-insensitive key for comparing names and titles."""
    return " ".join(strip_marks(text.casefold(), "NFKD").split())


@lru_cache(maxsize=65536)
def is_common_word(token: str) -> bool:
    """A capitalised word that is really an ordinary Spanish word ("Dirigida", "Sensaciones")."""
    word = token.strip(".'’").lower()
    if word in NOT_NAMES:
        return True
    return zipf(word, "es") >= 4.2 and zipf(word, "en") < 5.0


def _NAME_AL(tokens: list[re.Match], sentence_start: bool) -> bool:
    # Mid-sentence, a capitalised "Al" before another name is a first name ("de Al Pacino"), not "a + el".
    return tokens[0].group() == "Al" and len(tokens) > 1 and not sentence_start


def _very_frequent(token: re.Match) -> bool:
    # "Ahora Himesh", "Sólo Kananga": adverbs far more frequent than any first name (Juan is 5.3).
    return zipf(token.group().lower(), "es") >= 5.5


@lru_cache(maxsize=65536)
def _english_verb(token: str) -> bool:
    # Surnames ending in -s ("Harris", "Sands") are frequent in Spanish text too; English verbs are not
    # ("wishes" 1.7), and a rare one ("ogles") is never seen in Spanish at all.
    word = token.lower()
    if not word.endswith("s"):
        return False
    english, spanish = zipf(word, "en"), zipf(word, "es")
    return (english >= 3.5 and spanish < 2.5) or (english >= 1.0 and spanish == 0.0)


# The given names among the words that test flags (checked against ~100 English given names).
_GIVEN_NAMES_THAT_ARE_ENGLISH_WORDS = frozenset({"will", "may"})


@lru_cache(maxsize=65536)
def _english_word(token: str) -> bool:
    # Names are used in Spanish text as often as in English ("Powers" 4.7 en / 2.9 es, "Greer" 3.2 / 2.6);
    # English words that translation left untouched are not ("haunt" 3.5 / 1.3, "beside" 4.2 / 1.7).
    word = token.lower().strip(".'’")
    if word in _GIVEN_NAMES_THAT_ARE_ENGLISH_WORDS:
        return False
    english = zipf(word, "en")
    return english >= 2.0 and english - zipf(word, "es") >= 1.9


_EDGE_WORDS = frozenset("de del la le el los las y e o en con por para a al".split())


def trim(span: NameSpan, sentence_start: bool) -> NameSpan | None:
    """Drop stop words at the edges, and a frequent word that leads a sentence ("Básicamente Tom Hanks").

    Capitalisation inside a sentence is evidence of a name, so frequency only
    decides for the first word of a sentence ("Sensaciones", but "Marina" or
    "Javier Cámara" mid-sentence stay names).
    """
    tokens = list(re.finditer(r"\S+", span.text))
    while tokens and (
        (tokens[0].group().lower().strip(".") in NOT_NAMES and not _NAME_AL(tokens, sentence_start))
        or (sentence_start and is_common_word(tokens[0].group()) and (len(tokens) != 2 or _very_frequent(tokens[0])))
    ):
        tokens.pop(0)
        sentence_start = False
    if len(tokens) >= 3 and tokens[0].group().lower() in ENGLISH_EPITHETS:
        tokens.pop(0)  # "el difunto Great Chris Farley": an English epithet the translation left capitalised
    while len(tokens) >= 2 and _english_word(tokens[0].group()):
        tokens.pop(0)  # "Haunt Michael Rooks", "Think Dragnet": English the translation left before a name
    while tokens and tokens[-1].group().lower().strip(".'’") in _EDGE_WORDS:
        tokens.pop()
    if len(tokens) >= 3 and (_english_verb(tokens[-1].group()) or _english_word(tokens[-1].group())):
        tokens.pop()  # "Geoffrey Rush Wishes", "Ray Milland Madcap": English left after the name
    if not tokens:
        return None
    a, b = tokens[0].start(), tokens[-1].end()
    text = re.sub(r"['’]s?$", "", span.text[a:b].rstrip("."))  # "Studi's" → "Studi"
    if len(text) < 2 or not any(ch.isalpha() for ch in text):
        return None
    return NameSpan(text, span.start + a, span.start + a + len(text))


_GLUED = re.compile(r"(?<=[a-záéíóúñ]{3})(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ])")  # "McCormickStoring": lost space
# "Dana Davisplot: Hace tres años…": a lower-case heading glued to the name before it.
_GLUED_HEADING = re.compile(r"(?<=[a-záéíóúñ]{2})(?:plot|starring|storing)(?=\s*:)")


def name_spans(text: str) -> list[NameSpan]:
    """Every trimmed capitalised span of the text."""
    spans = []
    for match in NAME_SPAN.finditer(text):
        start, end = match.start(), match.end()
        glued = _GLUED.search(text, start, end) or _GLUED_HEADING.search(text, start, end + 2)
        value = match.group()[: glued.start() - match.start()] if glued else match.group()
        at_sentence_start = starts_sentence(text, match.start())
        for start, piece in _split_at_particle(value, match.start()):
            trimmed = trim(NameSpan(piece, start, start + len(piece)), at_sentence_start and start == match.start())
            if trimmed is not None:
                spans.append(trimmed)
    return spans


_JOINING_PARTICLE = re.compile(r"\s+(?:de|del)\s+(?=\S+\s+\S)")


def _split_at_particle(value: str, offset: int) -> list[tuple[int, str]]:
    """'Hong Kong de John Woo' is two names: a particle is only part of a name before its last word."""
    match = _JOINING_PARTICLE.search(value)
    if match is None or not value[match.end() :].split()[0][:1].isupper():
        return [(offset, value)]
    left, right = value[: match.start()], value[match.end() :]
    if len(right.split()) < 2 or right.split()[0].lower() in {"la", "las", "los", "le"}:
        return [(offset, value)]
    return [(offset, left), (offset + match.end(), right)]


def same_title(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Titles (or original titles) equal, or one containing the other (folded; 4 characters at least).

    How gold scoring matches films, and how the reviewed-film chooser labels its training candidates.
    """

    def forms(film: dict[str, Any]) -> list[str]:
        return [fold(t) for t in (film.get("title"), film.get("original_title")) if t]

    return any(p == g or (min(len(p), len(g)) >= 4 and (p in g or g in p)) for p in forms(pred) for g in forms(gold))
