"""wordfreq's lists as memory-mapped tables: the same numbers as wordfreq, built once, never half-written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from critica.text import wordlists
from critica.text.wordlists import WordTable, zipf

from .conftest import EXAMPLES

# Plain words, accents, capitals, digits, hyphens, apostrophes, ligatures, other scripts, a combining accent.
_TEXT = (
    "película estupenda año niño pingüino desempeño acción guion guión de la the of and zzzqx "
    "Película ÉPICA straße ﬁlm kino Кино 映画 o\u0301 cinéfilos almodóvar bardem caña rodaje peli prota "
    "2/10 1999 8,5 spider-man don't rock'n'roll año2000 ¡hola! the cat İstanbul œuvre naïve"
)
WORDS = [*_TEXT.split(), "", " ", "the cat", "x" * 60]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory, and no table loaded yet in this process."""
    monkeypatch.setenv("CRITICA_CACHE", str(tmp_path))
    wordlists._tables.cache_clear()
    yield tmp_path
    wordlists._tables.cache_clear()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_zipf_is_wordfreqs_own_value(lang: str) -> None:
    from wordfreq import zipf_frequency

    review_words = re.findall(r"\S+", (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8"))
    words = WORDS + review_words + [w.lower().strip(".,;:") for w in review_words]
    assert [zipf(w, lang) for w in words] == [zipf_frequency(w, lang) for w in words]
    assert zipf("película", lang) > 0 and zipf("zzzqx", lang) == 0.0


def test_a_table_finds_exactly_its_words() -> None:
    table = WordTable.of({"peli": 3, "película": 1, "prota": 2})
    assert [table.get(w) for w in ("peli", "película", "prota", "pel", "pelis", "", "x" * 40)] == [
        3,
        1,
        2,
        -1,
        -1,
        -1,
        -1,
    ]
    assert "prota" in table and "protas" not in table and 5 not in table
    assert table.any_of(["nada", "prota"]) and not table.any_of(["nada", "zzz", ""])
    assert table.any_of(["prota"], min_value=2) and not table.any_of(["película"], min_value=2)


def test_tables_are_built_once_then_mapped(fresh_cache: Path) -> None:
    assert wordlists.frequencies("es").get("película") > 0
    (folder,) = fresh_cache.glob("wordlists-*")
    assert (folder / "manifest.json").exists() and not list(fresh_cache.glob(".tmp-*"))
    assert isinstance(wordlists.frequencies("en").words, np.memmap)
    # Another process reads the same folder (no second build) and finds the same numbers.
    code = "from critica.text.wordlists import zipf; print(zipf('película', 'es'), zipf('the', 'en'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == [str(zipf("película", "es")), str(zipf("the", "en"))]
    assert list(fresh_cache.glob("wordlists-*")) == [folder]


def test_a_damaged_table_is_built_again(fresh_cache: Path) -> None:
    expected = zipf("película", "es")
    (folder,) = fresh_cache.glob("wordlists-*")
    (folder / "es.words.npy").write_bytes(b"not a table")
    wordlists._tables.cache_clear()
    assert zipf("película", "es") == expected
    assert np.load(folder / "es.words.npy").dtype.kind == "S"


def test_an_unwritable_cache_builds_the_tables_in_memory(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = fresh_cache / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("CRITICA_CACHE", str(blocked / "critica"))  # below a file: nothing can be created there
    assert zipf("película", "es") > 0
    assert not isinstance(wordlists.frequencies("es").words, np.memmap)


def test_the_lexicon_tables_hold_folded_words_and_one_letter_deletions() -> None:
    lexicon, deletions = wordlists.spanish_lexicon(), wordlists.spanish_deletions()
    assert lexicon.get("pelicula") == 1 and lexicon.get("película") == -1  # folded: no accents
    assert "pelicla" in deletions and "película" not in deletions
    assert len(lexicon) > 100_000 and len(deletions) > 100_000
