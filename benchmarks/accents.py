"""Aspects and facts on reviews written without accents: the gold reviews as given, and with every accent removed.

    .venv/bin/python benchmarks/accents.py [--part dev|test] [--tier default|fast]

Native reviewers often skip accents ("la musica", "la fotografia es increible"). Removing
them character for character keeps the gold offsets valid (ñ is kept: it is a letter of
its own, and reviewers type it), so the same annotations score both versions. The dev
part is critica's own annotations' dev reviews plus `gold/gold_dev.jsonl`; the test part
is the annotations' test reviews.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from critica.aspects.stage import judge_aspects
from critica.config import Config
from critica.evaluation.gold import GoldSelection, load_gold, score_aspects, score_facts
from critica.facts.stage import find_facts
from critica.resources import Resources, polarity_model
from critica.text import prepare
from critica.text.fold import unaccented

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def gold_sets(part: str) -> dict[str, list[tuple[dict, str]]]:
    """The annotated reviews of one part, by corpus."""
    annotations = ROOT / "data" / "gold" / "annotations.jsonl"
    sets = {
        f"MuchoCine {part}": load_gold(annotations, None, GoldSelection(part, "muchocine")),
        f"IMDB-es {part}": load_gold(annotations, None, GoldSelection(part, "imdb_es")),
    }
    if part == "dev":
        texts = SHARED / "imdb_es" / "imdb_es_1700.csv"
        sets["gold_dev (IMDB-es)"] = load_gold(SHARED / "gold" / "gold_dev.jsonl", texts)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--part", choices=("dev", "test"), default="dev")
    parser.add_argument("--tier", default="default")
    args = parser.parse_args()
    model = polarity_model(args.tier)
    shared = Resources.shared(Config(tier="fast"))
    kinds = ("aspects", "aspect_polarity", "people", "people_with_roles", "characters", "films")
    print("F1, as written → without accents\n")
    print("| set | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for name, rows in gold_sets(args.part).items():
        cells = []
        for transform in (str, unaccented):
            docs = [(gold, prepare(transform(text))) for gold, text in rows]
            scores = score_aspects((gold, [asdict(a) for a in judge_aspects(doc, model)]) for gold, doc in docs)
            facts = (
                (gold, asdict(find_facts(doc, shared.title_tagger, shared.credits).to_contract(doc)))
                for gold, doc in docs
            )
            cells.append({**scores, **score_facts(facts)})
        print(f"| {name} | " + " | ".join(f"{cells[0][k].f1:.3f} → {cells[1][k].f1:.3f}" for k in kinds) + " |")


if __name__ == "__main__":
    main()
