"""critica batch end to end: accounting, kill -9 and resume, Parquet, the store, and Dask."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from critica.config import Config

from .conftest import EXAMPLES, ROOT, SHARED_DATA, needs_shared_data

NATIVE = [json.loads(line)["review"] for line in (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()]
NATIVE += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]


def write_reviews(path: Path, n: int, film: bool = False) -> list[str]:
    ids = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "film"] if film else ["id", "review"])
        for i in range(n):
            ids.append(f"r{i:04d}")
            row = [ids[-1], NATIVE[i % len(NATIVE)] + f" (copia {i})"]
            writer.writerow([*row, f"Película {i % 3}"] if film else row)
    return ids


def batch(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "critica.cli", "batch", *args], capture_output=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_messy_csv_every_row_accounted_for(tmp_path: Path) -> None:
    source = tmp_path / "messy.csv"
    huge = ("La película es buena. " * 250_000)[:5_000_000]
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review"])
        writer.writerow(["ok1", NATIVE[0]])
        writer.writerow(["empty", ""])
        writer.writerow(["short"])  # missing text field
        writer.writerow(["wide", "a", "b"])  # too many fields
        writer.writerow(["junk", "\x01\x02\x03\x04\x05\x06\x07\x08"])
        writer.writerow(["huge", huge])
        writer.writerow(["html", "<div><br/></div>"])
        writer.writerow(["ok1", NATIVE[0]])  # duplicate id
        writer.writerow(["ok2", NATIVE[1]])
    with source.open("ab") as handle:  # a row whose bytes are not valid UTF-8
        handle.write(b'bad,"pel\xedcula mala \xff\xfe"\r\n')
    out = tmp_path / "out.jsonl"
    done = batch(str(source), "-o", str(out), "--fast", "--workers", "2")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    summary = json.loads(done.stderr.decode().strip().splitlines()[-1])
    records = read_jsonl(out)
    assert summary["read"] == 10
    assert summary["read"] == summary["analysed"] + summary["errors"] + summary["duplicates"]
    assert summary["duplicates"] == 1 and summary["analysed"] == 2
    assert len(records) == summary["analysed"] + summary["errors"]
    codes = {r["id"]: [e["code"] for e in r["errors"]] for r in records}
    assert codes["huge"] == ["text_too_long"] and codes["short"] == ["missing_text"]
    assert codes["wide"] == ["malformed_row"] and codes["empty"] == ["empty_text"]
    assert codes["html"] == ["no_words"] and codes["bad"] == ["undecodable_text"]
    assert codes["junk"] and codes["ok1"] == [] and codes["ok2"] == []
    assert [r["source"]["index"] for r in records] == sorted(r["source"]["index"] for r in records)


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    ids = write_reviews(source, 240)
    out = tmp_path / "out.jsonl"
    checkpoint = tmp_path / "out.jsonl.checkpoint.json"
    args = [sys.executable, "-m", "critica.cli", "batch", str(source), "-o", str(out), "--fast", "--workers", "1"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if checkpoint.exists() and json.loads(checkpoint.read_text())["rows_done"] >= 64:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    state = json.loads(checkpoint.read_text())
    assert not state["finished"] and 0 < state["rows_done"] < 240, "the kill must land mid-run"

    done = batch(str(source), "-o", str(out), "--fast", "--workers", "2", "--resume")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    summary = json.loads(done.stderr.decode().strip().splitlines()[-1])
    records = read_jsonl(out)
    out_ids = [r["id"] for r in records]
    assert len(out_ids) == len(set(out_ids)), "no row written twice"
    assert sorted(out_ids) == ids, "no row lost"
    assert summary["read"] == 240 == summary["analysed"] + summary["errors"] + summary["duplicates"]


def test_refuses_to_overwrite_without_resume(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_reviews(source, 3)
    out = tmp_path / "out.jsonl"
    out.write_text("{}\n")
    done = batch(str(source), "-o", str(out), "--fast", "--workers", "1")
    assert done.returncode == 2 and b"--resume" in done.stderr


def test_parquet_output_store_and_report(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = tmp_path / "in.csv"
    ids = write_reviews(source, 12, film=True)
    out = tmp_path / "out.parquet"
    db = tmp_path / "critica.duckdb"
    done = batch(str(source), "-o", str(out), "--fast", "--workers", "2", "--film-col", "film", "--store", str(db))
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ids
    assert set(table.column("label").to_pylist()) <= {"positive", "negative"}
    assert json.loads(table.column("analysis")[0].as_py())["id"] == ids[0]

    from critica.store.database import ReviewStore

    store = ReviewStore(db)
    assert store.count() == 12
    store.add(json.loads(a) for a in table.column("analysis").to_pylist())  # idempotent
    assert store.count() == 12
    films = store.films()
    assert sum(f["reviews"] for f in films) == 12
    for film in films:
        low, high = film["positive_ci95"]
        assert low <= film["positive_share"] <= high
        assert 1.0 <= film["mean_rating"] <= 5.0
        if film["reviews"] >= 2:
            low, high = film["rating_ci95"]
            assert 1.0 <= low <= film["mean_rating"] <= high <= 5.0
    one = store.film(films[0]["film"].upper())
    assert one is not None and (one["strongest_positive"] or one["strongest_negative"])
    store.close()

    report = subprocess.run(
        [sys.executable, "-m", "critica.cli", "report", "--db", str(db), "-f", "html", "-o", str(tmp_path / "r.html")],
        capture_output=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3 and films[0]["film"] in page


def test_dask_engine_matches_the_local_path(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    import pyarrow.parquet as pq

    from critica.batch.dask_engine import run_dask
    from critica.batch.runner import BatchConfig, run_batch

    source = tmp_path / "in.csv"
    write_reviews(source, 40)
    with source.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["broken"])
    local = run_batch(
        BatchConfig(str(source), tmp_path / "local.jsonl", Config(tier="fast", workers=1), progress=False)
    )
    distributed = run_dask(str(source), tmp_path / "dask", config=Config(tier="fast", workers=2), partition_rows=8)
    assert (distributed.read, distributed.analysed, distributed.errors) == (local.read, local.analysed, local.errors)
    local_rows = {r["id"]: r for r in read_jsonl(tmp_path / "local.jsonl")}
    parts = sorted((tmp_path / "dask").glob("part-*.parquet"))
    assert len(parts) == 6
    dask_rows = {
        json.loads(a)["id"]: json.loads(a) for p in parts for a in pq.read_table(p).column("analysis").to_pylist()
    }
    assert dask_rows.keys() == local_rows.keys()
    for rid, record in local_rows.items():
        other = dask_rows[rid]
        assert other["sentiment"] == record["sentiment"]
        assert other["aspects"] == record["aspects"] and other["facts"] == record["facts"]


def test_parquet_crash_and_resume(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from critica.batch.runner import BatchConfig, run_batch

    source = tmp_path / "in.csv"
    ids = write_reviews(source, 50)
    out = tmp_path / "out.parquet"
    config = BatchConfig(
        str(source), out, Config(tier="fast", workers=1), chunk_size=8, parquet_part_rows=16, progress=False
    )
    seen: list[str] = []

    def crash_after_30(records: list[dict]) -> None:
        seen.extend(r["id"] for r in records)
        if len(seen) > 30:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        run_batch(config, on_commit=crash_after_30)
    assert not out.exists() and len(list((tmp_path / "out.parquet.parts").glob("part-*.parquet"))) == 1

    config.resume = True
    summary = run_batch(config)
    assert summary.read == 50 == summary.analysed + summary.errors
    assert pq.read_table(out).column("id").to_pylist() == ids


def test_store_of_native_reviews_reports_a_low_machine_translated_share(tmp_path: Path) -> None:
    """Issue 14: reviews people wrote in Spanish must not make the per-film report say "translated"."""
    from critica.store.database import ReviewStore

    native = [json.loads(line) for line in (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()]
    source = tmp_path / "native.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "film"])
        for i, row in enumerate(native):
            writer.writerow([row["id"], row["review"], f"Película {i % 4}"])
    db = tmp_path / "native.duckdb"
    done = batch(str(source), "-o", str(tmp_path / "out.jsonl"), "--fast", "--film-col", "film", "--store", str(db))
    assert done.returncode == 0, done.stderr.decode()[-2000:]

    store = ReviewStore(db, read_only=True)
    films = store.films()
    store.close()
    assert sum(f["reviews"] for f in films) == len(native)
    flagged = sum(round(f["machine_translated_share"] * f["reviews"]) for f in films)
    assert flagged <= 2, films  # 24 native reviews: the detector flags one of the ten about American films
    big = [f for f in films if f["reviews"] >= 4]
    assert big and all(f["machine_translated_share"] <= 0.25 for f in big)


@needs_shared_data()
def test_store_tells_a_translated_film_from_native_ones(tmp_path: Path) -> None:
    """The same path on the corpora's held-out parts: IMDB-es rows are filed as translated, MuchoCine's are not."""
    from critica import corpora
    from critica.store.database import ReviewStore

    translated = [r for r in corpora.imdb_es(SHARED_DATA) if r.test][:20]
    native = [r for r in corpora.muchocine(SHARED_DATA) if r.test][:40]
    source = tmp_path / "mixed.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "film"])
        for r in translated:
            writer.writerow([r.id, r.text, "Traducidas"])
        for r in native:
            writer.writerow([r.id, r.text, "Nativas"])
    db = tmp_path / "mixed.duckdb"
    done = batch(str(source), "-o", str(tmp_path / "o.jsonl"), "--fast", "--film-col", "film", "--store", str(db))
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    store = ReviewStore(db, read_only=True)
    # Grouped by corpus (ids es… / mc…): the text's own reviewed film may override the film column (issue 15).
    rows = store.db.execute(
        "SELECT id LIKE 'es%' AS translated, avg(CASE WHEN machine_translation > 0.5 THEN 1.0 ELSE 0.0 END)"
        " FROM reviews GROUP BY 1"
    ).fetchall()
    store.close()
    share = dict(rows)
    assert share[True] >= 0.75 and share[False] <= 0.10, share


def test_the_film_column_decides_the_film_and_a_disagreeing_text_is_shown(tmp_path: Path) -> None:
    """Issue 15: a review filed under the user's film stays there even when its text reviews another one."""
    import pyarrow.parquet as pq

    from critica.store.database import ReviewStore

    reviews = [
        ("a1", "«La colmena» es una película preciosa, con una fotografía deslumbrante.", "Los santos inocentes"),
        ("a2", "Una película estupenda: los actores están inmensos y la música emociona.", "Los santos inocentes"),
        ("a3", "Aburridísima. El guion no se sostiene y el ritmo es lentísimo.", "Los santos inocentes"),
        ("b1", "«Tesis» es un thriller que engancha de principio a fin; gran dirección.", None),
    ]
    source = tmp_path / "films.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "film"])
        writer.writerows([rid, text, film or ""] for rid, text, film in reviews)
    db = tmp_path / "films.duckdb"
    out = tmp_path / "out.parquet"
    done = batch(str(source), "-o", str(out), "--fast", "--workers", "1", "--film-col", "film", "--store", str(db))
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    table = pq.read_table(out).to_pydict()
    assert table["film"] == ["Los santos inocentes"] * 3 + ["Tesis"]  # no column value: the text's film
    assert table["text_film"][0] == "La colmena" and table["text_film"][3] == "Tesis"
    record = json.loads(table["analysis"][0])
    assert record["source"]["film"] == "Los santos inocentes"
    assert [f["title"] for f in record["facts"]["films"] if f["reviewed"]] == ["La colmena"]  # kept beside it

    store = ReviewStore(db, read_only=True)
    films = {f["film"]: f for f in store.films()}
    store.close()
    assert set(films) == {"Los santos inocentes", "Tesis"}
    assert films["Los santos inocentes"]["reviews"] == 3
    other = films["Los santos inocentes"]["text_names_another_film"]
    assert other == {"reviews": 1, "examples": [{"review": "a1", "text_film": "La colmena"}]}
    assert films["Tesis"]["text_names_another_film"]["reviews"] == 0
    report = subprocess.run(
        [sys.executable, "-m", "critica.cli", "report", "--db", str(db), "-f", "csv", "-o", str(tmp_path / "r.csv")],
        capture_output=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    rows = {r["film"]: r for r in csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8"))}
    assert rows["Los santos inocentes"]["text_names_another_film"] == "1"


def test_a_catalogue_files_spellings_of_one_film_under_its_id(tmp_path: Path) -> None:
    """Issue 15: with --catalog, reviews that spell the film differently land on one film and its id."""
    from critica.store.database import ReviewStore

    catalog = tmp_path / "catalog.csv"
    catalog.write_text("id,title,original_title,year\nnc,La novia cadáver,Corpse Bride,2005\n", encoding="utf-8")
    source = tmp_path / "r.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review"])
        writer.writerow(["r1", "«La novia cadáver» es una película preciosa, con una animación deslumbrante."])
        writer.writerow(["r2", "«LA NOVIA CADAVER» es una película aburrida y sin alma."])
    db = tmp_path / "c.duckdb"
    args = ("-o", str(tmp_path / "o.jsonl"), "--fast", "--workers", "1", "--store", str(db), "--catalog", str(catalog))
    done = batch(str(source), *args)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    store = ReviewStore(db, read_only=True)
    rows = store.db.execute("SELECT id, film, text_film, film_id FROM reviews ORDER BY id").fetchall()
    films = [f["film"] for f in store.films()]
    store.close()
    assert rows == [
        ("r1", "La novia cadáver", "La novia cadáver", "nc"),
        ("r2", "La novia cadáver", "LA NOVIA CADAVER", "nc"),
    ]
    assert films == ["La novia cadáver"]


def test_the_per_film_summary_lists_the_festivals_its_reviews_name(tmp_path: Path) -> None:
    import critica
    from critica.store.database import ReviewStore

    pipeline = critica.get_pipeline("fast")
    texts = [
        "Se presentó en el Festival de Cannes y es una película preciosa, de una delicadeza rara.",
        "Tras su paso por la Berlinale llega esta película aburrida y torpe, una decepción.",
    ]
    records = []
    for i, text in enumerate(texts):
        record = pipeline.analyze(text, id=f"r{i}").to_dict()
        record["source"] = {"film": "La misma"}
        records.append(record)
    store = ReviewStore(tmp_path / "festivals.duckdb")
    store.add(records)
    (film,) = store.films()
    store.close()
    assert film["festivals"] == ["Festival de Berlín", "Festival de Cannes"] and film["awards"] == []
