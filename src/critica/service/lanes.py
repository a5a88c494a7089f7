"""Two lanes, so that one caller cannot stall the others.

Reviews up to `long_chars` characters run in the service process, in a
thread, one review at a time (the encoder is not re-entrant) and in arrival
order, so a batch of many short reviews interleaves with other requests.
Longer reviews run in a second process with its own models, at most
`long_queue` waiting; a short review never waits behind a long one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool

from critica.config import Config
from critica.errors import ServiceErrorCode
from critica.service.config import ServiceConfig
from critica.service.errors import ApiError

WARM_UP = "Una película estupenda, con una fotografía preciosa."


class Lanes:
    """The short-review lane (this process) and the long-review lane (a second process)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.pipeline: Any = None
        self._lock = asyncio.Lock()  # first come, first served
        self._long: ProcessPoolExecutor | None = None
        self._long_pending = 0

    async def start(self) -> None:
        """Load every model and warm them up before the service answers."""
        from critica.pipeline import Pipeline

        # The long-review process starts with the first long review (its models load then, once).
        # spawn, not fork: this process already runs threads, which fork does not carry safely.
        self._long = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_long_lane_start,
            initargs=(self.config.analysis,),
        )
        pipeline = Pipeline.from_config(self.config.analysis)
        await run_in_threadpool(lambda: pipeline.stages)
        await run_in_threadpool(pipeline.analyze, WARM_UP)
        self.pipeline = pipeline

    def stop(self) -> None:
        """Stop the long-review process without waiting for its work."""
        if self._long is not None:
            self._long.shutdown(wait=False, cancel_futures=True)

    async def analyse(self, text: str, rid: str | None) -> dict[str, Any]:
        """One review's contract object, from the lane its length sends it to."""
        if len(text) > self.config.long_chars:
            return await self._analyse_long(text, rid)
        async with self._lock:
            return await run_in_threadpool(lambda: self.pipeline.analyze(text, id=rid).to_dict())

    async def _analyse_long(self, text: str, rid: str | None) -> dict[str, Any]:
        if self._long_pending >= self.config.long_queue:
            raise ApiError(
                503, ServiceErrorCode.BUSY, "too many long reviews are waiting; retry soon or send shorter ones"
            )
        self._long_pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._long, _long_lane_analyze, self.config.analysis, text, rid
            )
        finally:
            self._long_pending -= 1


def _long_lane_start(config: Config) -> None:
    """In the long-review process: load its models once."""
    from critica.pipeline import shared_pipeline

    _ = shared_pipeline(config).stages


def _long_lane_analyze(config: Config, text: str, rid: str | None) -> dict[str, Any]:
    from critica.pipeline import shared_pipeline

    return shared_pipeline(config).analyze(text, id=rid).to_dict()
