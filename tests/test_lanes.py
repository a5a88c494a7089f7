"""The service's lanes on their own: how short reviews are batched; lane processes never outlive the service."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from critica.service.lanes import WaitingLine, _end


def _batches(line: WaitingLine, lengths: list[int]) -> list[list[int]]:
    """Queue reviews of these lengths, then take batches until none wait; each batch as its reviews' lengths."""

    async def go() -> list[list[int]]:
        loop = asyncio.get_running_loop()
        for n, length in enumerate(lengths):
            await line.put(("x" * length, str(n), loop.create_future()))
        taken = []
        for _ in range(len(lengths)):
            if not line._items:
                break
            taken.append([len(text) for text, _, _ in await line.take()])
        return taken

    return asyncio.run(go())


def test_a_batch_stops_at_the_character_cap_and_keeps_arrival_order() -> None:
    line = WaitingLine(max_reviews=8, max_chars=3_000)
    assert _batches(line, [1_000, 1_000, 1_000, 1_000, 2_500, 400]) == [[1_000, 1_000, 1_000], [1_000], [2_500, 400]]


def test_a_review_longer_than_the_cap_is_still_taken_alone() -> None:
    line = WaitingLine(max_reviews=8, max_chars=3_000)
    assert _batches(line, [9_000, 100, 100]) == [[9_000], [100, 100]]


def test_a_batch_stops_at_the_review_count() -> None:
    line = WaitingLine(max_reviews=2, max_chars=1_000_000)
    assert _batches(line, [10, 10, 10, 10, 10]) == [[10, 10], [10, 10], [10]]


def test_a_reader_waits_for_the_first_review_to_arrive() -> None:
    async def go() -> list[str]:
        line = WaitingLine(max_reviews=8, max_chars=6_000)
        reader = asyncio.ensure_future(line.take())
        await asyncio.sleep(0.05)
        assert not reader.done()
        await line.put(("Una película estupenda.", "a", asyncio.get_running_loop().create_future()))
        return [rid for _, rid, _ in await asyncio.wait_for(reader, 5)]

    assert asyncio.run(go()) == ["a"]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state  # a zombie has ended; only its exit status is left


def _still_alive_after(pid: int, seconds: float) -> bool:
    """Whether the process is still alive after up to `seconds` of waiting for it to end."""
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pid)


def test_stopping_a_lane_ends_a_process_that_is_still_busy() -> None:
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=spawn)
    pid = pool.submit(os.getpid).result()
    pool.submit(time.sleep, 120)  # a long review still being analysed when the service stops
    time.sleep(0.5)
    _end(pool)
    assert not _still_alive_after(pid, seconds=10)


CHILD_OF_A_KILLED_SERVICE = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from critica.service.lanes import _exit_with_parent
pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 120)
time.sleep(120)
"""


def test_a_lane_process_ends_when_the_service_is_killed() -> None:
    service = subprocess.Popen([sys.executable, "-c", CHILD_OF_A_KILLED_SERVICE], stdout=subprocess.PIPE, text=True)
    try:
        lane = int(service.stdout.readline())
        assert _alive(lane)
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=10)
        assert not _still_alive_after(lane, seconds=10)
    finally:
        service.kill()
