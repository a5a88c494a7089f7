"""Load test of `critica serve` on loopback: N concurrent clients posting reviews for a fixed time.

    .venv/bin/python benchmarks/load.py [--clients 16] [--seconds 30] [--tier fast|default] [--slow-caller]

Starts the service itself (`--workers`, default one), waits for its models, then runs an asyncio client pool
against 127.0.0.1 only; bounded in time and stops by itself. Reports reviews/s, p50/p99 latency
and the number of errors (any non-200 answer or transport failure) of the normal clients.
`--slow-caller` adds one more client that keeps posting batches of 9 reviews of 99,000
characters (within the service's limits); its answers are counted apart, and the server's
resident memory (with its long-review process) is sampled every second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import httpx

from throughput import load_reviews


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tier: str, port: int, workers: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "critica.cli", "serve", "--port", str(port), "--workers", str(workers)]
    args += ["--fast"] if tier == "fast" else []
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if json.load(response)["models_loaded"]:
                    # The first worker to finish loading answers; give the others time to finish theirs.
                    time.sleep(30 if workers > 1 else 0)
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the service did not start")


Answered = list[tuple[float, int]]  # (seconds, characters of the review) per answer


async def client(url: str, texts: list[str], stop_at: float, latencies: Answered, errors: list[str], k: int):
    async with httpx.AsyncClient(timeout=120) as http:
        i = k
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            text = texts[i % len(texts)]
            try:
                response = await http.post(f"{url}/v1/analyze", json={"text": text})
                if time.monotonic() > stop_at:
                    break  # answered after the window: neither counted nor an error
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - start, len(text)))
                else:
                    errors.append(str(response.status_code))
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            i += 16


async def slow_caller(url: str, texts: list[str], stop_at: float, outcomes: dict[str, int]) -> None:
    huge = [{"text": (" ".join(texts) * 20)[:99_000]} for _ in range(9)]
    async with httpx.AsyncClient(timeout=600) as http:
        while time.monotonic() < stop_at:
            try:
                response = await http.post(f"{url}/v1/analyze/batch", json={"reviews": huge})
                key = str(response.status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            outcomes[key] = outcomes.get(key, 0) + 1
            if key != "200":
                await asyncio.sleep(1.0)  # as told by Retry-After


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the server and all its descendants so far, from /proc."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    try:
        children = [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []
    return children + [d for c in children for d in _descendants(c)]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and all its descendants (workers, long-review processes), from /proc."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def sample_rss(pid: int, stop_at: float, samples: list[float], window_end: list[float]) -> None:
    """Resident memory every second; at the window's end, the CPU seconds used so far (server, this process)."""
    while time.monotonic() < stop_at:
        samples.append(rss_mb(pid))
        await asyncio.sleep(1.0)
    window_end += [cpu_seconds(pid), time.process_time()]


async def run(
    url: str, clients: int, seconds: float, texts: list[str], slow: bool, pid: int
) -> tuple[Answered, list[str], float, dict[str, int], list[float], list[float]]:
    latencies: Answered = []
    errors: list[str] = []
    outcomes: dict[str, int] = {}
    rss: list[float] = []
    window_end: list[float] = []
    started = time.monotonic()
    stop_at = started + seconds
    tasks = [client(url, texts, stop_at, latencies, errors, k) for k in range(clients)]
    tasks.append(sample_rss(pid, stop_at, rss, window_end))
    if slow:
        tasks.append(slow_caller(url, texts, stop_at, outcomes))
    await asyncio.gather(*tasks)
    return latencies, errors, time.monotonic() - started, outcomes, rss, window_end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tier", choices=["fast", "default"], default="fast")
    parser.add_argument("--slow-caller", action="store_true", help="add one client posting huge batches")
    parser.add_argument("--workers", type=int, default=1, help="`critica serve --workers N`")
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.tier, port, args.workers)
    try:
        server_cpu, own_cpu = cpu_seconds(server.pid), time.process_time()
        answered, errors, elapsed, outcomes, rss, window_end = asyncio.run(
            run(f"http://127.0.0.1:{port}", args.clients, args.seconds, load_reviews(200), args.slow_caller, server.pid)
        )
        server_cpu, own_cpu = window_end[0] - server_cpu, window_end[1] - own_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    answered.sort()
    latencies = [seconds for seconds, _ in answered]
    tail = int(0.99 * (len(answered) - 1))  # where the slowest 1% of answers starts
    p99 = latencies[tail] if latencies else float("nan")
    print(
        f"tier {args.tier}, {args.workers} worker(s): {args.clients} clients, {args.seconds:.0f} s "
        f"(run {elapsed:.1f} s), {len(latencies)} reviews, {len(latencies) / args.seconds:.1f} reviews/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, errors {len(errors)}; server RSS {min(rss):.0f}–{max(rss):.0f} MB"
        + (f"; slow caller's answers {outcomes}" if args.slow_caller else "")
    )
    # Is the tail the longest reviews themselves, or short ones waiting behind others?
    slowest = [chars for _, chars in answered[tail:]]
    print(
        f"slowest 1% ({len(slowest)} answers): median {statistics.median(slowest):.0f} characters; "
        f"all answers: median {statistics.median([chars for _, chars in answered]):.0f}"
    )
    # Where the 2 cores went: the service's processes vs this load generator (including loading its texts).
    window = f"CPU over the {args.seconds:.0f} s window"
    print(f"{window}: server {server_cpu / args.seconds:.2f} cores, load generator {own_cpu / args.seconds:.2f} cores")


if __name__ == "__main__":
    main()
