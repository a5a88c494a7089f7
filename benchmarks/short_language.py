"""Language detection on short texts: how often a few Spanish (or English) words are read as such.

    .venv/bin/python benchmarks/short_language.py            # training parts (what SPANISH_PRIOR was chosen on)
    .venv/bin/python benchmarks/short_language.py --heldout  # the test parts, scored once

Spanish: MuchoCine's one-line summaries, and their first three and six words and
those of each review's first sentence (native text); English: the first sentence
of each English IMDb review, and its first three and six words. Truncated openings
are not real reviews, but both languages are cut the same way, and a review of a
few words ("Genial!!", "Para olvidar.") is what critica must not refuse. Rows are
bucketed by word count; each cell is the share detected as the text's language.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

from critica import corpora
from critica.text import prepare
from critica.text.language import detect_language

_WORD = re.compile(r"[^\W\d_]+")
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+")
BUCKETS = ((1, 2), (3, 3), (4, 6), (7, 11), (12, 10**9))


def openings(texts: list[str]) -> list[str]:
    """Each text, and its first three and first six words."""
    return texts + [" ".join(t.split()[:3]) for t in texts] + [" ".join(t.split()[:6]) for t in texts]


def samples(root: Path, heldout: bool) -> dict[str, list[str]]:
    """Short Spanish and English texts of the training parts (or of the test parts)."""
    summaries = [prepare(r.text).text for r in corpora.muchocine(root, summaries=True) if r.test == heldout]
    firsts = [_first(r.text) for r in corpora.muchocine(root) if r.test == heldout]
    english = [_first(r.text) for r in corpora.imdb_en(root) if r.test == heldout]
    spanish = openings(summaries) + [" ".join(t.split()[:n]) for t in firsts for n in (3, 6)]
    return {"es": spanish, "en": openings(english)}


def _first(text: str) -> str:
    return _FIRST_SENTENCE.split(prepare(text).text)[0]


def table(sets: dict[str, list[str]], detect: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Per language, one "share / rows" cell per word-count bucket."""
    rows = {}
    for language, texts in sets.items():
        texts = [t for t in texts if any(ch.isalpha() for ch in t)]
        found = [(len(_WORD.findall(t)), detect(t) == language) for t in texts]
        cells = []
        for lo, hi in BUCKETS:
            hits = [ok for n, ok in found if lo <= n <= hi]
            cells.append(f"{sum(hits) / len(hits):.3f} / {len(hits)}" if hits else "—")
        rows[language] = cells
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=corpora.DEFAULT_ROOT)
    parser.add_argument("--heldout", action="store_true", help="score the test parts (once, at the end)")
    args = parser.parse_args()
    rows = table(samples(args.data, args.heldout), lambda t: detect_language(t)[0])
    heads = [f"{lo}–{hi}" if hi < 10**9 else f"{lo}+" for lo, hi in BUCKETS]
    print(f"{'test' if args.heldout else 'training'} parts; words: " + " | ".join(heads))
    for language, cells in rows.items():
        print(f"{language}: " + " | ".join(cells))


if __name__ == "__main__":
    main()
