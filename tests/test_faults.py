"""Fault injection for `critica batch`: hostile rows, kill -9 at several points, resume, refusals.

Every input row must be accounted for (read = analysed + errors + duplicates), ids stay unique,
and a batch killed and resumed writes exactly what an uninterrupted one writes.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .test_batch import NATIVE, batch, read_jsonl

ROWS = 1500


def hostile_corpus(folder: Path) -> int:
    """A CSV and a JSONL file with hostile rows mixed in; returns the number of rows a reader sees."""
    folder.mkdir()
    rows = 0
    with (folder / "a.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review"])
        for i in range(ROWS):
            kind = i % 50
            if kind == 7:
                writer.writerow([f"c{i}", ""])  # empty
            elif kind == 13:
                writer.writerow([f"c{i - 1}", NATIVE[0]])  # duplicate id
            elif kind == 21:
                writer.writerow([f"c{i}", "La película es buena. " * 12_000])  # over the length limit
            elif kind == 33:
                writer.writerow([f"c{i}", "<p><br/></p>"])  # markup only
            else:
                writer.writerow([f"c{i}", NATIVE[i % len(NATIVE)][: 80 + i % 200]])
            rows += 1
    with (folder / "a.csv").open("ab") as handle:
        handle.write(b"nul1,Una pel\x00icula rara\n")  # a NUL byte: that row only
        handle.write(b'open1,"Una comilla que nunca se cierra\nlate1,Una rese\xc3\xb1a tard\xc3\xada y buena\n')
        rows += 3  # the unclosed row, reported, and the line it swallowed, read again
    with (folder / "b.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(200):
            if i % 40 == 5:
                # a lone surrogate, as JSON escapes it
                handle.write(f'{{"id": "j{i}", "review": "Una pel\\u00edcula \\ud800 estupenda."}}\n')
            elif i % 40 == 17:
                handle.write(f'{{"id": "j{i}", "review": "sin cerrar\n')  # invalid JSON
            else:
                handle.write(json.dumps({"id": f"j{i}", "review": NATIVE[i % len(NATIVE)][:150]}) + "\n")
            rows += 1
    return rows


def summary_of(done: subprocess.CompletedProcess[bytes]) -> dict:
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stderr.decode().strip().splitlines()[-1])


def kill_when(args: list[str], checkpoint: Path, rows: int) -> None:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoint.exists() and json.loads(checkpoint.read_text())["rows_done"] >= rows:
            break
        time.sleep(0.02)
    if process.poll() is None:  # only the parent: its forked workers are left to die as orphans do
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_hostile_rows_kill_9_twice_and_resume_equal_an_uninterrupted_run(tmp_path: Path) -> None:
    source = tmp_path / "in"
    expected_rows = hostile_corpus(source)
    clean, broken = tmp_path / "clean.jsonl", tmp_path / "broken.jsonl"
    summary = summary_of(batch(str(source), "-o", str(clean), "--fast", "--workers", "2", timeout=600))
    assert summary["read"] == expected_rows
    assert summary["read"] == summary["analysed"] + summary["errors"] + summary["duplicates"]
    records = read_jsonl(clean)
    assert len(records) == summary["analysed"] + summary["errors"] and summary["duplicates"] == ROWS // 50
    assert len({r["id"] for r in records}) == len(records)
    codes = {r["id"]: [e["code"] for e in r["errors"]] for r in records}
    assert codes["nul1"] == ["binary_input"] and codes["late1"] == [] and codes["j5"] == ["invalid_characters"]
    assert sum(code == ["malformed_row"] for code in codes.values()) == 1 + 5  # the open quote, 5 bad JSON lines

    args = [sys.executable, "-m", "critica.cli", "batch", str(source), "-o", str(broken), "--fast", "--workers", "2"]
    checkpoint = tmp_path / "broken.jsonl.checkpoint.json"
    kill_when(args, checkpoint, 200)
    kill_when([*args, "--resume"], checkpoint, 900)
    assert not json.loads(checkpoint.read_text())["finished"], "the second kill must land mid-run"
    resumed = summary_of(batch(str(source), "-o", str(broken), "--fast", "--workers", "2", "--resume", timeout=600))
    assert broken.read_bytes() == clean.read_bytes()
    assert {k: v for k, v in resumed.items() if k not in ("seconds", "output")} == {
        k: v for k, v in summary.items() if k not in ("seconds", "output")
    }


def _small_batch(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "review"], *[[f"r{i}", NATIVE[i]] for i in range(4)]])
    out = tmp_path / "out.jsonl"
    summary_of(batch(str(source), "-o", str(out), "--fast", "--workers", "1"))
    return source, out


def test_resume_refuses_a_changed_input_or_another_file(tmp_path: Path) -> None:
    source, out = _small_batch(tmp_path)
    other = tmp_path / "other.csv"
    other.write_bytes(source.read_bytes())
    with source.open("a", encoding="utf-8") as handle:
        handle.write("r9,Una más al final\n")
    for given in (source, other):
        done = batch(str(given), "-o", str(out), "--fast", "--workers", "1", "--resume")
        err = done.stderr.decode().strip()
        assert done.returncode == 2 and "other input" in err and len(err.splitlines()) == 1, err
    assert done.returncode == 2


def test_a_second_batch_on_the_same_output_is_refused(tmp_path: Path) -> None:
    source, out = _small_batch(tmp_path)
    out.unlink()
    (tmp_path / "out.jsonl.checkpoint.json").unlink()
    with (tmp_path / "out.jsonl.lock").open("a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running batch holds it
        done = batch(str(source), "-o", str(out), "--fast", "--workers", "1", "--resume")
    err = done.stderr.decode().strip()
    assert done.returncode == 2 and "another critica batch is writing" in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_an_empty_output_left_by_a_kill_during_model_load_is_started_afresh(tmp_path: Path) -> None:
    source, out = _small_batch(tmp_path)
    out.write_bytes(b"")
    (tmp_path / "out.jsonl.checkpoint.json").unlink()
    summary = summary_of(batch(str(source), "-o", str(out), "--fast", "--workers", "1", "--resume"))
    assert summary["read"] == 4 and len(read_jsonl(out)) == 4
