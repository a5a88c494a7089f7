"""Spanish polarity lexicons, read at training time only.

ML-SentiCon, iSOL and ElhPolar are merged into one mean polarity per term;
the single words whose mean is clearly positive or negative become the
model's polarity classes (`features.polarity_classes`), saved with the model
as `lexicon.json` (folded word → +1 or −1), so the shipped model needs none
of these files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from critica.io.readers import UnusableInput
from critica.sentiment.features import tokenize
from critica.sentiment.model import read_lexicon

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


CLASS_THRESHOLD = 0.5  # |mean polarity| from which a word gets a class (0.25 / 0.5 / 0.75 measured: MODEL_CARD)


def polarity_lexicon(root: Path, threshold: float = CLASS_THRESHOLD) -> dict[str, int]:
    """Single words of the merged lexicons with |mean polarity| ≥ `threshold`, as +1 / −1 (sorted)."""
    merged = load_lexicon(root)
    return {w: 1 if v > 0 else -1 for w, v in sorted(merged.items()) if " " not in w and abs(v) >= threshold}


def lexicon_classes(source: Path) -> dict[str, int]:
    """Polarity classes from `source`: a folder of the three lexicons, or a model's `lexicon.json`."""
    if source.is_dir():
        classes = polarity_lexicon(source)
        if not classes:
            raise UnusableInput(f"{source} holds none of ml_senticon/, isol/, elhpolar/: no lexicon words")
        return classes
    try:
        return read_lexicon(source)
    except ValueError as exc:  # not JSON, or not words to ±1
        raise UnusableInput(f"{source}: {exc}; give a lexicons folder or a model's lexicon.json") from exc
