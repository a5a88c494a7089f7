"""Read reviews from files, row by row, never dropping a row silently.

Every row of the input comes out as an `InputRow`: either with text to
analyse, or with a `problem` saying why it has none (a malformed JSON line,
a CSV row without the text field). Problems that make the whole input
unusable (missing file, unknown format, absent column) raise
`UnusableInput` with a message that says what to do.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critica.text.decode import NotText, decode_bytes

csv.field_size_limit(sys.maxsize)  # a 5 MB review is one legitimate CSV field


class UnusableInput(ValueError):
    """The input as a whole cannot be read; the message says why and what to do."""


@dataclass
class InputRow:
    """One input review, or the reason the row holds none (`problem` = (code, message))."""

    row: int  # 1-based data row number (header excluded)
    id: str | None
    text: Any
    problem: tuple[str, str] | None = None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UnusableInput(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UnusableInput(f"{path}: is a folder; give a file (or use `critica batch` for folders)") from exc
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot read ({exc.strerror})") from exc


def _decode_file(path: Path, data: bytes) -> str:
    try:
        return decode_bytes(data)[0]
    except NotText as exc:
        raise UnusableInput(f"{path}: {exc}") from exc


def _field(record: dict[str, Any], column: str, row: int) -> tuple[Any, tuple[str, str] | None]:
    value = record.get(column)
    if value is None:
        return None, ("missing_text", f"row {row} has no '{column}' field")
    return value, None


def _rows_from_records(
    records: Iterator[tuple[int, dict[str, Any] | None, str | None]], id_col: str, text_col: str
) -> Iterator[InputRow]:
    for row, record, problem in records:
        rid = None if record is None else record.get(id_col)
        rid = None if rid in (None, "") else str(rid)
        if problem is not None:
            yield InputRow(row, rid, None, ("malformed_row", problem))
            continue
        assert record is not None
        text, missing = _field(record, text_col, row)
        yield InputRow(row, rid, text, missing)


def _csv_records(path: Path, id_col: str, text_col: str) -> Iterator[InputRow]:
    reader = csv.DictReader(io.StringIO(_decode_file(path, _read_bytes(path)), newline=""))
    header = reader.fieldnames or []
    if text_col not in header:
        raise UnusableInput(
            f"{path}: no column '{text_col}' (columns: {', '.join(header) or 'none'}); pass --text-col NAME"
        )

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        for row, record in enumerate(reader, start=1):
            if None in record:  # more fields than the header: the row is shifted, do not guess
                extra = record.pop(None)
                yield row, record, f"row {row} has {len(header) + len(extra)} fields, header has {len(header)}"
            else:
                yield row, record, None

    return _rows_from_records(records(), id_col, text_col)


def _jsonl_records(path: Path, id_col: str, text_col: str) -> Iterator[InputRow]:
    text = _decode_file(path, _read_bytes(path))

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        row = 0
        for line in text.splitlines():
            if not line.strip():
                continue
            row += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield row, None, f"row {row} is not valid JSON ({exc.msg})"
                continue
            if not isinstance(record, dict):
                yield row, None, f"row {row} is JSON but not an object"
            else:
                yield row, record, None

    return _rows_from_records(records(), id_col, text_col)


def _parquet_records(path: Path, id_col: str, text_col: str) -> Iterator[InputRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except FileNotFoundError as exc:
        raise UnusableInput(f"{path}: no such file") from exc
    except Exception as exc:
        raise UnusableInput(f"{path}: not a readable Parquet file ({exc})") from exc
    names = table.schema_arrow.names
    if text_col not in names:
        raise UnusableInput(f"{path}: no column '{text_col}' (columns: {', '.join(names)}); pass --text-col NAME")
    columns = [c for c in (id_col, text_col) if c in names]

    def records() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        row = 0
        for batch in table.iter_batches(columns=columns, batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                yield row, record, None

    return _rows_from_records(records(), id_col, text_col)


def _txt_records(path: Path, id_col: str, text_col: str) -> Iterator[InputRow]:
    data = _read_bytes(path)
    try:
        text: Any = decode_bytes(data)[0]
        problem = None
    except NotText as exc:
        text, problem = None, ("binary_input", f"{path.name}: {exc}")
    return iter([InputRow(1, path.stem, text, problem)])


READERS: dict[str, Callable[[Path, str, str], Iterator[InputRow]]] = {
    ".csv": _csv_records,
    ".jsonl": _jsonl_records,
    ".ndjson": _jsonl_records,
    ".parquet": _parquet_records,
    ".txt": _txt_records,
}


def read_reviews(source: str | Path, id_col: str = "id", text_col: str = "review") -> Iterator[InputRow]:
    """Rows of a review file, chosen by extension; `-` reads one review from stdin."""
    if str(source) == "-":
        data = sys.stdin.buffer.read()
        try:
            return iter([InputRow(1, None, decode_bytes(data)[0])])
        except NotText as exc:
            return iter([InputRow(1, None, None, ("binary_input", f"stdin: {exc}"))])
    path = Path(source)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnusableInput(
            f"{path}: unknown file type '{path.suffix}'; use one of {', '.join(sorted(READERS))} or - for stdin"
        )
    if not path.exists():
        raise UnusableInput(f"{path}: no such file")
    return reader(path, id_col, text_col)
