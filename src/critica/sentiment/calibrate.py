"""Measure the int8 activation peaks of a trained default-tier model without retraining it.

    python -m critica.sentiment.calibrate [--corpora ../shared/data] [--model src/critica/models/polarity-default]

`critica train --tier default` measures them itself (`train.int8_peaks`); this
adds them to a model folder trained before they existed, from the same texts
of the bundled recipe, and leaves every other file as it is. `make model-int8`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from critica.sentiment.model import ENCODER_FILE, PEAK_PREFIX, read_npz, write_npz
from critica.sentiment.recipe import bundled_training_data
from critica.sentiment.train import int8_peaks

MODEL = Path(__file__).resolve().parent.parent / "models" / "polarity-default"


def add_peaks(model: Path, corpora: Path) -> int:
    """Rewrite `model`'s encoder.npz with peaks measured on the recipe's training texts; how many."""
    # The fast tier's data: the same Spanish texts in the same order, without the encoder pass.
    data, _, _ = bundled_training_data(corpora, "fast", Path(".cache"), log=lambda _: None)
    arrays = {k: v for k, v in read_npz(model / ENCODER_FILE, np.float32).items() if not k.startswith(PEAK_PREFIX)}
    peaks = int8_peaks(data)
    arrays.update({f"{PEAK_PREFIX}{k}": v for k, v in peaks.items()})
    write_npz(model / ENCODER_FILE, arrays)
    return len(peaks)


def main() -> None:
    """The command line: add the peaks to a model folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args()
    print(f"{add_peaks(args.model, args.corpora)} activation peaks written to {args.model / ENCODER_FILE}")


if __name__ == "__main__":
    main()
