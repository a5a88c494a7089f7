"""Two lanes, so that one caller cannot stall the others.

Reviews up to `long_chars` characters wait in one queue, in arrival order.
Its readers are the service process (one thread: the encoder is not
re-entrant) and `short_processes` more processes with their own models; a
reader that is free takes the reviews waiting, up to `PARSE_BATCH`, and
analyses them together (their spaCy parses run as one batch, about 1.4×
faster), so a batch request of many short reviews interleaves with other
requests. The analysis holds Python's lock, so one process uses one core:
without the extra readers a 2-core machine serves on one core (measured:
server 0.94 cores, load generator 0.06).
Longer reviews run in a second process with its own models, at most
`long_queue` waiting; a short review never waits behind a long one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from starlette.concurrency import run_in_threadpool

from critica.config import Config
from critica.errors import ServiceErrorCode
from critica.pipeline import PARSE_BATCH
from critica.resources import pin_threads
from critica.service.config import ServiceConfig
from critica.service.errors import ApiError

WARM_UP = "Una película estupenda, con una fotografía preciosa."
LOG = logging.getLogger("critica.service")
LONG_LANE_NICENESS = 10  # the long-review process yields the cores to the short-review readers

Reviews = list[tuple[str, "str | None"]]


class Lanes:
    """The short-review lane (this process) and the long-review lane (a second process)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.pipeline: Any = None
        self._waiting: asyncio.Queue | None = None  # (text, id, answer), first come first served; made in start()
        self._short: list[asyncio.Task] = []
        self._short_pool: ProcessPoolExecutor | None = None
        self.batches_elsewhere = 0  # callers' batches the other short-review processes analysed
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
        extra = self.config.short_processes
        if extra:
            # Several processes share the cores: keep each one's matrix products on one thread.
            pin_threads()
            self._short_pool = ProcessPoolExecutor(
                extra,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_short_lane_start,
                initargs=(self.config.analysis,),
            )
        # The other processes load their models while this one loads its own; the service answers once all have.
        warming = [asyncio.ensure_future(self._short_there([(WARM_UP, None)])) for _ in range(extra)]
        pipeline = Pipeline.from_config(self.config.analysis)
        await run_in_threadpool(lambda: pipeline.stages)
        await run_in_threadpool(pipeline.analyze, WARM_UP)
        started = await asyncio.gather(*warming, return_exceptions=True)
        if any(isinstance(outcome, BaseException) for outcome in started):
            LOG.error("a short-review process could not start: %s", started)
            extra = 0  # the service process serves alone
        self.pipeline = pipeline
        self._waiting = asyncio.Queue()  # bound to the loop that serves
        self._short = [asyncio.create_task(self._serve_short(self._waiting, self._short_here))]
        elsewhere = [self._serve_short(self._waiting, self._short_elsewhere) for _ in range(extra)]
        self._short += [asyncio.create_task(reader) for reader in elsewhere]

    def stop(self) -> None:
        """Stop both lanes without waiting for their work."""
        for task in self._short:
            task.cancel()
        for pool in (self._short_pool, self._long):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    async def _short_here(self, reviews: Reviews) -> list[dict[str, Any]]:
        return await run_in_threadpool(self._analyse_batch, reviews)

    async def _short_elsewhere(self, reviews: Reviews) -> list[dict[str, Any]]:
        self.batches_elsewhere += 1
        return await self._short_there(reviews)

    async def _short_there(self, reviews: Reviews) -> list[dict[str, Any]]:
        assert self._short_pool is not None
        return await asyncio.get_running_loop().run_in_executor(
            self._short_pool, _short_lane_analyze, self.config.analysis, reviews
        )

    async def _serve_short(self, waiting: asyncio.Queue, analyse: Callable[[Reviews], Awaitable[list]]) -> None:
        """One reader of the short lane: take what is waiting (up to PARSE_BATCH reviews), analyse it, answer."""
        while True:
            batch = [await waiting.get()]
            while len(batch) < PARSE_BATCH and not waiting.empty():
                batch.append(waiting.get_nowait())
            try:
                results = await analyse([(text, rid) for text, rid, _ in batch])
            except BrokenProcessPool as exc:
                # A process died (killed, out of memory): these callers get a 500, the others keep being served.
                LOG.error("a short-review process died; the service process serves alone")
                self._answer(batch, [exc] * len(batch))
                return
            except Exception as exc:  # noqa: BLE001 - answered as a 500 to each caller, the lane keeps serving
                results = [exc] * len(batch)
            self._answer(batch, results)

    @staticmethod
    def _answer(batch: list[tuple[str, str | None, asyncio.Future]], results: list) -> None:
        for (_, _, answer), result in zip(batch, results, strict=True):
            if answer.done():
                continue  # the caller went away
            if isinstance(result, Exception):
                answer.set_exception(result)
            else:
                answer.set_result(result)

    async def analyse(self, text: str, rid: str | None) -> dict[str, Any]:
        """One review's contract object, from the lane its length sends it to."""
        if len(text) > self.config.long_chars:
            return await self._analyse_long(text, rid)
        answer: asyncio.Future = asyncio.get_running_loop().create_future()
        assert self._waiting is not None, "the lanes serve only between start() and stop()"
        await self._waiting.put((text, rid, answer))
        return await answer

    def _analyse_batch(self, reviews: Reviews) -> list[dict[str, Any]]:
        return _contracts(self.pipeline, reviews)

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
    """In the long-review process: lower its CPU priority (short reviews go first), load its models once."""
    from critica.pipeline import shared_pipeline

    os.nice(LONG_LANE_NICENESS)

    _ = shared_pipeline(config).stages


def _long_lane_analyze(config: Config, text: str, rid: str | None) -> dict[str, Any]:
    from critica.pipeline import shared_pipeline

    return shared_pipeline(config).analyze(text, id=rid).to_dict()


def _short_lane_start(config: Config) -> None:
    """In a short-review process: pin its threads and load its models once."""
    from critica.pipeline import shared_pipeline

    pin_threads()
    _ = shared_pipeline(config).stages


def _short_lane_analyze(config: Config, reviews: Reviews) -> list[dict[str, Any]]:
    from critica.pipeline import shared_pipeline

    return _contracts(shared_pipeline(config), reviews)


def _contracts(pipeline: Any, reviews: Reviews) -> list[dict[str, Any]]:
    """The contract objects of reviews analysed together, in their order."""
    return [analysis.to_dict() for analysis in pipeline.analyze_batch(reviews)]
