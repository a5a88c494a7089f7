"""`critica.Config`: one frozen, validated description of an analysis run.

The CLI, the Python API, `critica batch` (local and Dask) and the service
all build one `Config` and pass it unchanged to `Pipeline.from_config`, the
batch engines and `create_app`; worker processes receive the same object
and build their own resources from it. Invalid values raise a `ConfigError`
(a `CriticaError`) that names the value and what to do.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from critica.errors import ConfigError
from critica.stages import DEFAULT_STAGES, get_stage
from critica.tiers import MODELS_DIR, get_tier

DEFAULT_MAX_CHARS = 200_000  # ~130× an average review; longer inputs are flagged, not cut
DEFAULT_MT_DETECTOR = MODELS_DIR / "mt-detector"
# How the default tier's encoder runs: the NumPy float32 reference, or onnxruntime (float32 or int8).
ENCODER_RUNTIMES = ("numpy", "onnx-float32", "onnx-int8")


def cores() -> int:
    """The machine's CPU cores (at least 1)."""
    return max(os.cpu_count() or 1, 1)


@dataclass(frozen=True)
class Config:
    """What to run and with which limits.

    - `tier`: a registered tier name ("default", "fast"); ignored for loading when `model_path`
      names a model folder trained with `critica train`.
    - `stages`: registered stage names, run in this order; "sentiment" is required (every judged
      result carries a verdict) and comes first.
    - `max_chars`: longer reviews get a `text_too_long` error instead of a verdict.
    - `mt_detector`: the machine-translation detector's folder (None: the shipped one).
    - `workers`: processes for `critica batch` (local or Dask); thread limits follow from it.
    - `explain`: also write which named rule found each fact (the result's "explain" key).
    - `encoder_runtime`: how the default tier's encoder runs, one of ENCODER_RUNTIMES.
    - `title_tagger`: add the learned film-title tagger's titles to the rules' (False: rules alone).
    - `credits`: let the credits mined from the training reviews (models/film-people) name people and
      give uncued ones a role (False: the review's own words alone).
    - `reviewed_model`: the learned chooser (models/reviewed-film) picks which named film the review
      is about (False: the hand rule of `facts.reviewed.reviewed_film`).
    - `catalog`: a CSV of the user's films (id, title, original_title, year) that film mentions
      are linked to (None: no linking).
    """

    tier: str = "default"
    model_path: Path | None = None
    stages: tuple[str, ...] = DEFAULT_STAGES
    max_chars: int = DEFAULT_MAX_CHARS
    mt_detector: Path | None = None
    workers: int = field(default_factory=cores)
    explain: bool = False
    # int8, smoothed: held out within 0.3 points of float on IMDB-es/MuchoCine, ECE ≤ 0.05 (MODEL_CARD)
    encoder_runtime: str = "onnx-int8"
    title_tagger: bool = True
    credits: bool = True
    reviewed_model: bool = True
    catalog: Path | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tier, str):
            raise ConfigError(f"tier must be a tier name, got {self.tier!r}")
        get_tier(self.tier)  # raises with the choices
        for name in ("model_path", "mt_detector", "catalog"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))
        if isinstance(self.stages, str) or not all(isinstance(s, str) for s in self.stages):
            raise ConfigError(
                f"stages must be a tuple of stage names, e.g. ('sentiment', 'facts'); got {self.stages!r}"
            )
        object.__setattr__(self, "stages", tuple(self.stages))
        if not self.stages or self.stages[0] != "sentiment":
            raise ConfigError(f"stages must start with 'sentiment' (every result carries a verdict); got {self.stages}")
        if len(set(self.stages)) != len(self.stages):
            raise ConfigError(f"stages lists a stage twice: {self.stages}")
        for name in self.stages:
            get_stage(name)  # raises with the registered names
        if self.encoder_runtime not in ENCODER_RUNTIMES:
            raise ConfigError(f"encoder_runtime must be one of {ENCODER_RUNTIMES}, got {self.encoder_runtime!r}")
        check_whole_number("max_chars", self.max_chars)
        check_whole_number("workers", self.workers)

    @classmethod
    def for_tier(cls, fast: bool = False, **values: Any) -> Config:
        """The convenience behind `fast=True` in the API and `--fast` in the CLI."""
        return cls(tier="fast" if fast else "default", **values)

    def with_(self, **changes: Any) -> Config:
        """A copy with some values changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (paths as strings) for JSON; `Config.from_dict` reads them back."""
        data = asdict(self)
        for name in ("model_path", "mt_detector", "catalog"):
            data[name] = str(data[name]) if data[name] is not None else None
        data["stages"] = list(self.stages)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """The configuration `to_dict` wrote (validated again)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown configuration keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**{**data, "stages": tuple(data.get("stages", DEFAULT_STAGES))})

    @property
    def model_folder(self) -> Path:
        """The polarity model's folder: `model_path`, else the tier's bundled one."""
        return (self.model_path or get_tier(self.tier).folder).resolve()

    @property
    def mt_detector_folder(self) -> Path:
        """The machine-translation detector's folder."""
        return (self.mt_detector or DEFAULT_MT_DETECTOR).resolve()

    def resource_key(self) -> tuple[Path, Path, str]:
        """What decides the models loaded: configs with the same key share them within a process."""
        return (self.model_folder, self.mt_detector_folder, self.encoder_runtime)


def check_whole_number(name: str, value: Any, minimum: int = 1) -> None:
    """Raise a ConfigError unless `value` is a whole number (not a bool) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive whole number" if minimum == 1 else f"a whole number ≥ {minimum}"
        raise ConfigError(f"{name} must be {kind}, got {value!r}")
