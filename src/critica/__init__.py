"""critica — understand Spanish film reviews, offline.

>>> import critica
>>> result = critica.analyze("Una película preciosa, con una fotografía deslumbrante.")
>>> result.sentiment.label, result.to_dict()["sentiment"]["score"]  # doctest: +SKIP
('positive', 0.93)

Everything a run needs is one `critica.Config`; `critica.Pipeline.from_config(config)`
runs it. New stages and tiers are registered with `register_stage` and `register_tier`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from critica.config import Config
from critica.errors import ConfigError, CriticaError, ErrorCode
from critica.pipeline import Pipeline, Review, shared_pipeline
from critica.schema import Analysis
from critica.stages import DEFAULT_STAGES, register_stage
from critica.tiers import Tier, register_tier

__version__ = "0.1.0"
__all__ = [
    "Analysis",
    "Config",
    "ConfigError",
    "CriticaError",
    "ErrorCode",
    "Pipeline",
    "Review",
    "Tier",
    "__version__",
    "analyze",
    "analyze_many",
    "get_pipeline",
    "register_stage",
    "register_tier",
]


def get_pipeline(tier: str | Config = "default", stages: tuple[str, ...] = DEFAULT_STAGES) -> Pipeline:
    """The shared pipeline for a `Config` (or a tier name and stages): models load once per process."""
    config = tier if isinstance(tier, Config) else Config(tier=tier, stages=stages)
    return shared_pipeline(config)


def analyze(text: str | bytes, id: str | None = None, *, fast: bool = False, config: Config | None = None) -> Analysis:
    """Analyse one review and return its contract object (`.to_dict()` for JSON).

    `fast=True` uses the sparse-only polarity tier (no encoder); `config` chooses everything else.
    """
    return get_pipeline(config or Config.for_tier(fast)).analyze(text, id=id)


def analyze_many(reviews: Iterable[Any], *, fast: bool = False, config: Config | None = None) -> Iterator[Analysis]:
    """Lazily analyse many reviews (strings, `Review`s, (id, text) pairs or dicts)."""
    return get_pipeline(config or Config.for_tier(fast)).analyze_many(reviews)
