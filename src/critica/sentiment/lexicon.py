"""Spanish polarity lexicons, read at training time only.

The trained model folds the lexicon's learned weight into its own n-gram
weights (see `train.fold_lexicon`), so the shipped model needs none of
these files: the priors are baked into the weights.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from critica.sentiment.features import tokenize

_LEMMA = re.compile(r'<lemma pos="\w" pol="(-?[\d.]+)" std="[\d.]+">\s*(.+?)\s*</lemma>')


def _isol(folder: Path) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = defaultdict(list)
    for name, value in (("positivas_mejorada.csv", 1.0), ("negativas_mejorada.csv", -1.0)):
        path = folder / name
        if path.exists():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.strip():
                    scores[line.strip().lower()].append(value)
    return scores


def _elhpolar(path: Path) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = defaultdict(list)
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            term, _, polarity = line.partition("\t")
            if polarity.strip() in {"positive", "negative"}:
                scores[term.replace("_", " ").lower()].append(1.0 if polarity.strip() == "positive" else -1.0)
    return scores


def _senticon(path: Path) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = defaultdict(list)
    if path.exists():
        for polarity, lemma in _LEMMA.findall(path.read_text(encoding="utf-8", errors="replace")):
            scores[lemma.replace("_", " ").lower()].append(float(polarity))
    return scores


def load_lexicon(root: Path) -> dict[str, float]:
    """Merge ML-SentiCon, iSOL and ElhPolar into term → mean polarity in [-1, 1].

    Terms are re-tokenised like the features so multiword entries become
    bigrams; entries longer than two tokens are dropped.
    """
    merged: dict[str, list[float]] = defaultdict(list)
    for part in (
        _senticon(root / "ml_senticon" / "senticon.es.xml"),
        _isol(root / "isol"),
        _elhpolar(root / "elhpolar" / "ElhPolar_esV1.lex"),
    ):
        for term, values in part.items():
            tokens = tokenize(term)
            if 1 <= len(tokens) <= 2:
                merged[" ".join(tokens)].extend(values)
    return {term: sum(v) / len(v) for term, v in merged.items() if abs(sum(v)) > 0}
