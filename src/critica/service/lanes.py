"""Two lanes, so that one caller cannot stall the others.

Reviews up to `long_chars` characters wait in one queue, in arrival order.
Its readers are `short_processes` processes with their own models, or, with
none, the service process itself (one thread: the encoder is not
re-entrant); a reader that is free takes the reviews waiting, up to
`PARSE_BATCH` of them and `batch_chars` characters, and analyses them
together (their spaCy parses run as one batch, about 1.4× faster), so a
batch request of many short reviews interleaves with other requests. The
character cap keeps a batch's time, and so the wait of whoever queues
behind it, bounded: a count alone let eight of the longest reviews hold a
reader for several times the median batch. The analysis holds Python's
lock, so one process uses one core, and an analysis in the service process
delays its event loop (every answer, every request read) by Python's switch
interval each time the loop wants the lock back: with analysis processes
the service process only reads, queues and answers.
Longer reviews run in a second process with its own models, at most
`long_queue` waiting; a short review never waits behind a long one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from starlette.concurrency import run_in_threadpool

from critica.config import Config
from critica.errors import ServiceErrorCode
from critica.pipeline import PARSE_BATCH
from critica.resources import pin_threads, release_freed_memory
from critica.service.config import ServiceConfig
from critica.service.errors import ApiError

WARM_UP = "Una película estupenda, con una fotografía preciosa."
LOG = logging.getLogger("critica.service")
LONG_LANE_NICENESS = 10  # the long-review process yields the cores to the short-review readers

Reviews = list[tuple[str, "str | None"]]
Waiting = tuple[str, "str | None", asyncio.Future]  # a review's text, its id and its caller's answer


class WaitingLine:
    """Short reviews waiting for a reader, first come first served, taken in batches bounded by count and size."""

    def __init__(self, max_reviews: int, max_chars: int) -> None:
        self.max_reviews = max_reviews
        self.max_chars = max_chars
        self._items: deque[Waiting] = deque()
        self._arrived = asyncio.Condition()  # made inside the serving loop, like the line itself

    async def put(self, item: Waiting) -> None:
        """Queue one review and wake a free reader."""
        async with self._arrived:
            self._items.append(item)
            self._arrived.notify()

    async def take(self) -> list[Waiting]:
        """The next batch: the oldest review (whatever its size), then more while both caps allow."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: bool(self._items))
            batch = [self._items.popleft()]
            chars = len(batch[0][0])
            while self._items and len(batch) < self.max_reviews and chars + len(self._items[0][0]) <= self.max_chars:
                batch.append(self._items.popleft())
                chars += len(batch[-1][0])
            return batch


