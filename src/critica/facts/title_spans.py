"""The learned film-title tagger: a linear classifier over title-shaped spans and their context.

Every capitalised run of words (with the connectors titles use: "de", "la",
"of the"…) is a candidate; the model scores it from its words, their shape and
frequency, the words around it, how spaCy's NER reads it (a person, a place,
MISC), and how often the review repeats it. Trained by `critica train-titles`
(critica/facts/title_train.py) from distant and silver labels; shipped as
`models/film-titles/` (hashed feature weights, NumPy only at run time).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mmh3
import numpy as np

from critica.errors import CriticaError
from critica.text.patterns import QUOTE_MARKS
from critica.text.wordlists import zipf

if TYPE_CHECKING:
    import scipy.sparse as sp  # training only (`TitleTagger.logits` needs no matrix)

BUNDLED = Path(__file__).resolve().parent.parent / "models" / "film-titles"
N_FEATURES = 2**18

_TOKEN_RE = re.compile(r"\w[\w'’&\-]*|[^\w\s]")
# Words a title does not end on ("The Queen y en", "Diario de"); digits and "II" may.
_OPEN_END = frozenset(
    "de del la el los las y e en a al of the and vs contra para con un una sin por sobre tras o u que se su sus".split()
)
_INSIDE_PUNCT = frozenset(":&'’-")
_LONGEST_ENTITY = 300  # characters: spaCy entities longer than this are not names
MAX_TOKENS = 6  # measured: titles longer than six tokens are rare, and each token more costs 15%
_OPENERS = '.!?¿¡:;\n"“«(—-'


class TitleTaggerError(CriticaError, RuntimeError):
    """The tagger's folder is missing or unreadable."""


@dataclass(frozen=True)
class Candidate:
    """A title-shaped span of a text (character offsets, and its first and last token's index)."""

    start: int
    end: int
    text: str
    first: int = 0
    last: int = 0


Token = tuple[int, int, str]  # start, end, text


def tokenise(text: str) -> list[Token]:
    """The tokens candidates start and end on, and the context features read."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(text)]


def candidates(text: str, tokens: Sequence[Token] | None = None) -> list[Candidate]:
    """Every run of up to MAX_TOKENS tokens that starts on a capitalised word or a number and ends on a word.

    Spanish titles are written in sentence case ("Diario de un escándalo"), so the words after the
    first may be lower case; the classifier decides where (and whether) a title ends.
    `tokens`: `tokenise(text)`, when the caller has them already.
    """
    tokens = tokenise(text) if tokens is None else tokens
    out: list[Candidate] = []
    for i, (start, _, first) in enumerate(tokens):
        if not (first[0].isupper() or first[0].isdigit()) or not first[0].isalnum():
            continue
        for j in range(i, min(i + MAX_TOKENS, len(tokens))):
            word = tokens[j][2]
            if not word[0].isalnum():
                if word in _INSIDE_PUNCT and j + 1 < len(tokens):
                    continue
                break
            if word.lower() in _OPEN_END and j > i:
                continue
            out.append(Candidate(start, tokens[j][1], text[start : tokens[j][1]], i, j))
    return out


@lru_cache(maxsize=65536)
def _zipf(word: str) -> int:
    return int(max(zipf(word, "es"), zipf(word, "en") - 1.0))


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if word.isupper() and len(word) > 1:
        return "X"
    return "Xx" if word[:1].isupper() else "x"


@dataclass
class TextFeatures:
    """What `features` needs of a whole text, computed once: its tokens and each token's own features."""

    text: str
    ents: Sequence[tuple[int, int, str]]
    tokens: list[str]
    shapes: list[str]
    own: list[list[str]]
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def occurrences(self, piece: str) -> int:
        """How often `piece` occurs in the text, up to 3 (counted once per distinct piece)."""
        if piece not in self._counts:
            self._counts[piece] = min(self.text.count(piece), 3)
        return self._counts[piece]

    @classmethod
    def of(
        cls, text: str, ents: Sequence[tuple[int, int, str]] = (), tokens: Sequence[Token] | None = None
    ) -> TextFeatures:
        """Each word's lower-case form, shape and frequency band; entities sorted."""
        raw = [t for _, _, t in (tokenise(text) if tokens is None else tokens)]
        tokens = [t.lower() for t in raw]
        shapes = [_shape(t) for t in raw]
        own = [
            [f"w={t}", f"z={_zipf(t)}|{shape}"] if t.isalpha() else [f"w={t}"]
            for t, shape in zip(tokens, shapes, strict=True)
        ]
        return cls(text, sorted(ents), tokens, shapes, own)

    def nearby_ents(self, cand: Candidate) -> Sequence[tuple[int, int, str]]:
        """The entities that may overlap a candidate (sorted starts: no scan of the whole text)."""
        lo = bisect_left(self.ents, (cand.start - _LONGEST_ENTITY,))
        hi = bisect_left(self.ents, (cand.end,))
        return self.ents[lo:hi]


