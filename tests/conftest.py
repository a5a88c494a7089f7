from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def positive_review() -> str:
    return (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def negative_review() -> str:
    return (EXAMPLES / "resena_negativa.txt").read_text(encoding="utf-8")


def needs_shared_data() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not (SHARED_DATA / "imdb_es").exists(), reason="../shared/data is not here")
