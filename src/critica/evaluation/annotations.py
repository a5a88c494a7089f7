"""critica's own hand annotations of public reviews, kept as ids, character offsets and labels.

The project never stores review text taken from `../shared/data`: an
annotation names its review by corpus and id, checks the text by its SHA-1,
and points into it with `[start, end)` offsets. `load_annotations` joins the
offsets to the corpus and gives rows in the shape of
`shared/data/gold/gold_dev.jsonl`, so the same scorers read both.

How the file was made and which part is test: `data/gold/README.md`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from critica import corpora
from critica.io.readers import UnusableInput

# The annotations live beside the package in a source checkout (they are test data, not a model).
DEFAULT_FILE = Path(__file__).resolve().parents[3] / "data" / "gold" / "annotations.jsonl"
PARTS = ("dev", "test")
CORPORA = ("muchocine", "imdb_es")


def _corpus_texts(root: Path, names: set[str]) -> dict[tuple[str, str], str]:
    readers = {"muchocine": corpora.muchocine, "imdb_es": corpora.imdb_es}
    return {(name, row.id): row.text for name in names for row in readers[name](root)}


def _cut(text: str, span: list[int] | None) -> str | None:
    return None if span is None else text[span[0] : span[1]]


def resolve(row: dict[str, Any], text: str) -> dict[str, Any]:
    """One annotation row with its text: the gold_dev shape (titles, names, evidence as strings)."""
    return {
        "id": row["id"],
        "corpus": row["corpus"],
        "part": row["part"],
        "films": [
            {
                "title": _cut(text, f["span"]),
                "original_title": _cut(text, f["original_title_span"]),
                "year": f["year"],
                "reviewed": f["reviewed"],
            }
            for f in row["films"]
        ],
        "people": [
            {"name": _cut(text, p["span"]), "roles": list(p["roles"]), "character": _cut(text, p["character_span"])}
            for p in row["people"]
        ],
        "awards": [{"award": _cut(text, a["span"])} for a in row["awards"]],
        "aspects": [
            {"aspect": a["aspect"], "polarity": a["polarity"], "evidence": [_cut(text, s) for s in a["evidence_spans"]]}
            for a in row["aspects"]
        ],
        "notes": row.get("notes", ""),
    }


def is_annotation_file(path: Path) -> bool:
    """Whether a gold file holds offsets into the corpora (rather than its own strings)."""
    with path.open(encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), "")
    return bool(first) and "text_sha1" in json.loads(first)


def load_annotations(
    path: Path = DEFAULT_FILE,
    root: Path = corpora.DEFAULT_ROOT,
    part: str | None = None,
    corpus: str | None = None,
) -> list[tuple[dict[str, Any], str]]:
    """Annotated reviews of one part and corpus (None: all), each as (gold row, review text).

    Raises UnusableInput when a corpus file is missing or a review's text no
    longer has the SHA-1 it was annotated on (the offsets would be wrong).
    """
    if part not in (None, *PARTS):
        raise UnusableInput(f"part must be one of {', '.join(PARTS)} (got {part!r})")
    if corpus not in (None, *CORPORA):
        raise UnusableInput(f"corpus must be one of {', '.join(CORPORA)} (got {corpus!r})")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if (part is None or r["part"] == part) and (corpus is None or r["corpus"] == corpus)]
    try:
        texts = _corpus_texts(root, {r["corpus"] for r in rows})
    except FileNotFoundError as exc:
        raise UnusableInput(f"{exc.filename}: the annotations point into ../shared/data; pass its folder") from exc
    out = []
    for row in rows:
        text = texts.get((row["corpus"], row["id"]))
        if text is None or hashlib.sha1(text.encode("utf-8")).hexdigest() != row["text_sha1"]:
            where = f"{row['corpus']}/{row['id']}"
            raise UnusableInput(f"{path}: review {where} is missing or changed since it was annotated")
        out.append((resolve(row, text), text))
    return out


def title_examples(root: Path = corpora.DEFAULT_ROOT, part: str = "dev", path: Path = DEFAULT_FILE) -> list[Any]:
    """One part's reviews as title-tagger texts: every occurrence of each annotated title is a title span."""
    from critica.facts.films import occurrences
    from critica.facts.title_train import Labelled

    out = []
    for gold, text in load_annotations(path, root=root, part=part):
        spans: list[tuple[int, int]] = []
        for film in sorted(gold["films"], key=lambda f: -len(f["title"])):
            spans += [s for s in occurrences(film["title"], text) if not any(s[0] < b and a < s[1] for a, b in spans)]
        out.append(Labelled(text, sorted(spans), complete=True))
    return out