class Lanes:
    """The short-review lane (this process) and the long-review lane (a second process)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.pipeline: Any = None  # the service process's own models, when it analyses (no analysis processes)
        self.model: str | None = None  # the polarity model's name, once the readers are ready
        self._waiting: WaitingLine | None = None  # made in start(), inside the loop that serves
        self._short: list[asyncio.Task] = []
        self._short_pool: ProcessPoolExecutor | None = None
        self.batches_elsewhere = 0  # callers' batches the analysis processes analysed
        self._long: ProcessPoolExecutor | None = None
        self._long_pending = 0

    async def start(self) -> None:
        """Load every model and warm them up before the service answers."""
        # The long-review process starts with the first long review (its models load then, once).
        # spawn, not fork: this process already runs threads, which fork does not carry safely.
        self._long = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_long_lane_start,
            initargs=(self.config.analysis,),
        )
        self._waiting = WaitingLine(PARSE_BATCH, self.config.batch_chars)
        extra = self.config.short_processes
        if extra and await self._start_pool(extra):
            self._short = [asyncio.create_task(self._serve_short(self._short_elsewhere)) for _ in range(extra)]
        else:
            await self._serve_here()

    async def _start_pool(self, processes: int) -> bool:
        """Start the analysis processes and wait for their models; False (logged) if they could not start."""
        self._short_pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lane_start,
            initargs=(self.config.analysis,),
        )
        started = await asyncio.gather(*(self._in_pool(_lane_ready) for _ in range(processes)), return_exceptions=True)
        failed = [outcome for outcome in started if isinstance(outcome, BaseException)]
        if failed:
            LOG.error("the analysis processes could not start (%s); the service process analyses alone", failed[0])
            _end(self._short_pool)
            self._short_pool = None
            return False
        self.model = started[0]
        return True

    async def _serve_here(self) -> None:
        """Load the models in this process and make it the short lane's one reader."""
        from critica.pipeline import Pipeline

        pipeline = Pipeline.from_config(self.config.analysis)
        await run_in_threadpool(lambda: pipeline.stages)
        await run_in_threadpool(pipeline.analyze, WARM_UP)
        self.pipeline = pipeline
        self.model = pipeline.polarity_model.name
        self._short.append(asyncio.create_task(self._serve_short(self._short_here)))

    def stop(self) -> None:
        """Stop both lanes and end their processes without waiting for their work."""
        for task in self._short:
            task.cancel()
        for pool in (self._short_pool, self._long):
            if pool is not None:
                _end(pool)

    async def _short_here(self, reviews: Reviews) -> list[dict[str, Any]]:
        return await run_in_threadpool(self._analyse_batch, reviews)

    async def _short_elsewhere(self, reviews: Reviews) -> list[dict[str, Any]]:
        self.batches_elsewhere += 1
        return await self._in_pool(_short_lane_analyze, reviews)

    async def _in_pool(self, work: Callable[..., Any], *args: Any) -> Any:
        """`work(config, *args)` in one of the analysis processes."""
        assert self._short_pool is not None
        return await asyncio.get_running_loop().run_in_executor(self._short_pool, work, self.config.analysis, *args)

    async def _serve_short(self, analyse: Callable[[Reviews], Awaitable[list]]) -> None:
        """One reader of the short lane: take the next batch waiting, analyse it, answer."""
        assert self._waiting is not None
        while True:
            batch = await self._waiting.take()
            try:
                results = await analyse([(text, rid) for text, rid, _ in batch])
            except BrokenProcessPool as exc:
                # A process died (killed, out of memory): these callers get a 500, the others keep being served.
                self._answer(batch, [exc] * len(batch))
                await self._after_pool_broke()
                return
            except Exception as exc:  # noqa: BLE001 - answered as a 500 to each caller, the lane keeps serving
                results = [exc] * len(batch)
            self._answer(batch, results)

    async def _after_pool_broke(self) -> None:
        """The first reader to see the pool broken makes the service process the reader; the others end."""
        if self._short_pool is None:
            return
        LOG.error("an analysis process died; the service process analyses alone")
        pool, self._short_pool = self._short_pool, None
        _end(pool)
        await self._serve_here()

    @staticmethod
    def _answer(batch: list[Waiting], results: list) -> None:
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


def _end(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down and terminate its processes: a process busy with a long review would outlive the service."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():  # SIGTERM ignored or not yet acted on: a lane must not outlive the service
            process.kill()
            process.join(timeout=5)


def _exit_with_parent() -> None:
    """End this lane process when the service process is gone (killed with SIGKILL, it could not stop us)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="critica-parent-watch", daemon=True).start()


def _lane_start(config: Config, niceness: int = 0) -> None:
    """In a lane process: end with the service, lower its CPU priority by `niceness`, pin its threads, load its models.

    Linux applies niceness per thread, and the BLAS threads already exist (numpy was imported to
    unpickle this call): one thread per library keeps all the work on this lowered thread.
    """
    from critica.pipeline import shared_pipeline

    _exit_with_parent()
    if niceness:
        os.nice(niceness)
    pin_threads()
    _ = shared_pipeline(config).stages


def _long_lane_start(config: Config) -> None:
    """In the long-review process: short reviews get the cores first."""
    _lane_start(config, LONG_LANE_NICENESS)


def _lane_ready(config: Config) -> str:
    """In an analysis process: analyse one review (so that every lazy load is done), name the model."""
    from critica.pipeline import shared_pipeline

    pipeline = shared_pipeline(config)
    pipeline.analyze(WARM_UP)
    return pipeline.polarity_model.name


def _long_lane_analyze(config: Config, text: str, rid: str | None) -> dict[str, Any]:
    from critica.pipeline import shared_pipeline

    contract = shared_pipeline(config).analyze(text, id=rid).to_dict()
    release_freed_memory()  # a 99,000-character review leaves hundreds of MB free in glibc's arenas
    return contract


def _short_lane_analyze(config: Config, reviews: Reviews) -> list[dict[str, Any]]:
    from critica.pipeline import shared_pipeline

    return _contracts(shared_pipeline(config), reviews)


def _contracts(pipeline: Any, reviews: Reviews) -> list[dict[str, Any]]:
    """The contract objects of reviews analysed together, in their order."""
    return [analysis.to_dict() for analysis in pipeline.analyze_batch(reviews)]
