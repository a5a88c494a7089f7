"""Linking film mentions to the user's catalogue: exact, folded, fuzzy by spelling and by meaning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from critica.facts.catalog import Catalog, CatalogError, CatalogFilm, key

FILMS = [
    CatalogFilm("f1", "Virgen a los 40", "The 40 Year Old Virgin", 2005),
    CatalogFilm("f2", "La novia cadáver", "Corpse Bride", 2005),
    CatalogFilm("f3", "Camino a la perdición", "Road to Perdition", 2002),
    CatalogFilm("f4", "Supersalidos", "Superbad", 2007),
]


def write_catalog(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["id,title,original_title,year", *rows]) + "\n", encoding="utf-8")
    return path


def test_exact_and_folded_links() -> None:
    catalog = Catalog(FILMS)
    assert catalog.link("Superbad").how == "exact"
    assert catalog.link("Superbad").id == "f4"
    folded = catalog.link("LA NOVIA CADAVER")
    assert (folded.id, folded.how, folded.score) == ("f2", "folded", 1.0)
    assert key("El camino a la perdición") == "camino a la perdicion"
    assert catalog.link("El camino a la perdición").id == "f3"  # a leading article does not matter


def test_fuzzy_by_spelling_and_year_veto() -> None:
    catalog = Catalog(FILMS)
    typo = catalog.link("Supersalido")
    assert typo is not None and (typo.id, typo.how) == ("f4", "fuzzy") and typo.score < 1.0
    assert catalog.link("Supersalido", year=1990) is None  # a contradicting year blocks a fuzzy link
    assert catalog.link("Ciudadano Kane") is None


def fake_embed(texts: list[str]) -> np.ndarray:
    """A stand-in encoder: literal translations share a direction, everything else is orthogonal."""
    groups = {"la virgen de 40 años": 0, "The 40 Year Old Virgin": 0, "Virgen a los 40": 0}
    rows = np.zeros((len(texts), 8), dtype=np.float32)
    for i, text in enumerate(texts):
        rows[i, groups.get(text, 1 + hash(text) % 7)] = 1.0
    return rows


def test_fuzzy_by_meaning_uses_the_encoder_and_needs_a_margin() -> None:
    assert Catalog(FILMS).link("la virgen de 40 años") is None  # no encoder: spelling alone cannot
    link = Catalog(FILMS, embed=fake_embed).link("la virgen de 40 años")
    assert link is not None and (link.id, link.how) == ("f1", "fuzzy")
    twins = [*FILMS, CatalogFilm("f5", "Virgen a los 40", None, None)]
    assert Catalog(twins, embed=fake_embed).link("la virgen de 40 años") is None  # two films as close


def test_real_encoder_links_a_literal_translation() -> None:
    from critica.resources import _encoder_embed

    link = Catalog(FILMS, embed=_encoder_embed).link("la virgen de 40 años")
    assert link is not None and link.id == "f1"
    assert Catalog(FILMS, embed=_encoder_embed).link("el padrino") is None


def test_bad_catalogues_say_what_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("name,year\nX,2000\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="columns id and title"):
        Catalog.load(tmp_path / "b.csv")
    with pytest.raises(CatalogError, match=r"c.csv:3: year must be four digits"):
        Catalog.load(write_catalog(tmp_path / "c.csv", ["f1,Tesis,,1996", "f2,Abre los ojos,,noventa"]))
    with pytest.raises(CatalogError, match=r"d.csv:2: every film needs an id"):
        Catalog.load(write_catalog(tmp_path / "d.csv", [",Tesis,,1996"]))
    with pytest.raises(CatalogError, match="no films"):
        Catalog.load(write_catalog(tmp_path / "e.csv", []))
    with pytest.raises(CatalogError, match="cannot read"):
        Catalog.load(tmp_path / "missing.csv")


def test_cli_links_films_to_catalogue_ids(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path / "films.csv", ["t-96,Tesis,,1996", "sb,Supersalidos,Superbad,2007"])
    review = tmp_path / "r.txt"
    review.write_text(
        "«Tesis» (1996) sigue siendo mejor que «Superbad», pero las dos me gustaron mucho.", encoding="utf-8"
    )
    args = ["analyze", str(review), "--fast", "-f", "json", "--catalog", str(catalog)]
    done = subprocess.run(
        [sys.executable, "-m", "critica.cli", *args],
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    films = {f["title"]: f.get("catalog") for f in json.loads(done.stdout)["facts"]["films"]}
    assert films["Tesis"]["id"] == "t-96" and films["Tesis"]["how"] == "exact"
    assert films["Superbad"]["id"] == "sb"
    bad = subprocess.run(
        [sys.executable, "-m", "critica.cli", "analyze", str(review), "--fast", "--catalog", str(tmp_path / "no.csv")],
        capture_output=True,
        timeout=300,
    )
    assert bad.returncode == 2 and b"cannot read the catalogue" in bad.stderr and b"Traceback" not in bad.stderr
