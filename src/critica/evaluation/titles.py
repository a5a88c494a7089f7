"""Film-title spans against a BIO-tagged file (es-movie's format): the tagger alone, the rules, both.

A predicted title counts when its span equals a gold span after stripping
quotes and spaces (exact); `partial` also counts an overlap, the looser
figure tagging papers report beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from critica.evaluation.gold import Score


def _spans_of(path: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    from critica.facts.title_train import bio_examples

    return [(e.text, [tuple(s) for s in e.films]) for e in bio_examples(path, complete=True)]


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    a, b = span
    while a < b and text[a] in " \"'“”«»‘’":
        a += 1
    while b > a and text[b - 1] in " \"'“”«»‘’":
        b -= 1
    return a, b


def score_spans(text: str, pred: list[tuple[int, int]], gold: list[tuple[int, int]], exact: Score, partial: Score):
    """Update the exact and the overlap scores with one text's spans."""
    pred = sorted({_strip(text, s) for s in pred})
    gold = sorted({_strip(text, s) for s in gold})
    hits = set(pred) & set(gold)
    exact.tp += len(hits)
    exact.fp += len(pred) - len(hits)
    exact.fn += len(gold) - len(hits)
    exact.misses += [text[a:b] for a, b in gold if (a, b) not in hits]
    exact.false_alarms += [text[a:b] for a, b in pred if (a, b) not in hits]
    overlap = [g for g in gold if any(p[0] < g[1] and g[0] < p[1] for p in pred)]
    partial.tp += len(overlap)
    partial.fn += len(gold) - len(overlap)
    partial.fp += sum(1 for p in pred if not any(p[0] < g[1] and g[0] < p[1] for g in gold))


def evaluate_titles_file(path: Path, tagger: Any, encode: Any = None) -> dict[str, Score]:
    """Tagger alone, rules alone, and rules + tagger (as the facts stage runs them) on a BIO file.

    `encode(doc)`: the default tier's encoder pass, which gives the tagger its encoder reader
    (`critica.sentiment.stage.explain`); None: the hashed classifier alone (the fast tier).
    """
    from critica.facts.films import extract_films, occurrences
    from critica.text import ENCODER_PIECES, prepare

    def mentions(films) -> list[tuple[int, int]]:
        # every place the text names each film found (the stage reports a film once, with its occurrences)
        return [span for f in films for span in {(f.start, f.end), *occurrences(f.title, text)}]

    scores = {name: Score() for name in ("tagger", "tagger_partial", "rules", "rules_partial", "both", "both_partial")}
    from critica.text.nlp import spanish_nlp

    for text, gold in _spans_of(path):
        ents = [(e.start_char, e.end_char, e.label_) for e in spanish_nlp()(text).ents]
        doc = prepare(text)
        if encode is not None and doc.text == text:  # the pieces' offsets are the clean text's
            encode(doc)
        tagged = tagger.spans(text, ents, doc.memo.get(ENCODER_PIECES))
        rules = mentions(extract_films(text))
        both = mentions(extract_films(text, tagged=tagged))
        for name, pred in (("tagger", tagged), ("rules", rules), ("both", both)):
            score_spans(text, pred, gold, scores[name], scores[f"{name}_partial"])
    return scores
