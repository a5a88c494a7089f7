"""The cache layer: checkpointed chunks resume where a run stopped and never leave half a chunk."""

from __future__ import annotations

import numpy as np
import pytest

from critica.cache import checkpointed_chunks


def _squares(calls: list[tuple[int, int]]):
    def build(start: int, end: int) -> dict[str, np.ndarray]:
        calls.append((start, end))
        return {"x": np.arange(start, end) ** 2}

    return build


def test_chunks_cover_every_item_once_and_are_read_back_not_rebuilt(tmp_path) -> None:
    calls: list[tuple[int, int]] = []
    done: list[str] = []
    chunks = checkpointed_chunks(tmp_path / "c", 7, 3, _squares(calls), done.append)
    assert calls == [(0, 3), (3, 6), (6, 7)] and done == ["3/7", "6/7", "7/7"]
    assert np.concatenate([c["x"] for c in chunks]).tolist() == [i * i for i in range(7)]
    again: list[tuple[int, int]] = []
    assert [c["x"].tolist() for c in checkpointed_chunks(tmp_path / "c", 7, 3, _squares(again))] == [
        c["x"].tolist() for c in chunks
    ]
    assert again == [], "every chunk was on disk"


def test_an_interrupted_run_resumes_at_the_first_missing_chunk(tmp_path) -> None:
    def failing(start: int, end: int) -> dict[str, np.ndarray]:
        if start == 3:
            raise KeyboardInterrupt  # the session stopped while this chunk was computed
        return {"x": np.arange(start, end)}

    with pytest.raises(KeyboardInterrupt):
        checkpointed_chunks(tmp_path, 7, 3, failing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chunk-000000.npz"], "no partial chunk left"
    calls: list[tuple[int, int]] = []
    checkpointed_chunks(tmp_path, 7, 3, _squares(calls))
    assert calls == [(3, 6), (6, 7)]


def test_nothing_to_compute_gives_no_chunks(tmp_path) -> None:
    assert checkpointed_chunks(tmp_path / "empty", 0, 3, _squares([])) == []
