"""The streaming, multi-process, resumable batch runner behind `critica batch`.

Rows stream from the inputs in chunks; each chunk is analysed by a worker
process (models loaded once per worker), results come back in input order,
are appended to the output and committed together with a checkpoint. After
a crash or `kill -9`, `--resume` rolls the output back to the last
checkpoint and carries on from the next row: nothing is lost or written twice.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from critica.batch.sinks import open_sink
from critica.batch.sources import SourcedRow, count_rows, expand_inputs, numbered_rows
from critica.config import Config
from critica.io.readers import UnusableInput
from critica.pipeline import shared_pipeline
from critica.resources import pin_threads, release_freed_memory

# (batch index, file, row in file, id, text, problem, film, duplicate of an earlier row)
Item = tuple[int, str, int, str | None, Any, tuple[str, str] | None, str | None, bool]


@dataclass
class BatchConfig:
    """What `critica batch` was asked to do: the analysis (`Config`, with its worker count) and the files."""

    inputs: str
    output: Path
    analysis: Config = field(default_factory=Config)
    resume: bool = False
    id_col: str = "id"
    text_col: str = "review"
    film_col: str | None = None
    chunk_size: int = 32
    parquet_part_rows: int = 2000
    store: Path | None = None
    progress: bool | None = None  # None: a bar on a terminal, log lines otherwise


@dataclass
class BatchSummary:
    """Every input row, accounted for: read = analysed + errors + duplicates."""

    read: int = 0
    analysed: int = 0
    errors: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    output: str = ""
    error_codes: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def checkpoint_path(output: Path) -> Path:
    """Where the checkpoint of an output lives."""
    return output.with_name(output.name + ".checkpoint.json")


# -- worker side --------------------------------------------------------------


def init_worker(config: Config, single_threaded: bool) -> None:
    """Start a worker process: pin its threads when it shares the cores, load the models once."""
    if single_threaded:
        pin_threads()  # several worker processes share the cores: one thread each for the encoder's matrix products
    _ = shared_pipeline(config).stages  # load the models now, once per worker


def analyse_chunk(items: list[Item], config: Config) -> list[dict[str, Any]]:
    """Contract objects for a chunk of rows, each tagged with where it came from."""
    pipeline = shared_pipeline(config)
    fresh = [item for item in items if not item[7]]
    rows = [(text, rid, problem, f"{file}:{row}") for _, file, row, rid, text, problem, _, _ in fresh]
    analysed = iter(pipeline.analyze_rows(rows))  # one batch: parsed together
    out = []
    for index, file, row, rid, _, _, film, duplicate in items:
        source = {"file": file, "row": row, "index": index, **({"film": film} if film else {})}
        if duplicate:
            out.append({"duplicate": True, "id": rid, "source": source})
            continue
        record = next(analysed).to_dict()
        record["source"] = source
        out.append(record)
    release_freed_memory()  # the chunk's parses and encoder states are garbage now; glibc would keep them
    return out


# -- parent side --------------------------------------------------------------


def _item(sourced: SourcedRow, seen: set[str]) -> Item:
    from critica.pipeline import review_id

    row = sourced.row
    rid = row.id
    if rid is None and isinstance(row.text, str):
        rid = review_id(row.text)
    duplicate = rid is not None and rid in seen
    if rid is not None:
        seen.add(rid)
    return (sourced.index, sourced.file, row.row, rid, row.text, row.problem, row.film, duplicate)


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ordered_results(chunks: Iterator[list[Item]], config: BatchConfig) -> Iterator[list[dict[str, Any]]]:
    """Analysed chunks in input order, with at most 2 chunks per worker in flight (bounded memory)."""
    analysis, workers = config.analysis, config.analysis.workers
    if workers <= 1:
        init_worker(analysis, single_threaded=False)
        for chunk in chunks:
            yield analyse_chunk(chunk, analysis)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=init_worker, initargs=(analysis, True)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(analyse_chunk, (chunk, analysis)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


class _Reporter:
    """A Rich progress bar on a terminal; a log line every few seconds otherwise."""

    def __init__(self, total: int | None, enabled: bool | None) -> None:
        self.total = total
        self.interactive = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.last_line = self.started
        self._progress = None
        if self.interactive:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]critica batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f} reseñas/s"),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("batch", total=total, rate=0.0)

    def update(self, done: int, summary: BatchSummary) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = summary.read / elapsed
        if self._progress is not None:
            self._progress.update(self._task, completed=done, rate=rate)
        elif time.monotonic() - self.last_line >= 5.0:
            self.last_line = time.monotonic()
            eta = f", ETA {((self.total or done) - done) / rate:,.0f} s" if rate and self.total else ""
            print(
                f"critica batch: {done:,}/{self.total or '?'} rows, {rate:.1f} rows/s, "
                f"{summary.errors} errors, {summary.duplicates} duplicates{eta}",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def input_fingerprint(files: list[Path], config: BatchConfig) -> dict[str, Any]:
    """What a resumed batch must find unchanged: each file's path, size and content hash, and the columns."""
    described = []
    for path in files:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        described.append([str(path.resolve()), path.stat().st_size, digest.hexdigest()])
    return {"files": described, "columns": [config.id_col, config.text_col, config.film_col]}


