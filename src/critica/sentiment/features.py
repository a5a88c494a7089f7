"""Sparse n-gram features, and their exact split over sentences.

Terms are counted within one sentence: word uni- and bigrams, and the first
five letters of every longer word (prefixed "#": "#aburr" for "aburrida",
"aburridísima", "aburrimiento"). Words are lower-cased and accents
stripped first, so "pelicula" and "película" are one term, and the prefix
still ties a misspelt or slangy word ("peliculón", "peliculaza") to its
relatives. Where the model carries a polarity lexicon (word → +1 or −1, learned
from Spanish sentiment lexicons at training time: `sentiment/lexicon.py`),
every lexicon word also counts as one class term, "@pos" or "@neg", or
"@~pos" / "@~neg" when a negator stands in the three words before it: a word
the training reviews never used still votes with its class ("No la
recomiendo" gives "@~pos"), which is what short reviews lack most.

A review's vector is sublinear tf-idf, `(1 + log c_t) · idf_t` L2-normalised,
with `c_t` the term's count summed over its sentences. A linear model's
logit `w · x` is split over sentences in proportion to each sentence's
share of every term's count: sentence i gets `Σ_t (c_ti / c_t) · w_t · x_t`.
The shares add up to the logit exactly, which is how critica explains a
verdict with the model's own numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from critica.text.fold import fold
from critica.text.patterns import NEGATORS

if TYPE_CHECKING:
    import scipy.sparse as sp  # training and batch scoring only: analysis never imports it (23 MB, 0.14 s)

# Scores like "1/10" or "8 de 10" are strong signals in reviews; keep them whole.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?\s?/\s?10\b|\w+|[!?]", re.UNICODE)
PREFIX = 5
NEGATION_REACH = 3  # words before a lexicon word in which a negator turns its class


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without accents, keeping ratings and ! ?."""
    return [fold(t.replace(" ", "")) for t in _TOKEN.findall(text.lower())]


def ngrams(text: str, polar: Mapping[str, int] | None = None) -> list[str]:
    """Word uni- and bigrams, word prefixes and lexicon classes of one sentence: the analyser of every sparse model."""
    tokens = tokenize(text)
    return (
        tokens
        + [f"{a} {b}" for a, b in pairwise(tokens)]
        + [f"#{t[:PREFIX]}" for t in tokens if len(t) > PREFIX and t.isalpha()]
        + (polarity_classes(tokens, polar) if polar else [])
    )


def polarity_classes(tokens: list[str], polar: Mapping[str, int]) -> list[str]:
    """One class term per lexicon word: "@pos"/"@neg", "@~pos"/"@~neg" after a negator."""
    classes = []
    negator_at = -NEGATION_REACH - 1  # index of the last negator seen (a plain loop: twice as fast as set tests)
    for i, token in enumerate(tokens):
        sign = polar.get(token)
        if sign:
            negated = i - negator_at <= NEGATION_REACH
            classes.append(("@~" if negated else "@") + ("pos" if sign > 0 else "neg"))
        if token in NEGATORS:
            negator_at = i
    return classes


class TermWeights(NamedTuple):
    """One text's tf-idf vector as its non-zero columns (sorted) and their values."""

    columns: np.ndarray
    values: np.ndarray

    def dot(self, coef: np.ndarray) -> float:
        """`coef · x`."""
        return float(np.dot(self.values, coef[self.columns]))


