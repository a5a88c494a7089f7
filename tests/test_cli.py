"""The command line end to end, as a user runs it (real subprocesses)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

CRITICA = [sys.executable, "-m", "critica.cli"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CRITICA, *args], input=stdin, capture_output=True, timeout=300)


def test_analyze_txt_prints_a_readable_verdict() -> None:
    done = run("analyze", str(EXAMPLES / "resena_positiva.txt"), "--fast")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "POSITIVA" in out and "Pasajes decisivos" in out and "probabilidad" in out


def test_readable_output_shows_aspects_facts_and_translation(tmp_path: Path) -> None:
    review = tmp_path / "r.txt"
    review.write_text(
        "«Los santos inocentes» (1984), dirigida por Mario Camus, es una obra maestra. "
        "La fotografía es brillante y Paco Rabal (Azarías) está inmenso. Ganó un premio en Cannes.",
        encoding="utf-8",
    )
    done = run("analyze", str(review), "--fast")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert "Los santos inocentes (1984)" in out and "Mario Camus [director]" in out
    assert "Paco Rabal [actor] como Azarías" in out and "fotografia" in out and "Traducción" in out


def test_analyze_json_is_the_contract_object() -> None:
    done = run("analyze", str(EXAMPLES / "resena_negativa.txt"), "--fast", "--format", "json")
    data = json.loads(done.stdout)
    assert data["id"] == "resena_negativa" and data["sentiment"]["label"] == "negative"
    assert data["errors"] == []


def test_stdin_review() -> None:
    text = (EXAMPLES / "resena_positiva.txt").read_bytes()
    done = run("analyze", "-", "--fast", "--format", "jsonl", stdin=text)
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["sentiment"]["label"] == "positive"


def _write_messy_csv(path: Path) -> int:
    good = (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8")
    rows = [
        ["id", "review"],
        ["r1", good],
        ["r2", ""],
        ["r3"],  # the text field is missing
        ["r4", "a", "b", "c"],  # more fields than the header
        ["r5", "<br /><br />"],
        ["r6", "The acting is great and the story moved me to tears, a wonderful film."],
        ["r7", (EXAMPLES / "resena_negativa.txt").read_text(encoding="utf-8")],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1


def test_csv_every_row_is_accounted_for_in_order(tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    n = _write_messy_csv(source)
    done = run("analyze", str(source), "--fast", "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(results) == n
    assert [r["id"] for r in results] == ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]
    codes = {r["id"]: [e["code"] for e in r["errors"]] for r in results}
    assert codes == {
        "r1": [],
        "r2": ["empty_text"],
        "r3": ["missing_text"],
        "r4": ["malformed_row"],
        "r5": ["no_words"],
        "r6": ["not_spanish"],
        "r7": [],
    }


def test_jsonl_and_parquet_inputs_with_custom_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = (EXAMPLES / "resena_negativa.txt").read_text(encoding="utf-8")
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(
        json.dumps({"key": 7, "body": text}) + "\n{not json\n" + json.dumps([1, 2]) + "\n", encoding="utf-8"
    )
    done = run("analyze", str(jsonl), "--fast", "--format", "jsonl", "--id-col", "key", "--text-col", "body")
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["id"] for r in results] == ["7", "row2", "row3"]
    assert [r["errors"][0]["code"] for r in results[1:]] == ["malformed_row", "malformed_row"]

    parquet = tmp_path / "in.parquet"
    pq.write_table(pa.table({"key": ["a", "b"], "body": [text, None]}), parquet)
    done = run("analyze", str(parquet), "--fast", "--format", "json", "--id-col", "key", "--text-col", "body")
    results = json.loads(done.stdout)
    assert [r["sentiment"]["label"] for r in results] == ["negative", None]


def test_latin1_and_binary_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes((EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8").encode("latin-1", "replace"))
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    assert json.loads(run("analyze", str(latin), "--fast", "-f", "json").stdout)["sentiment"]["label"] == "positive"
    junk = json.loads(run("analyze", str(binary), "--fast", "-f", "json").stdout)
    assert junk["errors"][0]["code"] == "binary_input"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "nope.txt"], "no such file"),
        (["analyze", "reviews.xlsx"], "unknown file type"),
        (["analyze", "{csv}", "--text-col", "texto"], "no column 'texto'"),
        (["analyze", "{txt}", "--model", "/nonexistent"], "not a critica model folder"),
        (["evaluate", "--facts", "gold-nope.jsonl"], "no such file"),
        (["evaluate", "--titles", "titles-nope.bio"], "no such file"),
        (["evaluate", "--aspects", "{csv}", "--texts", "texts-nope.csv"], "no such file"),
    ],
)
def test_unusable_arguments_exit_nonzero_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    csv_path = tmp_path / "r.csv"
    csv_path.write_text("id,review\n1,hola\n", encoding="utf-8")
    args = [a.format(csv=csv_path, txt=EXAMPLES / "resena_positiva.txt") for a in args]
    done = run(*args, "--fast")
    err = done.stderr.decode().strip()
    assert done.returncode == 2
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_evaluate_writes_metrics_and_plots(tmp_path: Path) -> None:
    data = tmp_path / "labelled.csv"
    pos = (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8")
    neg = (EXAMPLES / "resena_negativa.txt").read_text(encoding="utf-8")
    with data.open("w", newline="", encoding="utf-8") as handle:
        rows = [["review", "sentiment", "score"], [pos, "positive", "5"], [neg, "negative", "1"]]
        rows.append(["Ni fu ni fa: entretenida a ratos, olvidable al salir del cine.", "neutral", "3"])
        csv.writer(handle).writerows(rows)
    done = run("evaluate", "--data", str(data), "--fast", "--rating-col", "score", "--out", str(tmp_path / "ev"))
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    for metric in ("accuracy", "macro_f1", "roc_auc", "brier", "ece", "rating mae", "rating exact", "rating spearman"):
        assert metric in out
    for png in ("confusion_matrix.png", "reliability.png", "rating_confusion.png"):
        assert (tmp_path / "ev" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_store_errors_are_one_line_and_bad_lines_are_counted(tmp_path: Path) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    done = run("report", "--db", str(broken))
    err = done.stderr.decode().strip()
    assert done.returncode == 2 and "not a critica store" in err and len(err.splitlines()) == 1, err

    good = run("analyze", str(EXAMPLES / "resena_positiva.txt"), "--fast", "--format", "json").stdout.decode()
    results = tmp_path / "results.jsonl"
    lines = [json.dumps(json.loads(good)), "{not json", json.dumps({"id": "x"}), ""]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    done = run("store", "add", str(results), "--db", str(db))
    err = done.stderr.decode().strip()
    assert done.returncode == 1 and "1 results added" in done.stdout.decode()
    assert "2 lines" in err and "line 2" in err and "line 3" in err and len(err.splitlines()) == 1, err


def test_doctor_reports_models_and_encoder() -> None:
    done = run("doctor")
    out = done.stdout.decode()
    assert "model fast" in out and "model default" in out and "encoder" in out and "es_core_news_sm" in out
    flat = " ".join(out.split())  # rich wraps long lines
    assert "verified (sha256 matches training)" in flat and "9 frozen layers" in flat and "linear probe" in flat
    assert "on onnx-int8" in flat  # the runtime analyses use by default, so setup builds its graph
    assert "11,051 lexicon words as polarity classes" in flat  # the shipped lexicon.json was found and read
    assert "film-title tagger" in flat and "credits table" in flat and "machine-translation detector" in flat
    assert "reviewed-film chooser" in flat
    assert done.returncode == 0, out


def test_doctor_says_what_to_do_when_a_small_bundled_model_does_not_load() -> None:
    from critica.doctor import _bundled

    def broken() -> str:
        raise OSError("credits.json: no such file")

    name, ok, detail = _bundled("credits table", broken)
    assert (name, ok) == ("credits table", False) and "no such file" in detail and "make model" in detail


def test_python_dash_m_critica_is_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "critica", "--help"], capture_output=True, timeout=120)
    assert done.returncode == 0 and b"evaluate" in done.stdout, done.stderr
