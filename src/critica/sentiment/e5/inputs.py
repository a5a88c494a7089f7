"""A review as encoder input: "query: " + its sentences, cut into 512-position windows.

Each sentence is tokenised on its own and the pieces are concatenated, so
every position knows which sentence it belongs to; that is what lets the
fine-tuned tier attribute its score to sentences exactly. Training and
prediction both build inputs here, so they read reviews the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from critica.sentiment.e5.tokenizer import E5Tokenizer

PREFIX = "query"  # cross-validated against "passage" for this corpus (see MODEL_CARD)
WINDOW = 510  # content pieces per window; <s> and </s> make 512 positions
NOT_A_SENTENCE = -1  # <s>, </s> and the prefix pieces


@dataclass
class EncoderInput:
    """Windows of piece ids and, per position, the sentence it belongs to."""

    windows: list[np.ndarray]  # int32 ids, <s> … </s>
    owners: list[np.ndarray]  # int32 sentence index per position, NOT_A_SENTENCE elsewhere
    n_sentences: int

    @property
    def content_tokens(self) -> int:
        """Positions that belong to a sentence (what the score averages over)."""
        return int(sum((o >= 0).sum() for o in self.owners))


def encoder_input(tokenizer: E5Tokenizer, sentences: list[str], prefix: str = PREFIX) -> EncoderInput:
    """Tokenise a review's sentences behind the prefix and window them."""
    ids = list(tokenizer.content_ids(f"{prefix}:"))
    owners = [NOT_A_SENTENCE] * len(ids)
    for index, sentence in enumerate(sentences):
        pieces = tokenizer.content_ids(sentence)
        ids += pieces
        owners += [index] * len(pieces)
    vocab = tokenizer.vocabulary
    windows, window_owners = [], []
    for start in range(0, len(ids), WINDOW):
        windows.append(np.array([vocab.bos, *ids[start : start + WINDOW], vocab.eos], dtype=np.int32))
        window_owners.append(np.array([NOT_A_SENTENCE, *owners[start : start + WINDOW], NOT_A_SENTENCE], np.int32))
    return EncoderInput(windows, window_owners, len(sentences))
