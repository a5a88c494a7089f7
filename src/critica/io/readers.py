"""Read reviews from files, row by row, never dropping a row silently.

Every row of the input comes out as an `InputRow`: either with text to
analyse, or with a `problem` saying why it has none (a malformed JSON line,
a CSV row without the text field). Problems that make the whole input
unusable (missing file, unknown format, absent column) raise
`UnusableInput` with a message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critica.errors import CriticaError, ErrorCode, review_problem
from critica.text.decode import NotText, bom_encoding, decode_bytes, looks_binary

csv.field_size_limit(sys.maxsize)  # a 5 MB review is one legitimate CSV field


class UnusableInput(CriticaError, ValueError):
    """The input as a whole cannot be read; the message says why and what to do."""


@dataclass
class InputRow:
    """One input review, or the reason the row holds none (`problem` = (code, message))."""

    row: int  # 1-based data row number (header excluded)
    id: str | None
    text: Any
    problem: tuple[str, str] | None = None
    film: str | None = None  # the value of the film column, when one was asked for


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UnusableInput(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UnusableInput(f"{path}: is a folder; give a file (or use `critica batch` for folders)") from exc
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot read ({exc.strerror})") from exc


def _field(record: dict[str, Any], column: str, row: int) -> tuple[Any, tuple[str, str] | None]:
    value = record.get(column)
    if value is None:
        return None, review_problem(ErrorCode.MISSING_TEXT, f"row {row} has no '{column}' field")
    return value, None


@dataclass(frozen=True)
class Columns:
    """Which fields hold the id, the review text and (optionally) the film."""

    id: str = "id"
    text: str = "review"
    film: str | None = None


def _value(record: dict[str, Any] | None, column: str | None) -> str | None:
    value = None if record is None or column is None else record.get(column)
    return None if value in (None, "") else str(value)


def _rows_from_records(
    records: Iterator[tuple[int, dict[str, Any] | None, str | None]], cols: Columns
) -> Iterator[InputRow]:
    for row, record, problem in records:
        rid, film = _value(record, cols.id), _value(record, cols.film)
        if problem is not None:
            yield InputRow(row, rid, None, review_problem(ErrorCode.MALFORMED_ROW, problem), film)
            continue
        assert record is not None
        text, missing = _field(record, cols.text, row)
        if missing is None and isinstance(text, str) and "\ufffd" in text:
            missing = review_problem(
                ErrorCode.UNDECODABLE_TEXT, f"row {row} has bytes that do not decode as UTF-8 or Windows-1252"
            )
        yield InputRow(row, rid, text, missing, film)


def _open_text(path: Path) -> io.TextIOWrapper:
    """Open a text file for streaming, choosing UTF-8 or Windows-1252 from its first 64 KB."""
    try:
        with path.open("rb") as handle:
            sample = handle.read(65536)
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot read ({exc.strerror})") from exc
    if looks_binary(sample, stray_nul_ok=True):
        raise UnusableInput(f"{path}: the file looks like binary data, not text")
    encoding = bom_encoding(sample)
    if encoding is None:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            encoding = "cp1252"
    # Bytes that still do not decode become U+FFFD, and such rows are reported, not analysed.
    return path.open("r", encoding=encoding, errors="replace", newline="")


class _LineTap:
    """The physical lines the CSV reader takes, kept until the record they make is checked."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.taken: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


def _csv_fields(lines: Iterator[str]) -> Iterator[tuple[list[str] | None, str | None]]:
    """CSV records as field lists, or (None, problem) for one that cannot be read.

    A quote that never closes makes Python's reader swallow every following line
    into one field, silently. A record whose raw lines hold an odd number of quote
    characters is such a record: it is reported, and the lines it swallowed are
    read again as rows.
    """
    pending: Iterator[str] = iter(lines)
    while True:
        tap = _LineTap(pending)
        reader = csv.reader(tap)
        swallowed: list[str] | None = None
        while swallowed is None:
            tap.taken.clear()
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a NUL byte inside the file
                yield None, f"is not valid CSV ({exc})"
                continue
            if sum(line.count('"') for line in tap.taken) % 2:
                swallowed = tap.taken[1:]
                yield None, "opens a quote that is never closed; the lines after it are read as rows again"
            elif fields:  # blank lines are not rows
                yield fields, None
        pending = iter(swallowed)  # the reader had reached the end of the file