@contextmanager
def _exclusive(output: Path) -> Iterator[None]:
    """Hold OUTPUT.lock for the run: a second batch on the same output is refused, not interleaved.

    A POSIX record lock belongs to this process alone: worker processes forked from it do not
    inherit it, and the kernel drops it when the process dies, so a kill -9 never leaves it stale.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.with_name(output.name + ".lock").open("a") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise UnusableInput(
                f"another critica batch is writing {output}; wait for it to finish or choose another output"
            ) from None
        yield


def _load_checkpoint(config: BatchConfig, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    path = checkpoint_path(config.output)
    if not config.resume:
        if config.output.exists() or path.exists():
            raise UnusableInput(f"{config.output} exists; add --resume to continue it, or remove it")
        return None
    if not path.exists():
        if config.output.is_file() and config.output.stat().st_size == 0:
            config.output.unlink()  # killed before anything was committed: start afresh
        elif config.output.exists():
            raise UnusableInput(f"{config.output} exists but has no checkpoint; remove it to start again")
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("fingerprint") != fingerprint:
        raise UnusableInput(
            f"{config.output} was made from other input (files, their content or columns differ); resume it "
            f"with the same input, or remove {config.output} and {path.name} to start again"
        )
    return state


def _save_checkpoint(
    config: BatchConfig,
    rows_done: int,
    position: int,
    summary: BatchSummary,
    done: bool,
    fingerprint: dict[str, Any],
) -> None:
    path = checkpoint_path(config.output)
    tmp = path.with_name(path.name + ".tmp")
    state = {"inputs": config.inputs, "rows_done": rows_done, "position": position, "finished": done}
    state["summary"] = summary.to_dict()
    state["fingerprint"] = fingerprint
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)  # atomic: the checkpoint is the old one or the new one, never half


def run_batch(config: BatchConfig, on_commit: Callable[[list[dict[str, Any]]], None] | None = None) -> BatchSummary:
    """Analyse every row of the inputs into the output; see the module docstring."""
    files = expand_inputs(config.inputs)
    with _exclusive(config.output):
        return _run_locked(config, files, on_commit)


def _run_locked(
    config: BatchConfig, files: list[Path], on_commit: Callable[[list[dict[str, Any]]], None] | None
) -> BatchSummary:
    fingerprint = input_fingerprint(files, config)
    state = _load_checkpoint(config, fingerprint)
    summary = BatchSummary(output=str(config.output))
    if state is not None:
        summary = BatchSummary(**{**state["summary"], "output": str(config.output)})
        if state.get("finished"):
            return summary
    else:  # before the output exists, so that every output critica makes has a checkpoint
        _save_checkpoint(config, 0, 0, summary, False, fingerprint)
    sink = open_sink(config.output, parquet_part_rows=config.parquet_part_rows)
    rows_done = 0
    if state is not None:
        sink.truncate_to(state["position"])
        rows_done = state["rows_done"]
    seen = set(sink.existing_ids()) if state is not None else set()
    total = count_rows(files, config.id_col, config.text_col)
    reporter = _Reporter(total, config.progress)
    started = time.monotonic() - summary.seconds

    def fresh_items() -> Iterator[Item]:
        for sourced in numbered_rows(files, config.id_col, config.text_col, config.film_col):
            if sourced.index >= rows_done:
                yield _item(sourced, seen)

    try:
        for results in _ordered_results(_chunks(fresh_items(), config.chunk_size), config):
            # Counted here, at commit time, so the checkpoint's counts match the committed rows.
            records = [r for r in results if not r.get("duplicate")]
            summary.read += len(results)
            summary.duplicates += len(results) - len(records)
            sink.write(records)
            for record in records:
                if record["errors"]:
                    summary.errors += 1
                    for error in record["errors"]:
                        summary.error_codes[error["code"]] = summary.error_codes.get(error["code"], 0) + 1
                else:
                    summary.analysed += 1
            if on_commit is not None:
                on_commit(records)  # e.g. the store; idempotent, so a resumed chunk may be re-added
            position = sink.commit()
            if position is not None:  # the sink made these rows durable: move the checkpoint
                rows_done = results[-1]["source"]["index"] + 1
                summary.seconds = round(time.monotonic() - started, 2)
                _save_checkpoint(config, rows_done, position, summary, False, fingerprint)
            reporter.update(summary.read, summary)
        sink.close()
        rows_done = total
        summary.seconds = round(time.monotonic() - started, 2)
        _save_checkpoint(config, rows_done, -1, summary, True, fingerprint)
    finally:
        reporter.close()
    return summary