@dataclass
class SparseFeaturizer:
    """A fixed vocabulary with idf weights; turns sentences into count rows and reviews into vectors."""

    vocabulary: list[str]
    idf: np.ndarray
    polar: dict[str, int] = field(default_factory=dict)  # the lexicon of class terms; empty: none

    def __post_init__(self) -> None:
        self._index = {t: i for i, t in enumerate(self.vocabulary)}

    @property
    def size(self) -> int:
        """Number of features."""
        return len(self.vocabulary)

    def sentence_counts(self, sentences: list[str]) -> sp.csr_matrix:
        """Raw term counts, one row per sentence (columns sorted, as scikit-learn's CountVectorizer gives)."""
        import scipy.sparse as sp

        index = self._index
        indices: list[int] = []
        indptr = [0]
        for sentence in sentences:
            indices.extend(i for g in ngrams(sentence, self.polar) if (i := index.get(g)) is not None)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        rows = sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), indptr), shape=(len(sentences), self.size), dtype=np.float32
        )
        rows.sum_duplicates()
        return rows

    def vectors(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf-idf, L2-normalised, of each row of counts."""
        import scipy.sparse as sp

        x = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        x.data = 1.0 + np.log(x.data)
        x = sp.csr_matrix(x.multiply(self.idf.reshape(1, -1)))
        return sp.csr_matrix(x.multiply(1.0 / document_norms(x).reshape(-1, 1)), dtype=np.float32)

    def term_ids(self, text: str) -> np.ndarray:
        """The vocabulary index of every known n-gram of `text`, repeated as often as it occurs."""
        index = self._index
        return np.fromiter((i for g in ngrams(text, self.polar) if (i := index.get(g)) is not None), dtype=np.int64)

    def weigh(self, term_ids: np.ndarray) -> TermWeights:
        """The tf-idf vector of one text from its term ids: `vectors(...)` of one row, without scipy."""
        return self._weights(*np.unique(term_ids, return_counts=True))

    def _weights(self, columns: np.ndarray, counts: np.ndarray) -> TermWeights:
        weights = (1.0 + np.log(counts.astype(np.float32))) * self.idf[columns]
        if len(columns):  # idf ≥ 1: the norm of a non-empty vector is never 0
            weights /= np.sqrt(np.dot(weights, weights))
        return TermWeights(columns, weights)

    def scores(self, texts: list[str], coef: np.ndarray) -> np.ndarray:
        """`vectors(sentence_counts(texts)) @ coef`, one text at a time without sparse matrices.

        The aspects stage scores a few short clauses per review; building and scaling sparse
        matrices for them cost more than the arithmetic (measured: 40% of that stage).
        """
        return np.array([self.weigh(self.term_ids(text)).dot(coef) for text in texts], dtype=np.float64)

    def documents(self, sentence_lists: list[list[str]]) -> sp.csr_matrix:
        """One vector per review, from counts summed over its sentences."""
        import scipy.sparse as sp

        flat = [s for sentences in sentence_lists for s in sentences]
        rows = self.sentence_counts(flat)
        owner = np.repeat(np.arange(len(sentence_lists)), [len(s) for s in sentence_lists])
        gather = sp.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), (owner, np.arange(len(flat)))),
            shape=(len(sentence_lists), len(flat)),
        )
        return self.vectors(sp.csr_matrix(gather @ rows))

    def split(self, sentences: list[str], coef: np.ndarray) -> tuple[np.ndarray, np.ndarray, TermWeights]:
        """`coef · x` of the review split over its sentences, `coef · x` of each sentence alone, and `x`."""
        ids = [self.term_ids(s) for s in sentences]
        columns, totals = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *ids]), return_counts=True)
        review = self._weights(columns, totals)
        # Each occurrence of a term carries an equal share of the term's part of the review's logit.
        per_count = coef[columns] * review.values / totals
        in_doc = np.array([per_count[np.searchsorted(review.columns, s)].sum() for s in ids], dtype=np.float64)
        alone = np.array([self.weigh(s).dot(coef) for s in ids], dtype=np.float64)
        return in_doc, alone, review


def document_norms(rows: sp.csr_matrix) -> np.ndarray:
    """L2 norm of each row, 1.0 for empty rows so division is always safe."""
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return norms


def fit_featurizer(
    sentence_lists: list[list[str]], min_df: int = 2, polar: Mapping[str, int] | None = None
) -> SparseFeaturizer:
    """Learn a vocabulary (n-grams in ≥ `min_df` reviews) and smoothed idf from reviews given as sentences.

    `polar` (word → ±1) adds the lexicon's class terms; it is kept with the featurizer.
    """
    from sklearn.feature_extraction.text import CountVectorizer  # training only: a second of import time

    polar = dict(polar or {})
    df_counter = CountVectorizer(
        analyzer=lambda sentences: {g for s in sentences for g in ngrams(s, polar)}, binary=True
    )
    presence = df_counter.fit_transform(sentence_lists)
    df = np.asarray(presence.sum(axis=0)).ravel()
    names = df_counter.get_feature_names_out()
    kept = {name: int(d) for name, d in zip(names, df, strict=True) if d >= min_df}
    vocabulary = sorted(kept)
    n = len(sentence_lists)
    idf = np.array([np.log((1 + n) / (1 + kept[t])) + 1.0 for t in vocabulary], dtype=np.float32)
    return SparseFeaturizer(vocabulary, idf, polar)
