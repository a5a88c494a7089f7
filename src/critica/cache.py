"""critica's cache directory: what is built once per machine from installed packages.

`$CRITICA_CACHE`, else `$XDG_CACHE_HOME/critica`, else `~/.cache/critica`. Every
entry's name carries a key of everything it is built from, so a changed input
builds a new entry instead of reading a stale one; writers never leave half an
entry (a file or a folder appears whole, by rename, or not at all).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    """Where built graphs and tables are kept."""
    if os.environ.get("CRITICA_CACHE"):
        return Path(os.environ["CRITICA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "critica"


def checkpointed_chunks(
    folder: Path,
    total: int,
    size: int,
    build: Callable[[int, int], dict[str, np.ndarray]],
    log: Callable[[str], None] | None = None,
) -> list[dict[str, np.ndarray]]:
    """A long computation over items [0, total) in chunks of `size`, each kept in `folder` once built.

    `build(start, end)` computes one chunk's arrays; a chunk already on disk is read instead, so an
    interrupted run resumes where it stopped (training caches encoder states this way). Each chunk
    appears whole, by rename, under a process-unique temporary name while it is written: two runs
    over the same input may share the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, total, size):
        end = min(start + size, total)
        part = folder / f"chunk-{start:06d}.npz"
        if not part.exists():
            tmp = part.with_name(f".{part.stem}-{os.getpid()}.npz")
            np.savez(tmp, **build(start, end))
            tmp.replace(part)
            if log is not None:
                log(f"{end}/{total}")
        with np.load(part) as chunk:
            chunks.append({name: chunk[name] for name in chunk.files})
    return chunks
