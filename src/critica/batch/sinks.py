"""Where batch results go: JSONL, or Parquet with the contract flattened into typed columns.

Both sinks write in committed chunks so that a killed run can be resumed:
`commit()` makes everything written so far durable and returns a position
that `truncate_to()` can later roll back to (dropping a half-written chunk).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from critica.schema import catalog_id_of, film_of, text_film_of


class Sink(Protocol):
    """A resumable destination for contract objects."""

    def write(self, records: list[dict[str, Any]]) -> None:
        """Append records (not yet durable)."""

    def commit(self) -> int | None:
        """Make the written records durable and return the position to resume from.

        None means "not yet": the sink is still buffering (Parquet writes parts of many rows).
        """

    def truncate_to(self, position: int) -> None:
        """Drop everything written after `position` (a value `commit` returned)."""

    def existing_ids(self) -> Iterator[str]:
        """Ids already written (for duplicate detection on resume)."""

    def close(self) -> None:
        """Finish the output."""


class JsonlSink:
    """One contract object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("ab")

    def write(self, records: list[dict[str, Any]]) -> None:
        """Append records as JSON lines."""
        self._handle.write(b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records))

    def commit(self) -> int:
        """Flush and fsync; the position is the file size."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        return self._handle.tell()

    def truncate_to(self, position: int) -> None:
        """Cut the file back to a committed size."""
        self._handle.flush()
        self._handle.truncate(position)
        self._handle.seek(position)

    def existing_ids(self) -> Iterator[str]:
        """Ids of the lines already in the file."""
        with self.path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)["id"]

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Typed columns for Parquet: the headline fields, plus the whole object as JSON."""
    sentiment = record["sentiment"]
    source = record.get("source", {})
    return {
        "id": record["id"],
        "language": record["language"],
        "label": sentiment["label"],
        "score": sentiment["score"],
        "model": sentiment["model"],
        "machine_translation": record["quality"]["machine_translation"],
        "film": film_of(record),
        "text_film": text_film_of(record),
        "film_id": catalog_id_of(record),
        "aspects": json.dumps({a["aspect"]: a["polarity"] for a in record["aspects"]}, ensure_ascii=False),
        "people": [p["name"] for p in record["facts"]["people"]],
        "error_codes": [e["code"] for e in record["errors"]],
        "source_file": source.get("file"),
        "source_row": source.get("row"),
        "analysis": json.dumps(record, ensure_ascii=False),
    }


def parquet_schema():
    """The Arrow schema of the flattened columns."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("language", pa.string()),
            ("label", pa.string()),
            ("score", pa.float64()),
            ("model", pa.string()),
            ("machine_translation", pa.float64()),
            ("film", pa.string()),
            ("text_film", pa.string()),
            ("film_id", pa.string()),
            ("aspects", pa.string()),
            ("people", pa.list_(pa.string())),
            ("error_codes", pa.list_(pa.string())),
            ("source_file", pa.string()),
            ("source_row", pa.int64()),
            ("analysis", pa.string()),
        ]
    )


class ParquetSink:
    """Parquet parts of `part_rows` rows in `OUTPUT.parts/`, merged into OUTPUT at the end."""

    def __init__(self, path: Path, part_rows: int = 2000) -> None:
        self.path = path
        self.part_rows = part_rows
        self.parts = path.with_name(path.name + ".parts")
        self.parts.mkdir(parents=True, exist_ok=True)
        self._pending: list[dict[str, Any]] = []

    def _part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet"))

    def write(self, records: list[dict[str, Any]]) -> None:
        """Buffer records until the next commit."""
        self._pending.extend(flatten(r) for r in records)

    def commit(self, force: bool = False) -> int | None:
        """Write a new part once enough rows are buffered; the position is the number of parts."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if len(self._pending) < self.part_rows and not force:
            return None
        if self._pending:
            number = len(self._part_files())
            tmp = self.parts / f".part-{number:06d}.tmp"
            pq.write_table(pa.Table.from_pylist(self._pending, schema=parquet_schema()), tmp)
            tmp.replace(self.parts / f"part-{number:06d}.parquet")  # atomic: a part is whole or absent
            self._pending = []
        return len(self._part_files())

    def truncate_to(self, position: int) -> None:
        """Remove parts written after the last checkpoint."""
        for part in self._part_files()[position:]:
            part.unlink()
        for tmp in self.parts.glob(".part-*.tmp"):
            tmp.unlink()

    def existing_ids(self) -> Iterator[str]:
        """Ids in the committed parts."""
        import pyarrow.parquet as pq

        for part in self._part_files():
            yield from pq.read_table(part, columns=["id"]).column("id").to_pylist()

    def close(self) -> None:
        """Merge the parts into the output file (streaming, part by part) and remove them."""
        import pyarrow.parquet as pq

        self.commit(force=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with pq.ParquetWriter(tmp, parquet_schema()) as writer:
            for part in self._part_files():
                writer.write_table(pq.read_table(part))
        tmp.replace(self.path)
        shutil.rmtree(self.parts)


def open_sink(path: Path, parquet_part_rows: int = 2000) -> Sink:
    """The sink for an output path, chosen by extension."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return JsonlSink(path)
    if suffix == ".parquet":
        return ParquetSink(path, part_rows=parquet_part_rows)
    raise ValueError(f"{path}: the output must end in .jsonl or .parquet")
