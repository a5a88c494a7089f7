"""Reading review files: every row comes out, as text or as a reported problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from critica.io.readers import UnusableInput, read_reviews
from critica.text.decode import decode_bytes


def rows(path: Path) -> list[tuple[int, str | None, object, str | None]]:
    return [(r.row, r.id, r.text, r.problem[0] if r.problem else None) for r in read_reviews(path)]


def test_an_unclosed_quote_is_reported_and_the_rows_it_swallowed_are_read(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        'id,review\n1,"Con ""comillas"" bien\ncerradas"\n2,"Una película buena\n3,Otra mala\n4,Cuarta\n',
        encoding="utf-8",
    )
    got = rows(path)
    assert [problem for *_, problem in got] == [None, "malformed_row", None, None]
    assert [(rid, text) for _, rid, text, _ in got] == [
        ("1", 'Con "comillas" bien\ncerradas'),
        (None, None),
        ("3", "Otra mala"),
        ("4", "Cuarta"),
    ]


def test_a_multiline_quoted_review_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('id,review\n1,"Primer párrafo.\n\nSegundo párrafo."\n2,Otra\n', encoding="utf-8")
    assert [(rid, problem) for _, rid, _, problem in rows(path)] == [("1", None), ("2", None)]


def test_a_nul_in_the_first_rows_flags_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    from critica import get_pipeline

    path.write_bytes(
        b"id,review\n1,Una pel\x00icula\n2,Una pel\xc3\xadcula muy buena\n3,Una historia que no se sostiene\n"
    )
    read = list(read_reviews(path))
    assert [r.id for r in read] == ["1", "2", "3"]  # the file is not refused for one NUL
    results = [get_pipeline("fast").analyze_row(r.text, r.id, r.problem, f"row {r.row}") for r in read]
    assert [[e.code for e in a.errors] for a in results] == [["binary_input"], [], []]


def test_a_binary_file_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"id,review\n" + bytes(range(256)) * 40)
    with pytest.raises(UnusableInput, match="binary"):
        list(read_reviews(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = 'id,review\n1,"Una película estupenda, ¡qué fotografía!"\n'
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "unicode.csv"
    path.write_bytes(data)
    assert rows(path) == [(1, "1", "Una película estupenda, ¡qué fotografía!", None)]
    assert decode_bytes(data)[0].lstrip("\ufeff").startswith("id,review")


def test_every_deliberate_error_is_a_critica_error(tmp_path: Path) -> None:
    from critica import CriticaError
    from critica.encoder.probe import EncoderWeightsError
    from critica.sentiment.model import ModelFormatError, PolarityModel
    from critica.service.app import ApiError
    from critica.store.database import NotAResult, StoreError
    from critica.text.decode import NotText

    for kind in (UnusableInput, NotText, ModelFormatError, EncoderWeightsError, StoreError, NotAResult, ApiError):
        assert issubclass(kind, CriticaError)
    assert issubclass(UnusableInput, ValueError) and issubclass(StoreError, RuntimeError)  # old bases kept
    with pytest.raises(CriticaError, match="no such file"):
        read_reviews(tmp_path / "missing.csv")
    with pytest.raises(CriticaError, match="not a critica model folder"):
        PolarityModel.load(tmp_path)


def test_the_readme_lists_exactly_the_registered_review_error_codes() -> None:
    import re

    from critica.errors import REVIEW_ERROR_CODES, review_problem

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme[readme.index("coded entry in `errors`") : readme.index("REVIEW_ERROR_CODES`")]
    assert set(re.findall(r"`([a-z_]+)`", listed)) - {"errors"} == set(REVIEW_ERROR_CODES)
    with pytest.raises(ValueError, match="unregistered"):
        review_problem("made_up", "x")
