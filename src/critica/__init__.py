"""critica — understand Spanish film reviews, offline.

>>> import critica
>>> result = critica.analyze("Una película preciosa, con una fotografía deslumbrante.")
>>> result.sentiment.label, result.to_dict()["sentiment"]["score"]  # doctest: +SKIP
('positive', 0.93)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from critica.errors import CriticaError
from critica.pipeline import STAGE_NAMES, Pipeline, Review
from critica.schema import Analysis

__version__ = "0.1.0"
__all__ = ["Analysis", "CriticaError", "Pipeline", "Review", "__version__", "analyze", "analyze_many", "get_pipeline"]


@lru_cache(maxsize=8)
def get_pipeline(tier: str = "default", stages: tuple[str, ...] = STAGE_NAMES) -> Pipeline:
    """The shared pipeline for a tier (and a subset of stages): models load once per process."""
    return Pipeline(tier=tier, stages=stages)


def analyze(text: str | bytes, id: str | None = None, *, fast: bool = False) -> Analysis:
    """Analyse one review and return its contract object (`.to_dict()` for JSON).

    `fast=True` uses the sparse-only polarity tier (no encoder).
    """
    return get_pipeline("fast" if fast else "default").analyze(text, id=id)


def analyze_many(reviews: Iterable[Any], *, fast: bool = False) -> Iterator[Analysis]:
    """Lazily analyse many reviews (strings, `Review`s, (id, text) pairs or dicts)."""
    return get_pipeline("fast" if fast else "default").analyze_many(reviews)
