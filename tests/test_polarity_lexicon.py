"""Lexicon polarity classes in the n-grams: built from the lexicons, saved with the model, read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from critica.sentiment.features import ngrams, polarity_classes, tokenize
from critica.sentiment.lexicon import polarity_lexicon
from critica.sentiment.model import ModelFormatError, PolarityModel

from .conftest import ROOT

POLAR = {"recomiendo": 1, "aburrida": -1, "mal": -1}


def test_a_lexicon_word_counts_as_its_class_and_a_negator_turns_it() -> None:
    assert polarity_classes(tokenize("La recomiendo."), POLAR) == ["@pos"]
    assert polarity_classes(tokenize("No la recomiendo."), POLAR) == ["@~pos"]
    assert polarity_classes(tokenize("No está mal, nada aburrida."), POLAR) == ["@~neg", "@~neg"]
    # The negator's reach is three words: "no" four words before leaves the class as it is.
    assert polarity_classes(tokenize("No es que sea muy aburrida."), POLAR) == ["@neg"]
    assert "@~pos" in ngrams("No la recomiendo.", POLAR)
    assert not [g for g in ngrams("No la recomiendo.") if g.startswith("@")], "no lexicon, no class terms"


WORDS = st.sampled_from(["no", "nunca", "la", "película", "recomiendo", "aburrida", "mal", "muy", "sin", "y"])


@given(st.lists(WORDS, max_size=30))
def test_every_lexicon_word_gives_one_class_negated_exactly_within_reach(words: list[str]) -> None:
    tokens = tokenize(" ".join(words))
    classes = polarity_classes(tokens, POLAR)
    hits = [i for i, t in enumerate(tokens) if t in POLAR]
    assert len(classes) == len(hits)
    for i, term in zip(hits, classes, strict=True):
        negated = any(t in {"no", "nunca", "sin"} for t in tokens[max(0, i - 3) : i])
        assert term == ("@~" if negated else "@") + ("pos" if POLAR[tokens[i]] > 0 else "neg")


def test_the_classes_come_from_the_merged_lexicons(tmp_path: Path) -> None:
    (tmp_path / "isol").mkdir()
    (tmp_path / "isol" / "positivas_mejorada.csv").write_text("estupenda\nmaravilla\n", encoding="utf-8")
    (tmp_path / "isol" / "negativas_mejorada.csv").write_text("aburrida\nbodrio\n", encoding="utf-8")
    (tmp_path / "elhpolar").mkdir()
    lines = "maravilla\tnegative\nobra_maestra\tpositive\nÉpica\tpositive\n"  # a conflict, a multiword, an accent
    (tmp_path / "elhpolar" / "ElhPolar_esV1.lex").write_text(lines, encoding="utf-8")
    assert polarity_lexicon(tmp_path) == {"aburrida": -1, "bodrio": -1, "epica": 1, "estupenda": 1}


def _train(out: Path, data: Path, *options: str) -> None:
    args = ["train", "--tier", "fast", "--data", str(data), "--out", str(out), *options]
    done = subprocess.run([sys.executable, "-m", "critica.cli", *args], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-1000:]


def test_a_model_trained_with_lexicons_keeps_its_classes(tmp_path: Path) -> None:
    lexicons = tmp_path / "lexicons"
    (lexicons / "isol").mkdir(parents=True)
    (lexicons / "isol" / "positivas_mejorada.csv").write_text("recomiendo\nestupenda\n", encoding="utf-8")
    (lexicons / "isol" / "negativas_mejorada.csv").write_text("aburrida\n", encoding="utf-8")
    native = (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(native * 3), encoding="utf-8")
    out = tmp_path / "model"
    _train(out, data, "--lexicons", str(lexicons))
    model = PolarityModel.load(out)
    assert model.featurizer.polar == {"aburrida": -1, "estupenda": 1, "recomiendo": 1}
    assert json.loads((out / "lexicon.json").read_text(encoding="utf-8")) == model.featurizer.polar
    assert model.report["lexicon_words"] == 3
    _train(out, data, "--no-lexicon")  # retrained without classes into the same folder: the old list goes
    assert not (out / "lexicon.json").exists() and PolarityModel.load(out).featurizer.polar == {}
    _train(out, data)  # a user's own model, no lexicons given: the bundled models' classes
    bundled = ROOT / "src" / "critica" / "models" / "polarity-fast" / "lexicon.json"
    assert (out / "lexicon.json").read_bytes() == bundled.read_bytes()
    _train(out, data, "--lexicons", str(out / "lexicon.json"))  # a model's lexicon.json is a source too
    assert (out / "lexicon.json").read_bytes() == bundled.read_bytes()


def test_a_malformed_lexicon_file_is_refused(tmp_path: Path) -> None:
    shipped = ROOT / "src" / "critica" / "models" / "polarity-fast"
    for name in ("model.json", "vocabulary.json", "weights.npz"):
        (tmp_path / name).write_bytes((shipped / name).read_bytes())
    (tmp_path / "lexicon.json").write_text('{"buena": 2}', encoding="utf-8")
    with pytest.raises(ModelFormatError, match=r"lexicon\.json must map"):
        PolarityModel.load(tmp_path)


@pytest.mark.parametrize("tier", ["fast", "default"])
def test_the_shipped_models_learned_that_a_negated_class_flips(tier: str) -> None:
    model = PolarityModel.load(ROOT / "src" / "critica" / "models" / f"polarity-{tier}")
    weight = {t: float(model.sparse_coef[model.featurizer.vocabulary.index(t)]) for t in ("@pos", "@neg", "@~pos")}
    assert len(model.featurizer.polar) > 5000
    assert weight["@pos"] > 0 > weight["@neg"] and weight["@~pos"] < 0


@pytest.mark.parametrize("content", [None, "not json", '{"buena": 2}'])
def test_an_unusable_lexicon_source_is_a_clear_error(tmp_path: Path, content: str | None) -> None:
    source = tmp_path / "lexicons"
    if content is None:
        source.mkdir()  # a folder without any of the three lexicons
    else:
        source.write_text(content, encoding="utf-8")
    data = tmp_path / "labelled.jsonl"
    data.write_text((ROOT / "data" / "native_es_reviews.jsonl").read_text(), encoding="utf-8")
    args = ["train", "--tier", "fast", "--data", str(data), "--out", str(tmp_path / "m"), "--lexicons", str(source)]
    done = subprocess.run([sys.executable, "-m", "critica.cli", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "lexicon" in done.stderr and not (tmp_path / "m").exists()
