"""Where polarity models live, and the lazy, once-per-process loading of them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from critica.sentiment.model import PolarityModel

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
BUNDLED = {"default": "polarity-default", "fast": "polarity-fast"}


def bundled_path(tier: str) -> Path:
    """Folder of the model shipped with critica for `tier`."""
    if tier not in BUNDLED:
        raise ValueError(f"unknown tier {tier!r}; choose one of {sorted(BUNDLED)}")
    return MODELS_DIR / BUNDLED[tier]


@lru_cache(maxsize=8)
def _load(path: str) -> PolarityModel:
    return PolarityModel.load(Path(path))


def load_polarity(tier: str = "default", path: str | Path | None = None) -> PolarityModel:
    """The model for `tier` (or the folder at `path`), loaded once per process."""
    return _load(str(Path(path).resolve() if path else bundled_path(tier)))
