"""Sparse n-gram features that decompose exactly over sentences.

A review's feature vector is `idf * counts(review) / norm(review)`, with
counts summed over its sentences (n-grams never cross a sentence boundary).
A linear model's logit is therefore the sum of per-sentence terms
`w · (idf * counts(sentence)) / norm(review)`, which is how critica explains
a verdict with the model's own numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

# Scores like "1/10" or "8 de 10" are strong signals in reviews; keep them whole.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?\s?/\s?10\b|\w+|[!?]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, keeping accents, ratings and ! ?."""
    return [t.replace(" ", "") for t in _TOKEN.findall(text.lower())]


def ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of one sentence: the analyser of every sparse model."""
    tokens = tokenize(text)
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


@dataclass
class SparseFeaturizer:
    """A fixed vocabulary with idf weights; turns sentences into feature rows."""

    vocabulary: list[str]
    idf: np.ndarray

    def __post_init__(self) -> None:
        self._counter = CountVectorizer(
            analyzer=ngrams, vocabulary={t: i for i, t in enumerate(self.vocabulary)}, dtype=np.float32
        )

    @property
    def size(self) -> int:
        """Number of features."""
        return len(self.vocabulary)

    def sentence_counts(self, sentences: list[str]) -> sp.csr_matrix:
        """Idf-weighted counts, one row per sentence (not normalised)."""
        counts = self._counter.transform(sentences)
        return sp.csr_matrix(counts.multiply(self.idf.reshape(1, -1)), dtype=np.float32)

    def documents(self, sentence_lists: list[list[str]]) -> sp.csr_matrix:
        """L2-normalised document rows, each the sum of its sentences' rows."""
        flat = [s for sentences in sentence_lists for s in sentences]
        rows = self.sentence_counts(flat)
        owner = np.repeat(np.arange(len(sentence_lists)), [len(s) for s in sentence_lists])
        gather = sp.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), (owner, np.arange(len(flat)))),
            shape=(len(sentence_lists), len(flat)),
        )
        docs = sp.csr_matrix(gather @ rows)
        return sp.csr_matrix(docs.multiply(1.0 / document_norms(docs).reshape(-1, 1)))


def document_norms(rows: sp.csr_matrix) -> np.ndarray:
    """L2 norm of each row, 1.0 for empty rows so division is always safe."""
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return norms


def fit_featurizer(sentence_lists: list[list[str]], min_df: int = 2) -> SparseFeaturizer:
    """Learn a vocabulary (n-grams in ≥ `min_df` reviews) and smoothed idf from reviews given as sentences."""
    df_counter = CountVectorizer(analyzer=lambda sentences: {g for s in sentences for g in ngrams(s)}, binary=True)
    presence = df_counter.fit_transform(sentence_lists)
    df = np.asarray(presence.sum(axis=0)).ravel()
    names = df_counter.get_feature_names_out()
    kept = {name: int(d) for name, d in zip(names, df, strict=True) if d >= min_df}
    vocabulary = sorted(kept)
    n = len(sentence_lists)
    idf = np.array([np.log((1 + n) / (1 + kept[t])) + 1.0 for t in vocabulary], dtype=np.float32)
    return SparseFeaturizer(vocabulary, idf)
