"""Which frozen layers the default tier's probe should read: out-of-fold accuracy per set of depths.

    .venv/bin/python benchmarks/probe_depths.py [--data ../shared/data] [--cache .cache]

Development folds only (the test parts are never read). Pools the states after layers 6, 9
and 12 of every training text with a float32 onnxruntime graph of all 12 layers (the same
layers as `encoder/onnx_graph.py`; about 15 minutes here, cached in chunks under
`--cache`/pooled-depths, resumable), checks depths 6 and 9 against the shipped cache, then
reruns the default tier's cross-fit for each set of depths: the same n-gram logits and star
score, the probe's C chosen by out-of-fold log-loss as training does, the same out-of-fold
combiners and rating model. Prints accuracy per corpus and the rating's MAE and exact rate.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np

from critica.evaluation.metrics import polarity_metrics, rating_metrics
from critica.sentiment import train
from critica.sentiment.recipe import bundled_training_data

ROOT = Path(__file__).resolve().parent.parent
DEPTHS = (6, 9, 12)
SETS = {"6,9 (shipped)": (6, 9), "9,12": (9, 12), "6,9,12": (6, 9, 12), "12": (12,), "9": (9,)}
CHUNK = 500


def pooled_all_depths(sentences: list[list[str]], folder: Path) -> np.ndarray:
    """(texts, len(DEPTHS), hidden): means over sentence tokens, as training pools them."""
    import onnxruntime as ort

    from critica.encoder.forward import E5Encoder
    from critica.encoder.inputs import encoder_input
    from critica.encoder.onnx_graph import build_states_graph
    from critica.encoder.pooled import sentence_token_means

    folder.mkdir(parents=True, exist_ok=True)
    encoder = E5Encoder(layers=max(DEPTHS))
    options = ort.SessionOptions()
    options.enable_cpu_mem_arena = False
    session = ort.InferenceSession(build_states_graph(encoder, DEPTHS), options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]

    def states_after(ids: np.ndarray) -> list[np.ndarray]:
        states = encoder.embed_ids(ids)[None].astype(np.float32)
        feed = {"states": states, "mask": np.ones(states.shape[:2], dtype=np.float32)}
        return [after[0] for after in session.run(names, feed)]

    hidden = encoder.config.hidden
    for start in range(0, len(sentences), CHUNK):
        part = folder / f"chunk-{start:06d}.npy"
        if part.exists():
            continue
        started = time.perf_counter()
        rows = [
            sentence_token_means(encoder_input(encoder.tokenizer, review), states_after, len(DEPTHS), hidden)
            for review in sentences[start : start + CHUNK]
        ]
        np.save(part, np.stack(rows))
        print(f"pooled {min(start + CHUNK, len(sentences))}/{len(sentences)} in {time.perf_counter() - started:.0f} s")
    return np.concatenate([np.load(folder / f"chunk-{s:06d}.npy") for s in range(0, len(sentences), CHUNK)])


def corpus_cells(data: train.TrainingData, fit: train.CrossFit, ece: bool = False) -> str:
    """Accuracy (and ECE) per corpus, then the MuchoCine rating's MAE and exact rate, on one line."""
    sources, cells = np.array(data.source), []
    for source in dict.fromkeys(data.source):
        mask = data.binary & (sources == source)
        m = polarity_metrics(data.y[mask], fit.proba[mask])
        cells.append(f"{source} {m.accuracy:.4f}" + (f"/{m.ece:.3f}" if ece else ""))
    rated = (data.stars > 0) & data.spanish & (sources == "muchocine")
    stars = rating_metrics(data.stars[rated], fit.rating[rated])
    return " | ".join(cells) + f" | rating MAE {stars.mae:.3f} exact {stars.exact:.3f}"


def training_data(description: str | None) -> tuple[train.TrainingData, Path, str]:
    """The bundled recipe's training data from `--data`, the `--cache` folder and a key of its texts.

    The probe benchmarks' own caches are named by the key: new texts, new folder.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache")
    args = parser.parse_args()
    data, _, _ = bundled_training_data(args.data, "default", args.cache / "pooled")
    return data, args.cache, hashlib.sha256(repr(data.sentences).encode()).hexdigest()[:16]


def main() -> None:
    data, cache, key = training_data(__doc__)
    pooled = pooled_all_depths(data.sentences, cache / f"pooled-depths-{key}")
    shipped = data.pooled.reshape(len(data.y), len(train.PROBE_DEPTHS), -1)
    same = [DEPTHS.index(d) for d in train.PROBE_DEPTHS]
    print(
        f"depths {train.PROBE_DEPTHS} against the shipped cache: max |Δ| {np.abs(pooled[:, same] - shipped).max():.2e}"
    )
    # The n-gram logits and star score do not depend on the depths: the shipped cross-fit's, once.
    ngrams = train.cross_fit(data, train.TrainingConfig(tier="fast"), log=lambda _: None)  # n-grams alone
    for name, depths in SETS.items():
        data.pooled = pooled[:, [DEPTHS.index(d) for d in depths]].reshape(len(data.y), -1)
        column, c = train.mean_probe_column(data, train.TrainingConfig().seed)
        base = np.column_stack([ngrams.base[:, 0], column])
        fit = train.held_out_predictions(data, train.CrossFit(base, ngrams.star_score, column, column, c), 0)
        print(f"{name:14s} C={c:<4} " + corpus_cells(data, fit))


if __name__ == "__main__":
    main()
