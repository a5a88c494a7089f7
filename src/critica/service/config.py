"""`ServiceConfig`: the analysis `Config` plus the limits of one service instance."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from critica.config import Config, check_whole_number

SERVICE_MAX_CHARS = 100_000
ENV_VARIABLE = "CRITICA_SERVICE_CONFIG"  # how `critica serve --workers N` hands the config to each worker


def _service_analysis() -> Config:
    return Config(max_chars=SERVICE_MAX_CHARS)


@dataclass(frozen=True)
class ServiceConfig:
    """The analysis to run (`analysis.max_chars` is the longest review accepted) and the service's limits."""

    analysis: Config = field(default_factory=_service_analysis)
    store: Path | None = None
    max_body_bytes: int = 1_000_000
    max_batch: int = 100
    cors_origins: tuple[str, ...] = ()
    long_chars: int = 20_000  # reviews longer than this go to the long-review process
    long_queue: int = 16  # long reviews waiting or running before new ones get 503
    short_processes: int = 0  # processes that analyse short reviews; 0: this one does (`critica serve`: one per core)
    batch_chars: int = 6_000  # characters a short-review reader takes at once (its first review may be longer)

    def __post_init__(self) -> None:
        if self.store is not None:
            object.__setattr__(self, "store", Path(self.store))
        object.__setattr__(self, "cors_origins", tuple(self.cors_origins))
        for name in ("max_body_bytes", "max_batch", "long_chars", "batch_chars"):
            check_whole_number(name, getattr(self, name))
        check_whole_number("long_queue", self.long_queue, minimum=0)
        check_whole_number("short_processes", self.short_processes, minimum=0)

    @property
    def tier(self) -> str:
        """The analysis tier's name."""
        return self.analysis.tier

    @property
    def max_text_chars(self) -> int:
        """Longest review accepted (422 above it)."""
        return self.analysis.max_chars

    def to_json(self) -> str:
        """The whole configuration as one JSON string (for worker processes)."""
        data = asdict(self)
        data["analysis"] = self.analysis.to_dict()
        data["store"] = str(self.store) if self.store else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServiceConfig:
        """The configuration `to_json` wrote."""
        data: dict[str, Any] = json.loads(text)
        data["analysis"] = Config.from_dict(data["analysis"])
        return cls(**data)

    @classmethod
    def from_env(cls) -> ServiceConfig:
        """The configuration `critica serve` put in CRITICA_SERVICE_CONFIG, or the defaults."""
        text = os.environ.get(ENV_VARIABLE)
        return cls.from_json(text) if text else cls()