def features(doc: TextFeatures, cand: Candidate) -> list[str]:
    """The strings the classifier sees for one candidate."""
    tokens = doc.tokens
    inside = range(cand.first, cand.last + 1)
    left = ["<s>"] * 3 + tokens[max(0, cand.first - 3) : cand.first]
    right = tokens[cand.last + 1 : cand.last + 4] + ["</s>"] * 3
    zipfs = [_zipf(tokens[i]) for i in inside if tokens[i].isalpha()]
    f = [
        "bias",
        f"n={min(len(inside), 6)}",
        f"shape={' '.join(doc.shapes[i] for i in inside)}",
        f"first={tokens[cand.first]}",
        f"last={tokens[cand.last]}",
        f"L1={left[-1]}",
        f"L2={left[-2]} {left[-1]}",
        f"L3={left[-3]}",
        f"R1={right[0]}",
        f"R2={right[0]} {right[1]}",
        f"L1R1={left[-1]}|{right[0]}",
        f"opens={left[-1] in _OPENER_TOKENS}",
        f"zipf_min={min(zipfs) if zipfs else -1}",
        f"zipf_max={max(zipfs) if zipfs else -1}",
        f"quoted={left[-1] in _QUOTE_TOKENS and right[0] in _QUOTE_TOKENS}",
        f"occ={doc.occurrences(cand.text)}",
        f"opening={cand.start < 300}",
    ]
    for i in inside:
        f += doc.own[i]
    f += _ent_features(cand, doc.nearby_ents(cand))
    return f


_OPENER_TOKENS = frozenset(["<s>", *_OPENERS])
_QUOTE_TOKENS = frozenset(QUOTE_MARKS)


def _ent_features(cand: Candidate, ents: Sequence[tuple[int, int, str]]) -> list[str]:
    out = []
    for a, b, label in ents:
        if a == cand.start and b == cand.end:
            out.append(f"ent_exact={label}")
        elif a < cand.end and cand.start < b:
            inside = cand.start <= a and b <= cand.end
            out.append(f"ent_{'inside' if inside else 'overlap'}={label}")
    return out or ["ent=none"]


