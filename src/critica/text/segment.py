"""Sentence segmentation on clean text, returning spans in original offsets.

A rule-based splitter: spaCy's parser would give sentences too, but it costs
milliseconds per review and the polarity model only needs sentence units.
Rules cover what IMDB-es and native reviews contain: terminal punctuation,
Spanish opening marks, quotes and brackets, abbreviations and initials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from critica.text.normalize import CleanText

_ABBREVIATIONS = frozenset(
    """sr sra srta dr dra lic ing etc pág págs vs p ej ee uu aprox núm no mr mrs ms st jr
    vol cap fig ed eds min seg hr hrs dir prod ft""".split()
)
# A sentence ends at . ! ? … (possibly repeated, possibly followed by closing
# quotes or brackets) when whitespace and a plausible sentence start follow.
_BOUNDARY = re.compile(
    r"[.!?…]+[\"'”’»)\]}]*(?=\s+[\"'“‘«(\[¿¡\-–—]*[A-ZÁÉÍÓÚÑÜ0-9¿¡])"
    # Machine translation often drops the space after a full stop: "película.Estaba".
    r"|(?<=[a-záéíóúñü]{2})[.!?](?=[A-ZÁÉÍÓÚÑ][a-záéíóúñü])"
)
_MAX_SENTENCE_CHARS = 1500  # runaway "sentences" (lists, no punctuation) get cut at spaces


@dataclass(frozen=True)
class Sentence:
    """One sentence: its clean text and its span in the original text."""

    text: str
    start: int
    end: int
    clean_start: int
    clean_end: int


def _previous_word(text: str, end: int) -> str:
    i = end
    while i > 0 and (text[i - 1].isalpha()):
        i -= 1
    return text[i:end].lower()


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _previous_word(text, dot)
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter followed by a dot is an initial ("J. R. Tolkien").
    return len(word) == 1 and text[dot - 1].isupper()


def _clean_boundaries(text: str) -> list[int]:
    cuts = []
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] == "." and match.end() - match.start() == 1:
            if _is_abbreviation(text, match.start()):
                continue
        cuts.append(match.end())
    return cuts


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > _MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + _MAX_SENTENCE_CHARS // 2, start + _MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + _MAX_SENTENCE_CHARS
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def starts_sentence(text: str, position: int) -> bool:
    """True when `position` begins a sentence (after . ! ? : and any opening quotes or marks).

    Rules that read capital letters ask this: a sentence's first word is capitalised for the
    sentence, not because it is a name or a title.
    """
    before = text[max(0, position - 4) : position].rstrip(" \"'“‘«¿¡(")
    return not before or before[-1] in ".!?:"


def split_sentences(clean: CleanText) -> list[Sentence]:
    """Split clean text into sentences whose offsets slice the original text."""
    text = clean.text
    sentences: list[Sentence] = []
    start = 0
    for cut in [*_clean_boundaries(text), len(text)]:
        for a, b in _split_long(text, start, cut):
            while a < b and text[a] == " ":
                a += 1
            while b > a and text[b - 1] == " ":
                b -= 1
            if b > a:
                o_start, o_end = clean.to_original(a, b)
                sentences.append(Sentence(text[a:b], o_start, o_end, a, b))
        start = cut
    return sentences
