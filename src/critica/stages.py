"""The stage registry: named analysis steps that declare what they fill.

A stage is a class registered with `@register_stage(name, assigns=(...))`,
built once per pipeline as `cls(resources)` (the models shared by every
stage: `resources.polarity`, `resources.mt_detector`, `resources.nlp`) and
called as `run(doc, analysis)` for each review. `assigns` names the
`Analysis` fields it fills; a stage outside critica fills
`analysis.extra["<its name>"]` (written under the contract's "extra" key)
and declares `assigns=("extra",)`.

    @critica.register_stage("length", assigns=("extra",))
    class Length:
        def __init__(self, resources): ...
        def run(self, doc, analysis): analysis.extra["length"] = len(doc.text)

    critica.Pipeline.from_config(critica.Config(stages=("sentiment", "length")))

The built-in stages register themselves when their module is imported; the
registry imports a built-in's module the first time its name is asked for,
so `--fast` never pays for the encoder's imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol

from critica.errors import ConfigError

if TYPE_CHECKING:
    from critica.schema import Analysis
    from critica.text import Document

DEFAULT_STAGES = ("sentiment", "facts", "aspects", "quality")
_BUILTIN_MODULES = {
    "sentiment": "critica.sentiment.stage",
    "facts": "critica.facts.stage",
    "aspects": "critica.aspects.stage",
    "quality": "critica.quality.stage",
}


class Stage(Protocol):
    """One step of the analysis; `languages` are the languages it reads (the pipeline skips the others)."""

    name: str
    languages: tuple[str, ...]

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Fill this stage's fields of `analysis` from `doc`."""


@dataclass(frozen=True)
class StageSpec:
    """A registered stage: its name, its class and the `Analysis` fields it fills."""

    name: str
    factory: Callable[[Any], Stage]
    assigns: tuple[str, ...]


_STAGES: dict[str, StageSpec] = {}


def _analysis_fields() -> set[str]:
    from critica.schema import Analysis

    return {f.name for f in fields(Analysis)} - {"id", "language", "errors"}


def register_stage(name: str, *, assigns: tuple[str, ...]) -> Callable[[type], type]:
    """Class decorator: register a stage under `name`, filling the `Analysis` fields in `assigns`."""
    unknown = set(assigns) - _analysis_fields()
    if not assigns or unknown:
        raise ConfigError(
            f"stage {name!r} must assign fields of Analysis among {sorted(_analysis_fields())}; "
            f"got {assigns!r} (a stage outside critica fills 'extra')"
        )

    def decorate(cls: type) -> type:
        cls.name = name
        if not hasattr(cls, "languages"):
            cls.languages = ("es",)
        _STAGES[name] = StageSpec(name, cls, tuple(assigns))
        return cls

    return decorate


def get_stage(name: str) -> StageSpec:
    """The registered stage `name` (a built-in is imported on first use); `ConfigError` otherwise."""
    if name not in _STAGES and name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[name])
    try:
        return _STAGES[name]
    except KeyError:
        known = sorted(set(_STAGES) | set(_BUILTIN_MODULES))
        raise ConfigError(
            f"unknown stage {name!r}; choose among {known} or register one with @critica.register_stage"
        ) from None
