"""Batch inputs: a file, a folder or a glob of review files, read as one numbered stream."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from critica.io.readers import READERS, InputRow, UnusableInput, read_reviews

BATCH_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")


@dataclass(frozen=True)
class SourcedRow:
    """One input row with its position in the whole batch (0-based `index`) and where it came from."""

    index: int
    file: str
    row: InputRow


def expand_inputs(spec: str | Path) -> list[Path]:
    """Files named by a path, a folder (its review files) or a glob pattern, sorted."""
    path = Path(spec)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in BATCH_SUFFIXES)
    elif path.exists():
        files = [path]
    else:
        files = sorted(Path(p) for p in glob.glob(str(spec), recursive=True) if Path(p).is_file())
    if not files:
        raise UnusableInput(f"{spec}: no input files (csv, jsonl or parquet) found")
    unknown = [p for p in files if p.suffix.lower() not in READERS or p.suffix.lower() == ".txt"]
    if unknown:
        raise UnusableInput(f"{unknown[0]}: batch reads {', '.join(BATCH_SUFFIXES)} files")
    return files


def numbered_rows(files: list[Path], id_col: str, text_col: str, film_col: str | None = None) -> Iterator[SourcedRow]:
    """Every row of every file, in order, numbered across the batch."""
    index = 0
    for path in files:
        for row in read_reviews(path, id_col=id_col, text_col=text_col, film_col=film_col):
            yield SourcedRow(index, path.name, row)
            index += 1


def count_rows(files: list[Path], id_col: str, text_col: str) -> int:
    """Rows in the batch (a parse without analysis), for the progress bar's ETA."""
    return sum(1 for _ in numbered_rows(files, id_col, text_col))
