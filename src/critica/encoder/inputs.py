"""A review as encoder input: "query: " + its sentences, cut into 512-position windows.

Each sentence is tokenised on its own and the pieces are concatenated, so
every position knows which sentence it belongs to; that is what lets the
default tier attribute its score to sentences exactly. A sentence is
tokenised word by word (whitespace-separated; trailing whitespace is one more
"▁", as the tokenizer reads it), which gives the same pieces as the whole
sentence (the tokenizer splits at word starts; checked on all
72,122 sentences of MuchoCine and IMDB-es) and tells every piece the span of
its word: the title tagger reads the encoder's outputs around a candidate by
those spans. Training and prediction both build inputs here, so they read
reviews the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from critica.encoder.tokenizer import E5Tokenizer

PREFIX = "query"  # cross-validated against "passage" for this corpus (see MODEL_CARD)
WINDOW = 510  # content pieces per window; <s> and </s> make 512 positions
NOT_A_SENTENCE = -1  # <s>, </s> and the prefix pieces


@dataclass
class EncoderInput:
    """Windows of piece ids and, per position, the sentence it belongs to."""

    windows: list[np.ndarray]  # int32 ids, <s> … </s>
    owners: list[np.ndarray]  # int32 sentence index per position, NOT_A_SENTENCE elsewhere
    n_sentences: int
    # per position: its word's (start, end) in its sentence's text, (-1, -1) outside a sentence
    spans: list[np.ndarray] = field(default_factory=list)

    @property
    def content_tokens(self) -> int:
        """Positions that belong to a sentence (what the score averages over)."""
        return int(sum((o >= 0).sum() for o in self.owners))


def encoder_input(tokenizer: E5Tokenizer, sentences: list[str], prefix: str = PREFIX) -> EncoderInput:
    """Tokenise a review's sentences behind the prefix and window them."""
    ids = list(tokenizer.content_ids(f"{prefix}:"))
    owners = [NOT_A_SENTENCE] * len(ids)
    spans = [_OUTSIDE] * len(ids)
    for index, sentence in enumerate(sentences):
        for word in _words(sentence):
            pieces = tokenizer.content_ids(word.group(0))
            ids += pieces
            owners += [index] * len(pieces)
            spans += [word.span()] * len(pieces)
    vocab = tokenizer.vocabulary
    windows, window_owners, window_spans = [], [], []
    for start in range(0, len(ids), WINDOW):
        windows.append(np.array([vocab.bos, *ids[start : start + WINDOW], vocab.eos], dtype=np.int32))
        window_owners.append(np.array([NOT_A_SENTENCE, *owners[start : start + WINDOW], NOT_A_SENTENCE], np.int32))
        window_spans.append(np.array([_OUTSIDE, *spans[start : start + WINDOW], _OUTSIDE], np.int32))
    return EncoderInput(windows, window_owners, len(sentences), window_spans)


_WORD = re.compile(r"\S+")
_OUTSIDE = (-1, -1)


def _words(sentence: str) -> list[re.Match[str] | _Whole]:
    """The sentence's words, and its trailing whitespace where it has some: the tokenizer reads that as a "▁"."""
    if not sentence.strip():
        return [_Whole(sentence, 0)]
    words: list[re.Match[str] | _Whole] = list(_WORD.finditer(sentence))
    end = len(sentence.rstrip())
    if end < len(sentence):
        words.append(_Whole(sentence[end:], end))
    return words


@dataclass(frozen=True)
class _Whole:
    """Whitespace read whole, as the tokenizer reads it (one "▁"): a wordless sentence or a sentence's tail."""

    text: str
    start: int

    def group(self, _: int) -> str:
        return self.text

    def span(self) -> tuple[int, int]:
        return (self.start, self.start + len(self.text))
