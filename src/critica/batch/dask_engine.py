"""`critica batch --engine dask`: the same analysis on a Dask cluster, written as partitioned Parquet.

The client streams the input rows into partitions and submits them as
tasks, with a bounded number in flight; each worker process loads the
models once (the pipeline is cached per process) and writes its partition
as `OUTPUT/part-NNNNNN.parquet`, numbered in input order. Without a
scheduler address a `LocalCluster` of worker processes is started.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path
from typing import Any

from critica.batch.runner import BatchSummary, Item, _chunks, _item, analyse_chunk, init_worker
from critica.batch.sinks import flatten, parquet_schema
from critica.batch.sources import expand_inputs, numbered_rows
from critica.config import Config

PARTITION_ROWS = 256


def analyse_partition(number: int, items: list[Item], config: Config, folder: str) -> dict[str, Any]:
    """Runs on a worker: analyse one partition, write it as Parquet, return its counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    init_worker(config, single_threaded=True)  # cheap after the first partition: models are cached per process
    results = analyse_chunk(items, config)
    records = [r for r in results if not r.get("duplicate")]
    table = pa.Table.from_pylist([flatten(r) for r in records], schema=parquet_schema())
    target = Path(folder) / f"part-{number:06d}.parquet"
    tmp = target.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(target)
    codes: dict[str, int] = {}
    for record in records:
        for error in record["errors"]:
            codes[error["code"]] = codes.get(error["code"], 0) + 1
    return {
        "read": len(results),
        "duplicates": len(results) - len(records),
        "errors": sum(1 for r in records if r["errors"]),
        "analysed": sum(1 for r in records if not r["errors"]),
        "error_codes": codes,
    }


def _add(summary: BatchSummary, counts: dict[str, Any]) -> None:
    summary.read += counts["read"]
    summary.duplicates += counts["duplicates"]
    summary.errors += counts["errors"]
    summary.analysed += counts["analysed"]
    for code, n in counts["error_codes"].items():
        summary.error_codes[code] = summary.error_codes.get(code, 0) + n


def run_dask(
    inputs: str,
    output: Path,
    *,
    config: Config | None = None,
    scheduler: str | None = None,
    id_col: str = "id",
    text_col: str = "review",
    film_col: str | None = None,
    partition_rows: int = PARTITION_ROWS,
) -> BatchSummary:
    """Analyse the inputs on a Dask cluster into a folder of Parquet parts.

    `config` is the analysis every worker runs (its `workers` sizes the local cluster).
    """
    from dask.distributed import Client, LocalCluster

    config = config or Config()

    files = expand_inputs(inputs)
    output.mkdir(parents=True, exist_ok=True)
    if any(output.glob("part-*.parquet")):
        raise ValueError(f"{output} already holds Parquet parts; choose an empty folder")
    summary = BatchSummary(output=str(output))
    started = time.monotonic()
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=config.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster if cluster is not None else scheduler)
    try:
        seen: set[str] = set()
        items = (_item(row, seen) for row in numbered_rows(files, id_col, text_col, film_col))
        in_flight: deque = deque()
        limit = 2 * max(len(client.scheduler_info()["workers"]), 1)
        for number, partition in enumerate(_chunks(items, partition_rows)):
            in_flight.append(client.submit(analyse_partition, number, partition, config, str(output), pure=False))
            if len(in_flight) >= limit:
                _add(summary, in_flight.popleft().result())
        while in_flight:
            _add(summary, in_flight.popleft().result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
