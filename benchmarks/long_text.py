"""How the facts stage's time grows with a review's length, on a worst case for the name rules.

    .venv/bin/python benchmarks/long_text.py [--sizes 2000 4000 8000]

The text is made of capitalised words only (short sentences of three words, then a long run of a
two-word name), so that every rule that looks at names, entities or title candidates has thousands
of them to consider. Prints, per size, the characters, the facts stage's seconds (spaCy's parse
excluded, run first) and the ratio to the smallest size's seconds per character: about 1 means the
cost grows linearly with the text.
"""

from __future__ import annotations

import argparse
import time

from critica.config import Config
from critica.facts.stage import find_facts
from critica.resources import Resources
from critica.text import prepare


def worst_case(words: int) -> str:
    """About `words` capitalised words: sentences of three, then one long run of names."""
    return "Hola Mundo Grande. " * (words // 3) + " ".join(["Pedro Alvarez"] * (words // 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000])
    args = parser.parse_args()
    shared = Resources.shared(Config(tier="fast"))
    base = None
    for words in args.sizes:
        doc = prepare(worst_case(words))
        _ = doc.spacy  # the parse is shared with the aspects stage: not charged here
        start = time.perf_counter()
        find_facts(doc, shared.title_tagger, shared.credits, shared.reviewed_chooser)
        seconds = time.perf_counter() - start
        per_char = seconds / len(doc.text)
        base = base or per_char
        print(f"{len(doc.text):>8,} characters  facts {seconds:6.2f} s  per character ×{per_char / base:.2f}")


if __name__ == "__main__":
    main()
