"""Sentence-attention pooling for the default tier's probe: out-of-fold accuracy against the mean.

    .venv/bin/python benchmarks/attention_probe.py [--data ../shared/data] [--cache .cache]

Development folds only (the test parts are never read). A mean-pooled probe scores a review by
the mean of its tokens' scores, so a plot summary weighs as much as the verdict. Here each sentence j
gets a weight n_j·exp(q·m_j) (n_j its tokens, m_j the mean of its states after the probed layers),
and the review's probe logit is the weighted mean of its sentences' mean scores w·m_j, plus a bias.
q = 0 is the mean-pooled probe exactly; both q and w are linear in the token states, so inference
stays per-token sums (a second probe output), and every sentence keeps an exact share of the
verdict. Training (`critica.sentiment.attention`): weighted log-loss + ‖w‖²/2C + ‖q‖²/2Cq by
L-BFGS, started from the mean-pooled probe; C is the one the cross-fit chooses for the mean
probe, Cq each of `ATTENTION_CS` (train.ATTENTION_C is the value chosen here).

The per-sentence means of the states after layers 6, 9 and 12 come from the training states
cache (`critica.encoder.pooled.corpus_states`: a float32 onnxruntime graph of all 12 layers; about 20 minutes
here, cached in chunks under `--cache`/pooled/sentences-KEY, resumable). The n-gram logits, star
score, out-of-fold combiners and rating model are the shipped cross-fit's.
"""

from __future__ import annotations

import time

import numpy as np

from critica.encoder.pooled import SentenceStates, corpus_states
from critica.sentiment import train
from probe_depths import corpus_cells, training_data

DEPTHS = (6, 9, 12)
ATTENTION_CS = (0.01, 0.03, 0.1)
RUNS = [((6, 9), None), *[((6, 9), cq) for cq in ATTENTION_CS], ((9, 12), 0.03), ((6, 9, 12), 0.03)]  # C_q None: mean


def columns(states: SentenceStates, depths: tuple[int, ...]) -> SentenceStates:
    """The same sentences with the means after `depths` only."""
    hidden = states.means.shape[1] // len(DEPTHS)
    picked = [j for d in depths for j in range(DEPTHS.index(d) * hidden, (DEPTHS.index(d) + 1) * hidden)]
    return SentenceStates(states.means[:, picked], states.tokens, states.text, states.texts)


def probe_column(
    data: train.TrainingData, states: SentenceStates, depths: tuple[int, ...], cq: float | None
) -> np.ndarray:
    """Out-of-fold probe logits: the mean-pooled probe (cq None), else attention pooling."""
    data.states = columns(states, depths)
    data.pooled = data.states.pooled()
    seed = train.TrainingConfig().seed
    mean_column, c = train.mean_probe_column(data, seed)
    if cq is None:
        return mean_column
    column = np.zeros(len(data.y))
    for k in sorted(set(data.fold.tolist())):
        probe = train.fit_probe(data, data.fold != k, c, seed, attention_c=cq)
        column[data.fold == k] = train.probe_logits(data, probe)[data.fold == k]
    return column


def main() -> None:
    data, cache, _ = training_data(__doc__)
    states = corpus_states(data.sentences, DEPTHS, cache / "pooled")  # the training states cache, three layers
    ngrams = train.cross_fit(data, train.TrainingConfig(tier="fast"), log=lambda _: None)  # n-grams alone
    for depths, cq in RUNS:
        started = time.perf_counter()
        column = probe_column(data, states, depths, cq)
        base = np.column_stack([ngrams.base[:, 0], column])
        fit = train.held_out_predictions(data, train.CrossFit(base, ngrams.star_score, column, column, None), 0)
        name = f"{','.join(map(str, depths))} " + ("mean" if cq is None else f"attention Cq={cq}")
        print(f"{name:24s} {corpus_cells(data, fit, ece=True)} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
