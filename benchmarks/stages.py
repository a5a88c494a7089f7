"""Cost of each analysis stage in milliseconds per 1,000 characters.

    .venv/bin/python benchmarks/stages.py [--reviews N]

The spaCy parse is shared by the facts and aspects stages; it is reported on
its own and added to each stage's figure ("with parse"), since whichever of
them runs first pays for it. Each stage first runs over `--warm` other reviews,
so that what a long batch pays once (lazy model loads such as lingua's, word
caches) is not charged to the timed reviews.
"""

from __future__ import annotations

import argparse
import time

from critica.aspects.stage import AspectStage
from critica.config import Config
from critica.facts.stage import FactsStage
from critica.quality.stage import QualityStage
from critica.resources import Resources
from critica.schema import Analysis, Sentiment
from critica.text import prepare
from critica.text.language import language_of_words
from throughput import load_reviews


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=300)
    parser.add_argument("--warm", type=int, default=200, help="reviews run before timing (not timed)")
    parser.add_argument("--rules-only", action="store_true", help="facts without the learned title tagger")
    args = parser.parse_args()
    pool = load_reviews(args.warm + args.reviews)
    warm, texts = pool[: args.warm], pool[args.warm :]
    chars = sum(len(t) for t in texts)
    docs = [prepare(t) for t in texts]
    resources = Resources.shared(Config(tier="fast", title_tagger=not args.rules_only))
    stages = {"facts": FactsStage(resources), "aspects": AspectStage(resources), "quality": QualityStage(resources)}
    language_of_words("this is English")  # lingua loads its models on first use (about 2 s)
    for doc in map(prepare, warm or texts[:1]):
        for stage in stages.values():
            stage.run(doc, Analysis("w", "es", Sentiment(None, None, None)))
    docs = [prepare(t) for t in texts]
    start = time.perf_counter()
    for doc in docs:
        _ = doc.spacy
    parse = (time.perf_counter() - start) * 1000 / (chars / 1000)
    print(f"reviews {len(texts)}, mean {chars / len(texts):.0f} characters")
    print(f"{'spaCy parse (shared)':32s} {parse:6.1f} ms / 1,000 chars")
    for name, stage in stages.items():
        start = time.perf_counter()
        for doc in docs:
            stage.run(doc, Analysis("x", "es", Sentiment(None, None, None)))
        own = (time.perf_counter() - start) * 1000 / (chars / 1000)
        print(f"{name:32s} {own:6.1f} ms / 1,000 chars ({own + parse:.1f} with parse)")


if __name__ == "__main__":
    main()