@lru_cache(maxsize=16384)  # the frequent features; a miss costs 0.25 µs, a 262,144-entry cache ~50 MB
def feature_index(feature: str) -> int:
    """The column of one feature string, by scikit-learn's FeatureHasher rule.

    Signed MurmurHash3 (x86, 32 bits) of its UTF-8 bytes, seed 0, then `abs(h) % N_FEATURES`, so
    weights trained either way fit; computed with mmh3 because importing scikit-learn costs a
    second of cold start.
    """
    h = mmh3.hash(feature, 0, signed=True)
    if h == -(2**31):  # abs() overflows in int32; FeatureHasher defines this case so
        return (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES
    return abs(h) % N_FEATURES


def hash_features(rows: Iterable[list[str]]) -> sp.csr_matrix:
    """Sparse hashed count matrix, one row per feature list (the same at training and run time)."""
    import scipy.sparse as sp

    indices: list[int] = []
    indptr = [0]
    for row in rows:
        indices.extend(feature_index(f) for f in row)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    x = sp.csr_matrix((data, np.asarray(indices, dtype=np.int32), indptr), shape=(len(indptr) - 1, N_FEATURES))
    x.sum_duplicates()  # sorted columns, repeated features counted: FeatureHasher's matrix exactly
    return x


class TitleTagger:
    """Film-title spans of texts (character offsets), from the shipped classifier."""

    def __init__(self, folder: Path = BUNDLED) -> None:
        """Load the weights and the threshold in `folder`."""
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            with np.load(folder / "weights.npz") as data:
                self.weights = data["coef"].astype(np.float64)
        except (OSError, ValueError, KeyError) as exc:
            raise TitleTaggerError(
                f"{folder}: no film-title tagger here ({exc}); rebuild it with `critica train-titles`"
            ) from exc
        self.intercept = float(meta["intercept"])
        self.threshold = float(meta["threshold"])
        self.meta = meta
        from critica.facts.title_encoder import EncoderReader

        self.reader = EncoderReader.load(folder)  # None: a tagger trained without the encoder's reader

    def reads(self, pieces: Any) -> bool:
        """Whether the encoder's reader scores with these pieces (else the hashed classifier alone)."""
        return self.reader is not None and self.reader.reads(pieces)

    def scores(
        self, text: str, ents: Sequence[tuple[int, int, str]] = (), pieces: Any = None
    ) -> list[tuple[Candidate, float]]:
        """Every candidate with its probability of being a title.

        `pieces`: the review's `critica.text.EncodedPieces` (the default tier's encoder outputs);
        with them the encoder's reader stacks on the hashed classifier.
        """
        tokens = tokenise(text)
        cands = candidates(text, tokens)
        if not cands:
            return []
        doc = TextFeatures.of(text, ents, tokens)
        logits = self.logits([features(doc, c) for c in cands])
        if self.reads(pieces):
            logits = self.reader.logits([(c.start, c.end) for c in cands], logits, pieces)
        return list(zip(cands, (1.0 / (1.0 + np.exp(-logits))).tolist(), strict=True))

    def logits(self, rows: Sequence[list[str]]) -> np.ndarray:
        """Each feature list's logit: `hash_features(rows) @ weights + intercept`, without building the matrix.

        A row's product is the sum of its features' weights (a repeated feature counts again), so
        one gather and one segmented sum replace the sparse matrix (measured: 4% of the facts stage).
        """
        columns = [feature_index(f) for row in rows for f in row]
        ends = np.cumsum([len(row) for row in rows])
        starts = np.concatenate(([0], ends[:-1]))  # every row holds "bias": none is empty
        return np.add.reduceat(self.weights[columns], starts) + self.intercept

    def spans(self, text: str, ents: Sequence[tuple[int, int, str]] = (), pieces: Any = None) -> list[tuple[int, int]]:
        """Non-overlapping candidates at or above the threshold (the reader's, with `pieces`), best first."""
        threshold = self.reader.threshold if self.reads(pieces) else self.threshold
        return select_spans(self.scores(text, ents, pieces), threshold)


def select_spans(scored: Iterable[tuple[Candidate, float]], threshold: float) -> list[tuple[int, int]]:
    """The candidates at or above `threshold`, best first, none overlapping a better one; in text order."""
    chosen: list[tuple[int, int]] = []
    for cand, p in sorted(scored, key=lambda cp: -cp[1]):
        if p >= threshold and not any(cand.start < b and a < cand.end for a, b in chosen):
            chosen.append((cand.start, cand.end))
    return sorted(chosen)