def _csv_records(path: Path, cols: Columns) -> Iterator[InputRow]:
    handle = _open_text(path)
    parsed = _csv_fields(handle)
    header, problem = next(parsed, ([], None))
    if header is None:
        handle.close()
        raise UnusableInput(f"{path}: the header row {problem}")
    if cols.text not in header:
        handle.close()
        raise UnusableInput(
            f"{path}: no column '{cols.text}' (columns: {', '.join(header) or 'none'}); pass --text-col NAME"
        )

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        with handle:
            for row, (fields, problem) in enumerate(parsed, start=1):
                if fields is None:
                    yield row, None, f"row {row} {problem}"
                elif len(fields) > len(header):  # the row is shifted: do not guess
                    record = dict(zip(header, fields, strict=False))
                    yield row, record, f"row {row} has {len(fields)} fields, header has {len(header)}"
                else:
                    yield row, dict(zip(header, fields + [None] * (len(header) - len(fields)), strict=True)), None

    return _rows_from_records(records(), cols)


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _jsonl_records(path: Path, cols: Columns) -> Iterator[InputRow]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot read ({exc.strerror})") from exc

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        row = 0
        with handle:
            for raw in handle:
                if not raw.strip():
                    continue
                row += 1
                try:
                    record = json.loads(_decode_line(raw))
                except json.JSONDecodeError as exc:
                    yield row, None, f"row {row} is not valid JSON ({exc.msg})"
                    continue
                if not isinstance(record, dict):
                    yield row, None, f"row {row} is JSON but not an object"
                else:
                    yield row, record, None

    return _rows_from_records(records(), cols)


def _parquet_records(path: Path, cols: Columns) -> Iterator[InputRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except FileNotFoundError as exc:
        raise UnusableInput(f"{path}: no such file") from exc
    except Exception as exc:
        raise UnusableInput(f"{path}: not a readable Parquet file ({exc})") from exc
    names = table.schema_arrow.names
    if cols.text not in names:
        raise UnusableInput(f"{path}: no column '{cols.text}' (columns: {', '.join(names)}); pass --text-col NAME")
    columns = [c for c in (cols.id, cols.text, cols.film) if c and c in names]

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        row = 0
        for batch in table.iter_batches(columns=columns, batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                yield row, record, None

    return _rows_from_records(records(), cols)


def _txt_records(path: Path, cols: Columns) -> Iterator[InputRow]:
    data = _read_bytes(path)
    try:
        text: Any = decode_bytes(data)[0]
        problem = None
    except NotText as exc:
        text, problem = None, review_problem(ErrorCode.BINARY_INPUT, f"{path.name}: {exc}")
    return iter([InputRow(1, path.stem, text, problem)])


READERS: dict[str, Callable[[Path, Columns], Iterator[InputRow]]] = {
    ".csv": _csv_records,
    ".jsonl": _jsonl_records,
    ".ndjson": _jsonl_records,
    ".parquet": _parquet_records,
    ".txt": _txt_records,
}


def read_reviews(
    source: str | Path, id_col: str = "id", text_col: str = "review", film_col: str | None = None
) -> Iterator[InputRow]:
    """Rows of a review file, chosen by extension; `-` reads one review from stdin."""
    if str(source) == "-":
        data = sys.stdin.buffer.read()
        try:
            return iter([InputRow(1, None, decode_bytes(data)[0])])
        except NotText as exc:
            return iter([InputRow(1, None, None, review_problem(ErrorCode.BINARY_INPUT, f"stdin: {exc}"))])
    path = Path(source)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnusableInput(
            f"{path}: unknown file type '{path.suffix}'; use one of {', '.join(sorted(READERS))} or - for stdin"
        )
    if not path.exists():
        raise UnusableInput(f"{path}: no such file")
    return reader(path, Columns(id_col, text_col, film_col))
